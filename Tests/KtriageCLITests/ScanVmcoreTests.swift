import Foundation
import KtriageTestSupport
import Testing

@Suite("ktriage scan on vmcores")
struct ScanVmcoreTests {
    static let dumps = [
        "synthetic-l5.kdump", "synthetic-lockless.flat", "synthetic-lockless.kdump", "synthetic-printk-log.kdump",
    ]

    func record(_ path: String) throws -> [String: Any] {
        let result = try CommandRunner.run(["scan", "--format", "ndjson", path])
        #expect(result.status == 0, "\(result.stderr)")
        let line = try #require(result.stdout.split(separator: "\n").first)
        return try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
    }

    @Test("a dump gives the same record as the log vmcore dmesg extracted from it", arguments: dumps)
    func sameAsItsLog(_ name: String) throws {
        let fromDump = try record("fixtures/vmcore/" + name)
        let fromLog = try record("fixtures/vmcore/" + name + ".dmesg")
        #expect(fromDump["source"] as? String == "vmcore")
        for key in ["kind", "title", "signature", "line", "message"] {
            #expect("\(fromDump[key] ?? "-")" == "\(fromLog[key] ?? "-")", "\(key)")
        }
        #expect(fromDump["host"] as? String == "fixture")
    }
}
