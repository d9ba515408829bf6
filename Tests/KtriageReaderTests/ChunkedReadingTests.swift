import Foundation
import KernelLog
import KtriageBytes
import KtriageTestSupport
import Testing

@testable import KtriageReader

/// A log read on several threads (`ChunkedLogReader`) gives exactly what one thread gives:
/// records, summary, diagnostics and the lines handed to the caller, in order — at chunk sizes
/// from a few lines to a few kilobytes, as the framer's drip-feed test cuts its chunks.
@Suite("Chunked reading")
struct ChunkedReadingTests {
    static let options = LogReaderOptions(referenceYear: 2024)
    /// (threads, smallest chunk in bytes): odd sizes, so cuts fall everywhere.
    static let cuts = [(2, 64), (3, 97), (2, 301), (5, 1_000), (4, 4_093)]

    /// What one reading of `item` gives, with the lines a caller asked for (`Linux version`
    /// banners, as `group` asks for host facts).
    static func reading(_ item: InputWalker.Item, jobs: Int, chunkBytes: Int) -> (InputReport, [String]) {
        var reader = CrashReader(options: options)
        reader.jobs = jobs
        reader.chunkBytes = chunkBytes
        var lines: [String] = []
        let report = reader.read(item, alsoWants: { $0.text.starts(with: Array("Linux version".utf8)) }) { line in
            lines.append("\(line.number) \(line.string)")
        }
        return (report, lines)
    }

    /// A library caller's `jobs` of `Int.max` is taken as `ChunkedLogReader.maximumJobs`
    /// (`jobs × chunksPerJob` trapped): the reading is the one-thread reading.
    @Test("any number of jobs reads as one thread does")
    func hugeJobCount() throws {
        let text = try Self.interleavedSyslog(newYear: nil, damage: nil)
        let path = Fixtures.temporaryFolder("chunked") + "/huge-jobs.log"
        #expect(Fixtures.write(Array(text.utf8), to: path))
        let item = InputWalker.Item(path: path, kind: .text)
        let (one, oneLines) = Self.reading(item, jobs: 1, chunkBytes: 64)
        let (many, manyLines) = Self.reading(item, jobs: .max, chunkBytes: 4_093)
        #expect(many.records == one.records && many.summary == one.summary && manyLines == oneLines)
    }

    /// Compares every text input under `root`; returns how many were read in chunks at all.
    static func compare(_ root: String) -> Int {
        var walker = InputWalker()
        walker.add([root])
        var chunked = 0
        for item in walker.items where item.kind == .text && item.pstoreParts.isEmpty {
            let (one, oneLines) = reading(item, jobs: 1, chunkBytes: 64)
            for (jobs, bytes) in cuts {
                let (many, manyLines) = reading(item, jobs: jobs, chunkBytes: bytes)
                let label = "\(item.path): \(jobs) threads, chunks of \(bytes) bytes"
                #expect(many.records == one.records, "\(label): records")
                #expect(many.summary == one.summary, "\(label): summary")
                #expect(many.failure == one.failure, "\(label): failure")
                #expect(manyLines == oneLines, "\(label): lines handed out")
            }
            if readsInChunks(item.path) { chunked += 1 }
        }
        return chunked
    }

    /// Whether the chunked reader takes the file (rather than leaving it to one pass).
    static func readsInChunks(_ path: String) -> Bool {
        guard let file = try? MappedFile(path: path) else { return false }
        var streams = StreamParsers(options: ParserOptions())
        let summary = try? ChunkedLogReader.read(
            bytes: file.bytes, path: path, options: options, jobs: 2, minimumChunkBytes: 64, consumer: &streams,
            mayMatter: CrashReportParser.mayStartReport, alsoWants: { _ in false }, onLine: { _ in })
        return summary != nil
    }

    @Test("every fixture log reads the same in chunks")
    func fixtures() {
        let chunked = Self.compare(Fixtures.packageRoot + "/fixtures")
        // Most fixtures are plain logs; the rest (journal JSON, CR consoles, NUL padding, New
        // Year in a syslog) are read in one pass by design.
        #expect(chunked >= 60, "only \(chunked) fixtures were read in chunks")
    }

    @Test("every shared corpus log reads the same in chunks", .enabled(if: Fixtures.sharedAvailable("corpus")))
    func sharedCorpus() {
        #expect(Self.compare(Fixtures.shared("corpus")) >= 100)
    }

