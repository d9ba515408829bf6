import Foundation
import KernelLog
import Testing

/// Walks the syzkaller report corpus and measures detection, titles, guilty frames, corruption
/// flags and signature grouping against the expected headers.
@Suite struct SyzkallerCorpusTests {
    struct Outcome {
        var file: String
        var expected: String
        var expectedAlts: [String]
        var expectedCorrupted: Bool
        var got: CrashRecord?
        /// Identifiers of the log, for the leave-one-out subset.
        var identifiers: Set<String> = []
    }

    static func run() throws -> [Outcome] {
        let dir = Paths.syzkallerReports
        let names = try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted()
        var outcomes: [Outcome] = []
        for name in names {
            guard let data = FileManager.default.contents(atPath: dir.appendingPathComponent(name).path) else {
                continue
            }
            let c = HeaderedCase(bytes: [UInt8](data))
            let records = FrontDoor.records(c.log, source: .console)
            outcomes.append(
                Outcome(
                    file: name, expected: c.value("TITLE") ?? "", expectedAlts: c.values("ALT").sorted(),
                    expectedCorrupted: c.value("CORRUPTED") == "Y",
                    // syzkaller titles crashes; node events (an I/O error before the crash) are not its answer.
                    got: records.first { $0.recordClass == .crash },
                    identifiers: Self.identifiers(c.log)))
        }
        return outcomes
    }

