import Foundation
import KernelLog
import Testing

/// Walks `fixtures/events/*.log`: node-health events written from the kernel's printk formats.
/// Each `RECORD: class | kind | title [| frames=N] [| linked=none]` header names one record, in
/// order, and the log must give exactly those records.
@Suite struct EventFixtureTests {
    static let folder = Paths.packageRoot.appendingPathComponent("fixtures/events")

    static func cases() -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        return names.filter { $0.hasSuffix(".log") }.sorted()
    }

    @Test func fixturesExist() {
        #expect(Self.cases().count >= 10)
    }

    /// `plain/operator-kern.log` (the README's example) is the operator fixture without its
    /// headers, which the CLI would read as log lines.
    @Test func plainCopyMatches() throws {
        let fixture = try #require(
            FileManager.default.contents(
                atPath: Self.folder.appendingPathComponent("operator-syslog-no-crash.log").path))
        let plain = try #require(
            FileManager.default.contents(atPath: Self.folder.appendingPathComponent("plain/operator-kern.log").path))
        #expect(HeaderedCase(bytes: [UInt8](fixture)).log == [UInt8](plain))
    }

    @Test(arguments: cases())
    func records(_ name: String) throws {
        let data = try #require(FileManager.default.contents(atPath: Self.folder.appendingPathComponent(name).path))
        let c = HeaderedCase(bytes: [UInt8](data))
        let source = c.value("SOURCE").flatMap(LogSource.init(rawValue:)) ?? .dmesg
        let records = FrontDoor.records(c.log, source: source)
        let expected = c.values("RECORD")
        #expect(!expected.isEmpty, "\(name): no RECORD header")
        #expect(
            records.count == expected.count,
            "\(name): \(records.map { "\($0.recordClass.rawValue) | \($0.kind.rawValue) | \($0.title)" })")
        for (record, want) in zip(records, expected) {
            let fields = want.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }
            #expect(fields.count >= 3, "\(name): \(want)")
            guard fields.count >= 3 else { continue }
            let got = "\(record.recordClass.rawValue) | \(record.kind.rawValue) | \(record.title)"
            #expect(got == fields[0...2].joined(separator: " | "), "\(name) line \(record.line)")
            for extra in fields.dropFirst(3) {
                if extra.hasPrefix("frames=") {
                    #expect(String(record.frames.count) == extra.dropFirst(7), "\(name) line \(record.line)")
                } else if extra == "linked=none" {
                    #expect(record.linkedTo == nil, "\(name) line \(record.line)")
                } else {
                    Issue.record("\(name): unknown check \(extra)")
                }
            }
            // Events never claim a stack is missing or the report was cut: their titles come from their lines.
            if record.recordClass == .event { #expect(!record.corrupted, "\(name) line \(record.line)") }
        }
    }
}
