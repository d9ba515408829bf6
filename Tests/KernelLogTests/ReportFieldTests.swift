import Foundation
import KernelFacts
import KernelLog
import Testing

@Suite struct ReportFieldTests {
    @Test func taintDecodesEveryLetterOfTheTable() {
        let t = Taint.decode("PFSRMBUDAWCIOELKXTNJ")
        #expect(t.flags.count == 20)
        #expect(!t.flags.contains { $0.hasPrefix("unknown") })
        #expect(Taint.decode("G    B   W  OE").flags == ["bad_page", "warn", "oot_module", "unsigned_module"])
        #expect(Taint.decode("G").flags.isEmpty)
        #expect(Taint.decode("Z").flags == ["unknown_Z"])
    }

    @Test(arguments: [
        ("5.15.0-91-generic", "5.15.0", "91", "generic"),
        ("6.1.0-56-amd64", "6.1.0", "56", "amd64"),
        ("2.6.32-431.el6.x86_64", "2.6.32", "431.el6", "x86_64"),
        ("4.18.0-513.5.1.el8_9.x86_64", "4.18.0", "513.5.1.el8_9", "x86_64"),
        ("5.3.0+", "5.3.0", "+", nil),
    ])
    func kernelRelease(_ release: String, _ version: String, _ build: String?, _ flavour: String?) {
        let k = KernelInfo(release: release)
        #expect(k.version == version)
        #expect(k.build == build)
        #expect(k.flavour == flavour)
    }

    @Test func recordEncodesSnakeCaseKeys() throws {
        let log = """
            [  1.0] BUG: kernel NULL pointer dereference, address: 0000000000000008
            [  1.1] CPU: 0 PID: 1 Comm: init Not tainted 6.1.0 #1
            [  1.2] RIP: 0010:foo_init+0x10/0x20
            [  1.3] Call Trace:
            [  1.4]  bar_init+0x10/0x20
            [  1.5]  do_one_initcall+0x10/0x20
            [  1.6] Modules linked in: a(OE) b [last unloaded: c]
            """
        var r = try #require(FrontDoor.records(log).first)
        r.file = "/var/log/x"
        let json = String(decoding: try JSONEncoder().encode(r), as: UTF8.self)
        for key in [
            "\"schema\"", "\"alt_titles\"", "\"signature_version\"", "\"last_unloaded\"", "\"monotonic_us\"",
            "\"file\"", "\"end_line\"",
        ] {
            #expect(json.contains(key), "\(key)")
        }
        let back = try JSONDecoder().decode(CrashRecord.self, from: Data(json.utf8))
        #expect(back == r)
        #expect(r.modules == [LoadedModule(name: "a", taint: "OE"), LoadedModule(name: "b")])
        #expect(r.lastUnloaded == "c")
        #expect(r.time.monotonicMicros == 1_000_000)
        #expect(r.line == 1)
        #expect(r.endLine == 7)
    }
}
