import Foundation
import KernelLog
import Testing

/// Walks `fixtures/logs/<kind>/<case>.log`: a header block (`KEY: value`), an empty line, then the
/// log. Every key present is checked against the first record (or the record `RECORD:` names).
///
/// Keys: `TITLE`, `KIND`, `CLASS` (crash/event), `GUILTY`, `MODULE` (guilty module), `CORRUPTED` (Y/N), `PANICKED` (Y/N),
/// `SOURCE` (how to read the log, default dmesg), `RECORDS` (count), `RELEASE`, `TAINT` (letters),
/// `FLAGS` (decoded taint names, comma-separated), `MODULES` (count), `LAST_UNLOADED`, `FRAMES`
/// (count), `CONTEXTS` (distinct frame contexts in order, comma-separated), `UNRELIABLE` (count of
/// `?` frames), `CPU`, `PID`, `COMM`, `HARDWARE`, `BIOS`, `WORKQUEUE`, `RIP` (function), `LINKED`
/// (`linked_to` of the second record), `CODE` (Y when a `Code:` line is kept), `HOST` (the host
/// a syslog or journal wrapper names, `-` for none), `HAS_MODULE` (a name in the module list).
@Suite struct GoldenFixtureTests {
    static func cases() -> [String] {
        guard let e = FileManager.default.enumerator(atPath: Paths.fixtures.path) else { return [] }
        return e.compactMap { $0 as? String }.filter { $0.hasSuffix(".log") }.sorted()
    }

    @Test(arguments: cases())
    func golden(_ relative: String) throws {
        let data = try #require(
            FileManager.default.contents(atPath: Paths.fixtures.appendingPathComponent(relative).path))
        let c = HeaderedCase(bytes: [UInt8](data))
        let source = c.value("SOURCE").flatMap(LogSource.init(rawValue:)) ?? .dmesg
        let records = FrontDoor.records(c.log, source: source)
        if let n = c.value("RECORDS") { #expect(records.count == Int(n), "\(relative): \(records.map(\.title))") }
        if c.value("TITLE") == "" || c.value("RECORDS") == "0" {
            #expect(records.isEmpty, "\(relative)")
            return
        }
        let index = Int(c.value("RECORD") ?? "0") ?? 0
        let r = try #require(records.indices.contains(index) ? records[index] : nil, "\(relative): no record")
        func check(_ key: String, _ got: String?) {
            guard let want = c.value(key) else { return }
            #expect(got == want, "\(relative) \(key)")
        }
        check("TITLE", r.title)
        check("KIND", r.kind.rawValue)
        check("CLASS", r.recordClass.rawValue)
        check("GUILTY", r.guilty?.function)
        check("MODULE", r.guilty?.module)
        check("CORRUPTED", r.corrupted ? "Y" : "N")
        check("PANICKED", records.contains { $0.panicked } ? "Y" : "N")
        check("RELEASE", r.kernel?.release)
        check("TAINT", r.taint?.letters)
        check("FLAGS", r.taint?.flags.joined(separator: ","))
        check("MODULES", String(r.modules.count))
        check("LAST_UNLOADED", r.lastUnloaded)
        check("FRAMES", String(r.frames.count))
        check("UNRELIABLE", String(r.frames.filter { !$0.reliable }.count))
        var contexts: [String] = []
        for f in r.frames where contexts.last != f.context.rawValue { contexts.append(f.context.rawValue) }
        check("CONTEXTS", contexts.joined(separator: ","))
        check("CPU", r.cpu.map(String.init))
        check("PID", r.pid.map(String.init))
        check("COMM", r.comm)
        check("HARDWARE", r.hardware)
        check("BIOS", r.bios)
        check("WORKQUEUE", r.workqueue)
        check("RIP", r.rip?.function)
        check("CODE", r.code == nil ? "N" : "Y")
        check("HOST", r.host ?? "-")
        if let module = c.value("HAS_MODULE") {
            #expect(r.modules.contains { $0.name == module }, "\(relative) HAS_MODULE")
        }
        if let linked = c.value("LINKED") {
            #expect(records.count > 1 && records[1].linkedTo.map(String.init) == linked, "\(relative) LINKED")
        }
        #expect(r.signature.count == 16)
        #expect(!r.text.isEmpty)
    }
}
