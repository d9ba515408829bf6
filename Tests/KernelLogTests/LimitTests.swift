import KernelLog
import KtriageBytes
import Testing

/// The log reader's and crash parser's limits (README "Limits"), each at its edge (accepted
/// whole) and one past it (cut, counted or marked, with the diagnostic).
@Suite("Limits: logs and crash reports")
struct LogLimitTests {
    /// Reads `bytes` and returns the kernel lines and the summary.
    func read(_ bytes: [UInt8], path: String = "limits.log", options: LogReaderOptions = LogReaderOptions()) throws
        -> ([(text: [UInt8], truncated: Bool)], LogReadSummary)
    {
        var lines: [(text: [UInt8], truncated: Bool)] = []
        let summary = try bytes.withUnsafeBytes { raw in
            try KernelLogReader.read(bytes: raw, path: path, options: options) {
                lines.append((Array($0.text), $0.truncated))
            }
        }
        return (lines, summary)
    }

    @Test("line length: a line of exactly LineFramer.defaultMaxLineLength is whole, one byte more is cut")
    func lineLength() throws {
        let limit = LineFramer.defaultMaxLineLength
        #expect(limit == 1 << 20)
        let atEdge = [UInt8](repeating: 0x61, count: limit) + Array("\nnext\n".utf8)
        let (whole, wholeSummary) = try read(atEdge)
        #expect(whole.map(\.text.count) == [limit, 4])
        #expect(whole.allSatisfy { !$0.truncated })
        #expect(wholeSummary.cutLines == 0 && wholeSummary.diagnostics.isEmpty)

        let past = [UInt8](repeating: 0x61, count: limit + 1) + Array("\nnext\n".utf8)
        let (cut, cutSummary) = try read(past)
        #expect(cut.map(\.text.count) == [limit, 4])
        #expect(cut.map(\.truncated) == [true, false])
        #expect(cutSummary.cutLines == 1)
        let diagnostic = try #require(cutSummary.diagnostics.first)
        #expect(diagnostic.message == "line longer than \(limit) bytes: cut")
        #expect(diagnostic.line == 1 && diagnostic.offset == 0)
    }

    @Test("bytes of a line the crash parser reads: CrashReportParser.maxLineBytes whole, one more cut")
    func parserLineBytes() throws {
        let limit = CrashReportParser.maxLineBytes
        #expect(limit == 4096)
        func message(length: Int) throws -> String {
            let header = "BUG: unable to handle page fault for address: "
            let line = header + String(repeating: "f", count: length - header.utf8.count)
            return try #require(FrontDoor.records(line + "\nCall Trace:\n f+0x1/0x2\n").first).message
        }
        #expect(try message(length: limit).utf8.count == limit)
        #expect(try message(length: limit + 1).utf8.count == limit)
        #expect(try message(length: limit + 1).hasSuffix("f"))
    }

    /// A WARNING with a well-formed trace, padded with filler lines to `lines` lines in all.
    func warning(lines: Int, frames: Int = 2) -> String {
        var text = [
            "[    1.000000] WARNING: CPU: 0 PID: 1 at kernel/fork.c:10 copy_process+0x1/0x2",
            "[    1.000001] CPU: 0 PID: 1 Comm: init Not tainted 6.1.0 #1",
            "[    1.000002] RIP: 0010:copy_process+0x1/0x2",
            "[    1.000003] Call Trace:",
            "[    1.000004]  <TASK>",
        ]
        for index in 0..<frames { text.append("[    1.000005]  frame_\(index)+0x1/0x2") }
        text.append("[    1.000006]  </TASK>")
        while text.count < lines { text.append("[    1.000007] filler \(text.count)") }
        return text.joined(separator: "\n") + "\n"
    }

    @Test("lines per report: CrashReportParser.maxReportLines lines whole, one more cuts and marks the report")
    func reportLines() throws {
        let limit = CrashReportParser.maxReportLines
        #expect(limit == 1000)
        let whole = try #require(FrontDoor.records(warning(lines: limit)).first)
        #expect(whole.text.count == limit)
        #expect(!whole.corrupted, "\(whole.corruptedReason ?? "")")
        let records = FrontDoor.records(warning(lines: limit + 1))
        #expect(records.count == 1)
        let cut = try #require(records.first)
        #expect(cut.text.count == limit)
        #expect(cut.corrupted)
        #expect(cut.corruptedReason == "cut after 1000 lines (CrashReportParser.maxReportLines)")
        #expect(cut.title == whole.title)
    }

