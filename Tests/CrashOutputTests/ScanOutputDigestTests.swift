import CrashOutput
import KernelLog
import KtriageReader
import KtriageTestSupport
import Testing

/// Everything `ktriage scan` says about each input — its NDJSON records, its `--inputs` summary
/// (counts, hosts, times, diagnostics, warnings) and its error — kept as one digest per input
/// in a reviewed golden file. A change to the reading hot path (prefilter, skipping, chunking)
/// must leave every line of these files as it was; a change that means to alter output re-records
/// them with `UPDATE_GOLDEN=1` and says why in its commit.
@Suite("Scan output digests")
struct ScanOutputDigestTests {
    /// A fixed year for BSD-syslog times, so the digests do not change on New Year's Day.
    static let options = LogReaderOptions(referenceYear: 2024)

    /// One line per input: path relative to `root`, record count, 64-bit FNV-1a digest of the
    /// records, summary and error as `scan` writes them.
    static func digests(of root: String) throws -> String {
        let reader = CrashReader(options: options)
        var lines: [String] = []
        var failure: Error?
        _ = reader.read(paths: [root]) { report in
            do {
                var text = ScanJSON.recordLines(report).joined(separator: "\n")
                text += "\n" + (try ScanJSON.inputLines([report]).joined(separator: "\n"))
                text += "\n" + (report.error ?? "")
                // Paths inside records and summaries are where the checkout happens to be.
                text = text.replacing(root + "/", with: "")
                #expect(!text.contains(Fixtures.packageRoot), "\(report.path): an absolute path left in the digest")
                let relative =
                    report.path.hasPrefix(root + "/") ? String(report.path.dropFirst(root.count + 1)) : report.path
                lines.append("\(relative) \(report.records.count) \(digest(text))")
            } catch {
                failure = error
            }
        }
        if let failure { throw failure }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Golden files beside this test (not under `fixtures/`, which the test reads).
    static let snapshots = Fixtures.packageRoot + "/Tests/CrashOutputTests/Snapshots/"

    static func digest(_ text: String) -> String {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in text.utf8 { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
        let hex = String(hash, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }

    @Test("every fixture input reads as recorded")
    func fixtures() throws {
        let actual = try Self.digests(of: Fixtures.packageRoot + "/fixtures")
        let failure = Golden.check(actual, path: Self.snapshots + "scan-digests-fixtures.txt")
        #expect(
            failure == nil, "\(failure ?? ""): rerun `ktriage scan --inputs --format ndjson` on it to see what moved")
    }

    @Test("every shared corpus log reads as recorded", .enabled(if: Fixtures.sharedAvailable("corpus")))
    func sharedCorpus() throws {
        let actual = try Self.digests(of: Fixtures.shared("corpus"))
        let failure = Golden.check(actual, path: Self.snapshots + "scan-digests-shared-corpus.txt")
        #expect(failure == nil, "\(failure ?? "")")
    }
}
