import Foundation
import KernelDump
import KtriageTestSupport
import Testing

/// Small committed dumps under `fixtures/vmcore/`, read back and compared with their committed
/// `.dmesg` and `.info` expectations. A missing fixture is recorded from the writers and the test
/// fails ("recorded new baseline"); `UPDATE_GOLDEN=1` re-records.
@Suite("Committed fixtures in fixtures/vmcore")
struct FixtureTests {
    static let names = [
        "synthetic-lockless.kdump", "synthetic-lockless.flat", "synthetic-printk-log.kdump",
        "synthetic-l5.kdump",
    ]

    static func build(_ name: String) -> [UInt8] {
        let kernel = SyntheticKernel(
            megabytes: 2, fiveLevel: name.contains("l5"), physBase: name.contains("l5") ? -0x10_0000 : 0)
        kernel.addUtsname(["Linux", "fixture", "6.1.0-fixture", "#1 SMP fixture", "x86_64", "(none)"])
        kernel.cpus = [
            (0, SyntheticKernel.registers(rip: 0xffff_ffff_8100_1000, rsp: 0xffff_c900_0000_3e80)),
            (42, SyntheticKernel.registers(rip: 0xffff_ffff_8123_4567, rsp: 0xffff_c900_0042_3d00)),
        ]
        if name.contains("printk-log") {
            kernel.addStructuredLog(
                sampleEntries.filter { !$0.dataless }, bufferSize: 1024, firstIndex: 800, withCaller: true)
        } else {
            kernel.addPrintkRingBuffer(sampleEntries, countBits: 4, sizeBits: 9, firstID: 100, firstLpos: 300)
        }
        kernel.vmcoreinfo.append("CRASHTIME=1700000000")
        var writer = KdumpWriter()
        writer.flattened = name.hasSuffix(".flat")
        return writer.write(kernel)
    }

    @Test("fixture reads back as its golden dmesg", arguments: names)
    func fixture(_ name: String) throws {
        let url = TestPaths.fixtures.appendingPathComponent(name)
        let golden = TestPaths.fixtures.appendingPathComponent(name + ".dmesg")
        let update = ProcessInfo.processInfo.environment["UPDATE_GOLDEN"] == "1"
        if update || !FileManager.default.fileExists(atPath: url.path) {
            try FileManager.default.createDirectory(at: TestPaths.fixtures, withIntermediateDirectories: true)
            try Data(Self.build(name)).write(to: url)
            let vmcore = try Vmcore(path: url.path)
            try Data(DmesgFormatter().format(try vmcore.kernelLog().records).utf8).write(to: golden)
            Issue.record("recorded new baseline for \(name)")
            return
        }
        let vmcore = try Vmcore(path: url.path)
        let text = DmesgFormatter().format(try vmcore.kernelLog().records)
        #expect(text == (try String(contentsOf: golden, encoding: .utf8)))
        let (summary, _) = VmcoreSummary.make(vmcore)
        #expect(summary.release == "6.1.0-test")
        #expect(summary.version == "#1 SMP fixture")
        #expect(summary.crashingCPU == 1)
        #expect(summary.panicMessage == "Kernel panic - not syncing: Fatal exception")
    }
}