    @Test("frames per trace: CrashReportParser.maxFramesPerReport kept whole, one more marks the record")
    func framesPerTrace() throws {
        let limit = CrashReportParser.maxFramesPerReport
        #expect(limit == 256)
        let whole = try #require(FrontDoor.records(warning(lines: 0, frames: limit)).first)
        #expect(whole.frames.count == limit)
        #expect(!whole.corrupted, "\(whole.corruptedReason ?? "")")
        let cut = try #require(FrontDoor.records(warning(lines: 0, frames: limit + 1)).first)
        #expect(cut.frames.count == limit)
        #expect(cut.frames.last?.function == "frame_\(limit - 1)")
        #expect(cut.corruptedReason == "more than 256 frames: the rest left out (CrashReportParser.maxFramesPerReport)")
    }

    /// `count` one-line WARNING reports, each ended by the next, fed to one parser.
    func manyReports(_ count: Int) -> CrashReportParser {
        var parser = CrashReportParser(options: ParserOptions(keepText: false))
        for index in 0..<count {
            let text = Array("WARNING: CPU: 0 PID: 1 at a.c:\(index) f+0x1/0x2".utf8)
            let metadata = LineMetadata(source: .dmesg, monotonicMicros: Int64(index) * 1000)
            text.withUnsafeBytes {
                parser.consume(LogLine(text: $0, number: index + 1, offset: 0, metadata: metadata))
            }
        }
        return parser
    }

    @Test("records per log: CrashReportParser.maxRecords kept, one more is counted in droppedRecords")
    func recordsPerLog() {
        let limit = CrashReportParser.maxRecords
        #expect(limit == 10_000)
        var atEdge = manyReports(limit)
        #expect(atEdge.finish().count == limit)
        #expect(atEdge.droppedRecords == 0)
        var past = manyReports(limit + 1)
        #expect(past.finish().count == limit)
        #expect(past.droppedRecords == 1)
    }

    @Test("node events have a cap of their own: a flood of filesystem errors leaves the crashes whole")
    func eventsPerLog() {
        let limit = CrashReportParser.maxEventRecords
        #expect(limit == 10_000)
        var parser = CrashReportParser(options: ParserOptions(keepText: false))
        func feed(_ text: String, _ number: Int) {
            let metadata = LineMetadata(source: .dmesg, monotonicMicros: Int64(number) * 1000)
            Array(text.utf8).withUnsafeBytes {
                parser.consume(LogLine(text: $0, number: number, offset: 0, metadata: metadata))
            }
        }
        for index in 0..<(limit + 5) {
            feed(
                "EXT4-fs error (device sda1): ext4_lookup:1855: inode #\(index): comm ls: deleted inode referenced",
                index + 1)
        }
        feed("WARNING: CPU: 0 PID: 1 at a.c:1 f+0x1/0x2", limit + 10)
        let records = parser.finish()
        #expect(records.filter { $0.recordClass == .event }.count == limit)
        #expect(records.filter { $0.recordClass == .crash }.count == 1)
        #expect(parser.droppedEvents == 5)
        #expect(parser.droppedRecords == 0)
    }

    @Test(
        "reports open at once: CrashReportParser.maxConcurrentReports streams keep their lines, one more closes the oldest"
    )
    func concurrentReports() throws {
        let limit = CrashReportParser.maxConcurrentReports
        #expect(limit == 8)
        func records(streams: Int) -> [CrashRecord] {
            var text = ""
            for thread in 1...streams {
                text += "[    1.000000][ T\(thread)] BUG: kernel NULL pointer dereference, address: 0000000000000008\n"
            }
            for thread in 1...streams {
                text += "[    1.000001][ T\(thread)] RIP: 0010:f\(thread)+0x1/0x2\n"
                text += "[    1.000002][ T\(thread)] Call Trace:\n"
            }
            return FrontDoor.records(text)
        }
        let atEdge = records(streams: limit)
        #expect(atEdge.count == limit)
        #expect(atEdge.allSatisfy { $0.text.count == 3 })
        let past = records(streams: limit + 1)
        #expect(past.count == limit + 1)
        #expect(past.first?.text.count == 1)  // T1 was closed when T9 began
        #expect(past.dropFirst().allSatisfy { $0.text.count == 3 })
    }