    /// Development aid: `KTRIAGE_CORPUS_FILE=123 swift test --filter dumpOne` prints the records of one file.
    @Test(.enabled(if: ProcessInfo.processInfo.environment["KTRIAGE_CORPUS_FILE"] != nil))
    func dumpOne() throws {
        let name = ProcessInfo.processInfo.environment["KTRIAGE_CORPUS_FILE"] ?? ""
        let data = try #require(
            FileManager.default.contents(atPath: Paths.syzkallerReports.appendingPathComponent(name).path))
        let c = HeaderedCase(bytes: [UInt8](data))
        let records = FrontDoor.records(c.log, source: .console)
        let enc = JSONEncoder()
        enc.outputFormatting = [.prettyPrinted, .sortedKeys]
        for r in records {
            var r = r
            r.text = Array(r.text.prefix(60))
            print(String(decoding: try enc.encode(r), as: UTF8.self))
        }
    }

    @Test(.enabled(if: Paths.exists(Paths.syzkallerReports), "shared syzkaller corpus not present"))
    func titleAccuracy() throws {
        let outcomes = try Self.run()
        let withCrash = outcomes.filter { !$0.expected.isEmpty }
        let without = outcomes.filter { $0.expected.isEmpty }
        let detected = withCrash.filter { $0.got != nil }.count
        let falsePositives = without.filter { $0.got != nil }.count
        let exact = withCrash.filter { $0.got?.title == $0.expected }.count
        let frameCases = withCrash.filter { $0.expected.titleFrame != nil }
        let frames = frameCases.filter { $0.got?.title.titleFrame == $0.expected.titleFrame }.count
        let corruptOK = withCrash.filter { ($0.got?.corrupted ?? false) == $0.expectedCorrupted }.count
        let altsOK = withCrash.filter { $0.got?.title == $0.expected && ($0.got?.altTitles ?? []) == $0.expectedAlts }
            .count
        let unseen = Self.leaveOneOut(withCrash)
        let unseenExact = unseen.filter { $0.got?.title == $0.expected }.count
        let unseenFrames = unseen.filter { $0.got?.title.titleFrame == $0.expected.titleFrame }.count
        let f1 = Self.bcubedF1(withCrash.compactMap { o in o.got.map { (o.expected, $0.signature) } })
        func pct(_ a: Int, _ b: Int) -> String { String(format: "%.1f%%", b == 0 ? 0 : 100 * Double(a) / Double(b)) }
        print(
            """
            syzkaller corpus: \(outcomes.count) files
              detected \(detected)/\(withCrash.count) (\(pct(detected, withCrash.count))), false positives \(falsePositives)/\(without.count)
              exact title \(exact)/\(withCrash.count) (\(pct(exact, withCrash.count)))
              guilty frame \(frames)/\(frameCases.count) (\(pct(frames, frameCases.count)))
              corrupted flag \(corruptOK)/\(withCrash.count) (\(pct(corruptOK, withCrash.count)))
              title+alts \(altsOK)/\(withCrash.count) (\(pct(altsOK, withCrash.count)))
              signature B-cubed F1 \(String(format: "%.4f", f1))
              leave-one-out (\(unseen.count) files whose guilty function no other file names):
                exact title \(unseenExact)/\(unseen.count) (\(pct(unseenExact, unseen.count))), \
            guilty frame \(unseenFrames)/\(unseen.count) (\(pct(unseenFrames, unseen.count)))
            """)
        if ProcessInfo.processInfo.environment["KTRIAGE_CORPUS_DIFF"] != nil {
            for o in withCrash where o.got?.title != o.expected {
                print("MISS \(o.file): want «\(o.expected)» got «\(o.got?.title ?? "-")»")
            }
            for o in unseen where o.got?.title.titleFrame != o.expected.titleFrame {
                print("UNSEEN \(o.file): want «\(o.expected)» got «\(o.got?.title ?? "-")»")
            }
            for o in unseen where o.got?.title.titleFrame != o.expected.titleFrame {
                print("UNSEEN \(o.file): want «\(o.expected)» got «\(o.got?.title ?? "-")»")
            }
            for o in without where o.got != nil { print("FP \(o.file): «\(o.got?.title ?? "")»") }
            for o in withCrash where o.got?.title == o.expected && (o.got?.corrupted ?? false) != o.expectedCorrupted {
                print("CORR \(o.file): want \(o.expectedCorrupted) got \(o.got?.corruptedReason ?? "nil")")
            }
            for o in withCrash where o.got?.title == o.expected && (o.got?.altTitles ?? []) != o.expectedAlts {
                print("ALT \(o.file): want \(o.expectedAlts) got \(o.got?.altTitles ?? [])")
            }
        }
        // Floors a little under what this parser reaches (100% / 1 / 94.9% / 95.0% / 96.6% / 0.985):
        // a drop below them is a regression.
        #expect(Double(detected) >= 0.99 * Double(withCrash.count))
        #expect(falsePositives == 0)
        #expect(Double(exact) >= 0.95 * Double(withCrash.count))
        #expect(Double(frames) >= 0.97 * Double(frameCases.count))
        #expect(Double(corruptOK) >= 0.945 * Double(withCrash.count))
        #expect(f1 >= 0.98)
    }

    /// Cases whose expected guilty function appears in no other file of the corpus: rules grown
    /// from the other files cannot have memorised them, so their accuracy estimates unseen logs.
    static func leaveOneOut(_ outcomes: [Outcome]) -> [Outcome] {
        var fileCount: [String: Int] = [:]
        for outcome in outcomes {
            for identifier in outcome.identifiers { fileCount[identifier, default: 0] += 1 }
        }
        return outcomes.filter { outcome in
            guard let frame = outcome.expected.titleFrame, frame != "corrupted" else { return false }
            let elsewhere = (fileCount[frame] ?? 0) - (outcome.identifiers.contains(frame) ? 1 : 0)
            return elsewhere == 0
        }
    }

    /// The C identifiers (letters, digits, `_`, not starting with a digit) of a log.
    static func identifiers(_ bytes: [UInt8]) -> Set<String> {
        var result = Set<String>()
        var start: Int?
        for index in 0...bytes.count {
            let byte = index < bytes.count ? bytes[index] : UInt8(ascii: " ")
            let isWordByte =
                byte == UInt8(ascii: "_") || (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z"))
                || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
                || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9"))
            if isWordByte {
                if start == nil { start = index }
            } else if let first = start {
                if !(bytes[first] >= UInt8(ascii: "0") && bytes[first] <= UInt8(ascii: "9")) {
                    result.insert(String(decoding: bytes[first..<index], as: UTF8.self))
                }
                start = nil
            }
        }
        return result
    }

    /// B-cubed F1 of a clustering (signatures) against the truth (expected titles).
    static func bcubedF1(_ pairs: [(truth: String, cluster: String)]) -> Double {
        guard !pairs.isEmpty else { return 0 }
        var byTruth: [String: Int] = [:]
        var byCluster: [String: Int] = [:]
        var byBoth: [String: Int] = [:]
        for p in pairs {
            byTruth[p.truth, default: 0] += 1
            byCluster[p.cluster, default: 0] += 1
            byBoth[p.truth + "\u{0}" + p.cluster, default: 0] += 1
        }
        var precision = 0.0
        var recall = 0.0
        for p in pairs {
            let both = Double(byBoth[p.truth + "\u{0}" + p.cluster] ?? 0)
            precision += both / Double(byCluster[p.cluster] ?? 1)
            recall += both / Double(byTruth[p.truth] ?? 1)
        }
        precision /= Double(pairs.count)
        recall /= Double(pairs.count)
        return precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall)
    }
}
