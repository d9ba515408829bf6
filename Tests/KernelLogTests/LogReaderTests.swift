import KernelFacts
import KernelLog
import KtriageBytes
import KtriageReader
import KtriageTestSupport
import Testing

/// One kernel line as read, owned.
struct ReadLine: Equatable {
    var text: String
    var metadata: LineMetadata
    var number: Int
}

func readAll(_ path: String, options: LogReaderOptions = LogReaderOptions()) throws -> ([ReadLine], LogReadSummary) {
    var lines: [ReadLine] = []
    let summary = try KernelLogReader.read(path: path, options: options) { line in
        lines.append(
            ReadLine(text: ByteEscaping.displayString(line.text), metadata: line.metadata, number: line.number))
    }
    return (lines, summary)
}

let baseLines: [String] = {
    let bytes = Fixtures.read(Fixtures.path("wrappers/base.txt")) ?? []
    var lines = String(decoding: bytes, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
        .map(String.init)
    if lines.last == "" { lines.removeLast() }
    return lines
}()

/// Wall clock of base line `i` (see fixtures/wrappers/make-variants.py).
func wall(_ index: Int, micros: Int64 = 0) -> Int64 { (1_510_499_191 + Int64(index)) * 1_000_000 + micros }
/// Monotonic stamp of base line `i`.
func mono(_ index: Int) -> Int64 { 12_345_678 + Int64(index) * 101 }

@Suite("Log wrappers: the same kernel text from every container")
struct LogReaderTests {
    struct Variant: CustomStringConvertible, Sendable {
        var file: String
        var source: LogSource
        var host: String?
        var hasMonotonic: Bool
        var wallClock: WallClock
        var caller: CallerID?
        var description: String { file }

        enum WallClock: Sendable { case none, seconds, secondsAndMicros }
    }

    static let variants: [Variant] = [
        Variant(file: "dmesg.log", source: .dmesg, hasMonotonic: true, wallClock: .none),
        Variant(file: "dmesg-raw-levels.log", source: .dmesg, hasMonotonic: true, wallClock: .none),
        Variant(file: "dmesg-T.log", source: .dmesg, hasMonotonic: false, wallClock: .seconds),
        Variant(file: "dmesg-caller.log", source: .dmesg, hasMonotonic: true, wallClock: .none, caller: .thread(2841)),
        Variant(
            file: "kdump/dmesg.201711121507", source: .kdump, hasMonotonic: true, wallClock: .none,
            caller: .thread(2841)),
        Variant(file: "kdump/vmcore-dmesg.txt", source: .kdump, hasMonotonic: true, wallClock: .none),
        Variant(file: "console.log", source: .console, hasMonotonic: true, wallClock: .none),
        Variant(file: "syslog-bsd.log", source: .syslog, host: "web01", hasMonotonic: true, wallClock: .seconds),
        Variant(
            file: "syslog-rfc3339.log", source: .syslog, host: "web01", hasMonotonic: false,
            wallClock: .secondsAndMicros),
        Variant(
            file: "syslog-rfc5424.log", source: .syslog, host: "web01", hasMonotonic: false,
            wallClock: .secondsAndMicros),
        Variant(file: "journal-short.log", source: .journal, host: "web01", hasMonotonic: false, wallClock: .seconds),
        Variant(
            file: "journal-short-precise.log", source: .syslog, host: "web01", hasMonotonic: false,
            wallClock: .secondsAndMicros),
        Variant(
            file: "journal-short-iso.log", source: .syslog, host: "web01", hasMonotonic: false, wallClock: .seconds),
        Variant(file: "journal.json", source: .journald, host: "web01", hasMonotonic: true, wallClock: .seconds),
        Variant(file: "dmesg-iso.log", source: .dmesg, hasMonotonic: false, wallClock: .secondsAndMicros),
        Variant(file: "dmesg-notime.log", source: .dmesg, hasMonotonic: false, wallClock: .none),
        Variant(file: "dmesg-delta.log", source: .dmesg, hasMonotonic: false, wallClock: .none),
        Variant(file: "dmesg-time-delta.log", source: .dmesg, hasMonotonic: true, wallClock: .none),
        Variant(file: "dmesg-decoded.log", source: .dmesg, hasMonotonic: true, wallClock: .none),
        Variant(
            file: "journal-short-iso-precise.log", source: .syslog, host: "web01", hasMonotonic: false,
            wallClock: .secondsAndMicros),
        Variant(
            file: "journal-short-full.log", source: .syslog, host: "web01", hasMonotonic: false, wallClock: .seconds),
        Variant(
            file: "journal-short-unix.log", source: .syslog, host: "web01", hasMonotonic: false,
            wallClock: .secondsAndMicros),
        Variant(
            file: "journal-short-monotonic.log", source: .syslog, host: "web01", hasMonotonic: true, wallClock: .none
        ),
        Variant(file: "journal-cat.log", source: .dmesg, hasMonotonic: false, wallClock: .none),
        Variant(file: "journal-verbose.log", source: .journald, host: "web01", hasMonotonic: true, wallClock: .seconds),
        Variant(file: "journal.export", source: .journald, host: "web01", hasMonotonic: true, wallClock: .seconds),
        Variant(
            file: "journal-json-seq.log", source: .journald, host: "web01", hasMonotonic: true, wallClock: .seconds),
        Variant(
            file: "journal-json-sse.log", source: .journald, host: "web01", hasMonotonic: true, wallClock: .seconds),
        Variant(file: "pstore/dmesg-ramoops-0", source: .pstore, hasMonotonic: true, wallClock: .none),
        Variant(file: "compressed/dmesg.log.gz", source: .dmesg, hasMonotonic: true, wallClock: .none),
        Variant(file: "compressed/dmesg-without-suffix", source: .dmesg, hasMonotonic: true, wallClock: .none),
    ]

    @Test("kernel text and metadata", arguments: variants)
    func variant(_ variant: Variant) throws {
        let (lines, summary) = try readAll(
            Fixtures.path("wrappers/" + variant.file), options: LogReaderOptions(referenceYear: 2017))
        #expect(lines.map(\.text) == baseLines)
        #expect(summary.source == variant.source)
        #expect(summary.kernelLines == baseLines.count)
        for (index, line) in lines.enumerated() {
            #expect(line.metadata.isKernel)
            #expect(line.metadata.host == variant.host, "line \(index)")
            #expect(line.metadata.monotonicMicros == (variant.hasMonotonic ? mono(index) : nil), "line \(index)")
            switch variant.wallClock {
            case .none: #expect(line.metadata.wallClockMicros == nil)
            case .seconds: #expect(line.metadata.wallClockMicros == wall(index), "line \(index)")
            case .secondsAndMicros: #expect(line.metadata.wallClockMicros == wall(index, micros: Int64(index)))
            }
            #expect(line.metadata.caller == variant.caller)
        }
        if variant.host != nil { #expect(summary.hosts == ["web01"]) }
    }

    @Test("other programs' syslog lines are counted and kept out of kernel text")
    func otherPrograms() throws {
        let (_, bsd) = try readAll(Fixtures.path("wrappers/syslog-bsd.log"))
        #expect(bsd.otherProgramLines == 5)
        let (_, rfc5424) = try readAll(Fixtures.path("wrappers/syslog-rfc5424.log"))
        #expect(rfc5424.otherProgramLines == 1)
        let (_, json) = try readAll(Fixtures.path("wrappers/journal.json"))
        #expect(json.otherProgramLines == 1)
        #expect(json.bootIDs == ["4f8a0c2e5b7d4e1f9a3b6c8d0e2f4a6b"])
        let (all, _) = try readAll(
            Fixtures.path("wrappers/syslog-bsd.log"), options: LogReaderOptions(includeOtherPrograms: true))
        let others = all.filter { !$0.metadata.isKernel }
        #expect(others.count == 5)
        #expect(others.first?.text.hasPrefix("Accepted publickey") == true)
    }

    @Test("journald levels come from PRIORITY, dmesg -r levels from <N>")
    func levels() throws {
        let (json, _) = try readAll(Fixtures.path("wrappers/journal.json"))
        #expect(json[1].metadata.level == 4)
        #expect(json[0].metadata.level == 6)
        let (raw, _) = try readAll(Fixtures.path("wrappers/dmesg-raw-levels.log"))
        #expect(raw[1].metadata.level == 4)
        #expect(raw[2].metadata.level == 6)
    }

    @Test("pstore parts stored in separate files are joined oldest first")
    func pstoreSplitFiles() throws {
        var walker = InputWalker()
        walker.add(Fixtures.path("wrappers/pstore-split"))
        #expect(walker.items.count == 1)
        let item = try #require(walker.items.first)
        #expect(item.pstoreParts.count == 1)
        var texts: [String] = []
        let summary = try KernelLogReader.read(pstoreFiles: [item.path] + item.pstoreParts) { line in
            texts.append(line.string)
        }
        #expect(texts == baseLines)
        #expect(summary.source == .pstore)
    }

    @Test("pstore parts held in memory join exactly as the same parts read from files")
    func pstorePartsInMemory() throws {
        var walker = InputWalker()
        walker.add(Fixtures.path("wrappers/pstore-split"))
        let item = try #require(walker.items.first)
        let paths = [item.path] + item.pstoreParts
        let contents = try paths.map { try #require(Fixtures.read($0)) }
        var texts: [String] = []
        let summary = try withBuffers(contents) { parts in
            try KernelLogReader.read(pstoreParts: parts, path: "pstore") { texts.append($0.string) }
        }
        #expect(texts == baseLines)
        #expect(summary.source == LogSource.pstore)
        #expect(summary.path == "pstore")
    }

    /// Hands out raw views of every array at once.
    private func withBuffers<Result>(
        _ arrays: [[UInt8]], _ body: ([UnsafeRawBufferPointer]) throws -> Result
    ) rethrows -> Result {
        func nest(_ index: Int, _ views: [UnsafeRawBufferPointer]) throws -> Result {
            guard index < arrays.count else { return try body(views) }
            return try arrays[index].withUnsafeBytes { try nest(index + 1, views + [$0]) }
        }
        return try nest(0, [])
    }

    @Test("a BSD syslog stream of several hosts keeps each line's host")
    func multiHost() throws {
        let text = """
            Mar  1 10:00:00 alpha kernel: [    1.000000] BUG: soft lockup - CPU#0 stuck for 22s! [a:1]
            Mar  1 10:00:00 beta kernel: [    2.000000] Oops: 0000 [#1] SMP
            Mar  1 10:00:01 alpha kernel: [    1.000100] CPU: 0 PID: 1 Comm: a Not tainted 4.4.0 #1
            Mar  1 10:00:01 beta CRON[12]: (root) CMD (true)
            """
        var hosts: [String?] = []
        let summary = try Array(text.utf8).withUnsafeBytes { bytes in
            try KernelLogReader.read(bytes: bytes, path: "multi.log") { hosts.append($0.metadata.host) }
        }
        #expect(hosts == ["alpha", "beta", "alpha"])
        #expect(summary.hosts == ["alpha", "beta"])
        #expect(summary.otherProgramLines == 1)
    }

    @Test("BSD syslog rolls the year over from December to January")
    func yearRollover() throws {
        let text = "Dec 31 23:59:59 h kernel: a\nJan  1 00:00:01 h kernel: b\n"
        var walls: [Int64?] = []
        _ = try Array(text.utf8).withUnsafeBytes { bytes in
            try KernelLogReader.read(bytes: bytes, path: "x", options: LogReaderOptions(referenceYear: 2016)) {
                walls.append($0.metadata.wallClockMicros)
            }
        }
        #expect(walls == [1_483_228_799_000_000, 1_483_228_801_000_000])
    }

    @Test("serial console markers: dropped messages are counted")
    func droppedMessages() throws {
        let text = "[    1.0] a\r\n** 12 printk messages dropped **\r\n[    1.1] b\r\n"
        let summary = try Array(text.utf8).withUnsafeBytes { bytes in
            try KernelLogReader.read(bytes: bytes, path: "ttyS0.log") { _ in }
        }
        #expect(summary.droppedMessages == 12)
        #expect(summary.source == .console)
    }

    @Test("journald MESSAGE with newlines becomes several lines; bad JSON lines are diagnosed")
    func journaldEdgeCases() throws {
        let text = """
            {"_TRANSPORT":"kernel","MESSAGE":"first\\nsecond \\u00e9","_HOSTNAME":"h"}
            {"_TRANSPORT":"kernel","MESSAGE":[255,65]}
            {"_TRANSPORT":"kernel","MESSAGE":
            {"_TRANSPORT":"kernel","MESSAGE":null}
            """
        var texts: [String] = []
        let summary = try Array(text.utf8).withUnsafeBytes { bytes in
            try KernelLogReader.read(bytes: bytes, path: "j.json") { texts.append(ByteEscaping.displayString($0.text)) }
        }
        #expect(texts == ["first", "second é", "\\xffA"])
        #expect(summary.malformedLines == 1)
        #expect(summary.diagnostics.first?.line == 3)
    }

    /// The string reader copies runs between quotes and backslashes: escapes at either end of a
    /// string, next to each other, a surrogate pair and halves of one alone, an escaped quote,
    /// and a string that never closes.
    @Test("journald strings: escapes anywhere in a run, surrogate pairs, an unclosed string")
    func journaldStringRuns() throws {
        let text = #"""
            {"MESSAGE":"\"a\\b\"","_TRANSPORT":"kernel","_HOSTNAME":"h\u0031"}
            {"_TRANSPORT":"kernel","MESSAGE":"\tx\uD83D\uDE00y\u00e9"}
            {"_TRANSPORT":"kernel","MESSAGE":"plain text, no escapes at all"}
            {"_TRANSPORT":"kernel","MESSAGE":"a\uD83D\u0041b\uDE00c\uD83D"}
            {"_TRANSPORT":"kernel","MESSAGE":"never closed
            """#
        var texts: [String] = []
        var hosts: [String?] = []
        let summary = try Array(text.utf8).withUnsafeBytes { bytes in
            try KernelLogReader.read(bytes: bytes, path: "j.json") {
                texts.append(String(decoding: $0.text, as: UTF8.self))
                hosts.append($0.metadata.host)
            }
        }
        // A half of a surrogate pair alone is U+FFFD; the escape after a high half that is no
        // low half stays (`\u0041`).
        #expect(
            texts == [
                "\"a\\b\"", "\tx\u{1F600}y\u{E9}", "plain text, no escapes at all", "a\u{FFFD}Ab\u{FFFD}c\u{FFFD}",
            ])
        #expect(hosts.first == "h1")
        #expect(summary.malformedLines == 1)
        #expect(summary.diagnostics.first?.line == 5)
    }

    @Test("stdin-like pipes and gzip read the same as a file")
    func gzipAndPipe() throws {
        let (plain, _) = try readAll(Fixtures.path("wrappers/dmesg.log"))
        let (gz, summary) = try readAll(Fixtures.path("wrappers/compressed/dmesg-without-suffix"))
        #expect(summary.compressed)
        #expect(gz == plain)
    }

    @Test("a truncated gzip delivers what it holds, then fails naming the file and offset")
    func truncatedGzip() throws {
        let bytes = try #require(Fixtures.read(Fixtures.path("wrappers/compressed/dmesg.log.gz")))
        let folder = Fixtures.temporaryFolder()
        let path = folder + "/cut.gz"
        Fixtures.write(Array(bytes.prefix(bytes.count / 2)), to: path)
        var count = 0
        #expect {
            _ = try KernelLogReader.read(path: path) { _ in count += 1 }
        } throws: { error in
            let text = "\(error)"
            return text.contains(path) && text.contains("truncated gzip") && text.contains("at byte")
        }
        #expect(count > 0)
    }

    @Test("binary junk and vmcores are refused with one clear message")
    func binaryInput() throws {
        let folder = Fixtures.temporaryFolder()
        let junk = folder + "/junk.bin"
        Fixtures.write((0..<4096).map { UInt8(truncatingIfNeeded: $0 &* 7) }, to: junk)
        #expect { _ = try KernelLogReader.read(path: junk) { _ in } } throws: { "\($0)".contains("binary data") }
        let elf = folder + "/core"
        Fixtures.write([0x7F, 0x45, 0x4C, 0x46, 2, 1, 1] + [UInt8](repeating: 0, count: 57), to: elf)
        #expect { _ = try KernelLogReader.read(path: elf) { _ in } } throws: { "\($0)".contains("vmcore") }
        // Text that merely starts with the flattened format's signature word is a log.
        let text = folder + "/timings.txt"
        Fixtures.write(Array("makedumpfile --dump-dmesg: rc=0 0.01s\n".utf8), to: text)
        #expect(InputWalker.sniff(path: text) == .text)
        #expect(try KernelLogReader.read(path: text) { _ in }.kernelLines == 1)
        #expect { _ = try KernelLogReader.read(path: folder + "/missing") { _ in } } throws: {
            "\($0)".contains("No such file")
        }
    }
}