    @Test("journald JSON nesting: 32 levels are skipped over, 33 make the line malformed")
    func jsonNesting() throws {
        func line(depth: Int) -> [UInt8] {
            let value = String(repeating: "[", count: depth) + String(repeating: "]", count: depth)
            return Array("{\"X\":\(value),\"_TRANSPORT\":\"kernel\",\"MESSAGE\":\"m\"}\n".utf8)
        }
        let options = LogReaderOptions(source: .journald)
        let (whole, wholeSummary) = try read(line(depth: 32), options: options)
        #expect(whole.map(\.text) == [Array("m".utf8)])
        #expect(wholeSummary.malformedLines == 0)
        let (none, summary) = try read(line(depth: 33), options: options)
        #expect(none.isEmpty)
        #expect(summary.malformedLines == 1)
        #expect(summary.diagnostics.first?.message == "not a journald JSON object: nested too deeply")
    }

    @Test("diagnostics per input: LogReadSummary.maxDiagnostics kept, further ones only counted")
    func diagnostics() throws {
        let limit = LogReadSummary.maxDiagnostics
        #expect(limit == 100)
        let options = LogReaderOptions(source: .journald)
        let (_, atEdge) = try read(Array(String(repeating: "{oops\n", count: limit).utf8), options: options)
        #expect(atEdge.diagnostics.count == limit && atEdge.malformedLines == limit)
        let (_, past) = try read(Array(String(repeating: "{oops\n", count: limit + 1).utf8), options: options)
        #expect(past.diagnostics.count == limit)
        #expect(past.malformedLines == limit + 1)
    }

    /// A code audit (2026-12-06): each new boot ID was looked for in the whole list, so a journal
    /// with a new `_BOOT_ID` on every line took minutes for 100,000 lines (debug build).
    @Test("boot IDs per input: LogReadSummary.maxBootIDs listed once each, further ones left out")
    func bootIDs() throws {
        let limit = LogReadSummary.maxBootIDs
        #expect(limit == 10_000)
        func journal(boots: Int) -> [UInt8] {
            var text = ""
            for number in 0..<boots {
                text += "{\"MESSAGE\":\"m\",\"_TRANSPORT\":\"kernel\",\"_BOOT_ID\":\"b\(number)\"}\n"
            }
            return Array(text.utf8)
        }
        let (lines, atEdge) = try read(journal(boots: limit) + journal(boots: 2))
        #expect(lines.count == limit + 2)
        #expect(atEdge.bootIDs.count == limit)
        #expect(atEdge.bootIDs.first == "b0" && atEdge.bootIDs.last == "b\(limit - 1)")
        let (_, past) = try read(journal(boots: limit + 1))
        #expect(past.bootIDs.count == limit)
        #expect(!past.bootIDs.contains("b\(limit)"))
        let markers = Array("-- Boot a --\n[    1.000000] x\n-- Boot b --\n-- Boot a --\n".utf8)
        #expect(try read(markers).1.bootIDs == ["a", "b"])
    }

    @Test("pstore text buffered per input: 16 MiB joined whole, one byte more skipped with a diagnostic")
    func pstoreBuffer() throws {
        let megabyteLine = [UInt8](repeating: 0x61, count: 1 << 20) + [0x0A]
        var atEdge = Array("Panic#1 Part1\n".utf8)
        for _ in 0..<16 { atEdge += megabyteLine }
        let (lines, summary) = try read(atEdge, path: "dmesg-ramoops-0")
        #expect(summary.source == .pstore)
        #expect(lines.count == 16)
        #expect(summary.diagnostics.isEmpty)

        let (cutLines, cutSummary) = try read(atEdge + Array("b\n".utf8), path: "dmesg-ramoops-0")
        #expect(cutLines.count == 16)
        #expect(
            cutSummary.diagnostics.map(\.message) == [
                "pstore input larger than 16777216 bytes: the rest is skipped"
            ])
    }
}