    /// Five hosts' syslog built from the fixture logs, interleaved line by line; from line
    /// `newYear` on the clock says January 1 (the year moves on), and `damage` is put in the
    /// middle of the line at that index.
    static func interleavedSyslog(newYear: Int? = nil, damage: (line: Int, bytes: String)? = nil) throws -> String {
        var walker = InputWalker()
        walker.add([Fixtures.path("logs")])
        var logs: [[Substring]] = []
        for item in walker.items.prefix(40) where item.kind == .text {
            let text = String(decoding: try #require(FileManager.default.contents(atPath: item.path)), as: UTF8.self)
            logs.append(text.split(separator: "\n", omittingEmptySubsequences: false))
        }
        // Host n takes logs n, n+5, …; lines go out round robin, each host's in order.
        var hostLines: [[String]] = Array(repeating: [], count: 5)
        for (index, log) in logs.enumerated() {
            hostLines[index % 5] += log.map { "node\(index % 5) kernel: \($0)" }
        }
        var text = ""
        var second = 0
        for round in 0..<(hostLines.map(\.count).max() ?? 0) {
            for host in 0..<5 where round < hostLines[host].count {
                second += 1
                let day = newYear.map { second > $0 } == true ? "Jan  1" : "Dec 31"
                text += String(format: "%@ %02d:%02d:%02d ", day, second / 3600 % 24, second / 60 % 60, second % 60)
                var line = hostLines[host][round]
                if let damage, damage.line == second {
                    line.insert(contentsOf: damage.bytes, at: line.index(line.startIndex, offsetBy: line.count / 2))
                }
                text += line + "\n"
            }
        }
        return text
    }

    @Test(
        "a syslog that crosses New Year, or holds NUL bytes or a CR, is read in chunks up to there, then in one pass",
        arguments: [(600, nil), (nil, "\0\0\0"), (nil, "\r")] as [(Int?, String?)])
    func continuedInOnePass(newYear: Int?, damage: String?) throws {
        let text = try Self.interleavedSyslog(newYear: newYear, damage: damage.map { (1000, $0) })
        let path = Fixtures.temporaryFolder("chunked") + "/continued.log"
        #expect(Fixtures.write(Array(text.utf8), to: path))
        let item = InputWalker.Item(path: path, kind: .text)
        let (one, oneLines) = Self.reading(item, jobs: 1, chunkBytes: 64)
        for (jobs, bytes) in Self.cuts {
            let (many, manyLines) = Self.reading(item, jobs: jobs, chunkBytes: bytes)
            #expect(many.records == one.records, "\(jobs) threads, chunks of \(bytes) bytes")
            #expect(many.summary == one.summary, "\(jobs) threads, chunks of \(bytes) bytes")
            #expect(manyLines == oneLines)
        }
        // The first chunks were read in parallel (the reading did not give up at once).
        #expect(Self.readsInChunks(path))
    }

    @Test("bytes in memory read in chunks give what a file and one thread give")
    func bytesInMemory() throws {
        let text = try Self.interleavedSyslog()
        var reader = CrashReader(options: Self.options)
        let one = reader.read(text: text, name: "memory")
        reader.jobs = 3
        reader.chunkBytes = 97
        let many = reader.read(text: text, name: "memory")
        #expect(many.records == one.records)
        #expect(many.summary == one.summary)
        #expect(one.records.count >= 30)
        let bytes = Array(text.utf8)
        #expect(
            bytes.withUnsafeBytes { reader.readInChunks(bytes: $0, name: "memory") }
                != nil)
    }

    /// Mutated logs (bytes changed, lines cut, duplicated, dropped or glued, NUL and CR bytes,
    /// months moved) read in memory by one thread and in chunks must agree: a differential check
    /// of the chunked reading. `KTRIAGE_FUZZ=<rounds>` runs longer.
    @Test("mutated logs read the same in chunks as on one thread")
    func mutatedLogs() throws {
        let rounds = Int(ProcessInfo.processInfo.environment["KTRIAGE_FUZZ"] ?? "") ?? 60
        let base = Array(try Self.interleavedSyslog().utf8)
        var random = SplitMix(seed: 0x6368_756e_6b73)
        for round in 0..<rounds {
            var bytes = base
            for _ in 0..<Int.random(in: 1...6, using: &random) {
                let at = Int.random(in: 0..<bytes.count, using: &random)
                let pieces: [[UInt8]] = [[0], [0x0D], [0x0A], Array("Jan  1 00:00:00 ".utf8), Array("BUG: ".utf8)]
                switch Int.random(in: 0..<5, using: &random) {
                case 0: bytes[at] = UInt8.random(in: 0...255, using: &random)
                case 1: bytes.removeSubrange(at..<min(bytes.count, at + Int.random(in: 1...400, using: &random)))
                case 2:
                    bytes.insert(
                        contentsOf: bytes[at..<min(bytes.count, at + 500)],
                        at: Int.random(in: 0...bytes.count, using: &random))
                case 3: bytes.insert(contentsOf: pieces.randomElement(using: &random) ?? [], at: at)
                default: if bytes[at] == 0x0A { bytes.remove(at: at) }
                }
                if bytes.isEmpty { bytes = base }
            }
            var reader = CrashReader(
                options: LogReaderOptions(referenceYear: 2024, includeOtherPrograms: round % 2 == 0))
            let one = reader.read(bytes: bytes, name: "mutated")
            reader.jobs = 2 + round % 3
            reader.chunkBytes = 64 + round * 7 % 900
            let many = reader.read(bytes: bytes, name: "mutated")
            #expect(many.records == one.records, "round \(round): records")
            #expect(many.summary == one.summary, "round \(round): summary")
        }
    }

    @Test("five hosts' syslog, interleaved line by line, reads the same in chunks")
    func interleavedHosts() throws {
        let text = try Self.interleavedSyslog()
        let path = Fixtures.temporaryFolder("chunked") + "/interleaved.log"
        #expect(Fixtures.write(Array(text.utf8), to: path))
        let item = InputWalker.Item(path: path, kind: .text)
        let (one, oneLines) = Self.reading(item, jobs: 1, chunkBytes: 64)
        #expect(one.records.count >= 30)
        #expect(Set(one.records.compactMap(\.host)).count == 5)
        for (jobs, bytes) in Self.cuts + [(2, 10_000), (8, 3_333)] {
            let (many, manyLines) = Self.reading(item, jobs: jobs, chunkBytes: bytes)
            #expect(many.records == one.records, "\(jobs) threads, chunks of \(bytes) bytes")
            #expect(many.summary == one.summary)
            #expect(manyLines == oneLines)
        }
        #expect(Self.readsInChunks(path))
    }
}
