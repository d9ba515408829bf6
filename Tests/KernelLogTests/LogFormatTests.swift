import KtriageTestSupport
import Testing

@testable import KernelLog

@Suite("Log formats: dmesg time formats and journalctl outputs are told apart")
struct LogFormatTests {
    @Test(
        "each fixture is detected as its format",
        arguments: [
            ("dmesg.log", LogFormat.dmesg), ("dmesg-raw-levels.log", .dmesg), ("dmesg-T.log", .dmesgCtime),
            ("dmesg-iso.log", .dmesgISO), ("dmesg-reltime.log", .dmesgReltime), ("dmesg-delta.log", .dmesgDelta),
            ("dmesg-time-delta.log", .dmesgDelta), ("dmesg-decoded.log", .dmesgDecoded),
            ("syslog-bsd.log", .syslogBSD), ("syslog-rfc3339.log", .syslogISO), ("syslog-rfc5424.log", .syslogRFC5424),
            ("journal-short.log", .syslogBSD), ("journal-short-precise.log", .syslogBSD),
            ("journal-short-iso.log", .syslogISO), ("journal-short-iso-precise.log", .syslogISO),
            ("journal-short-full.log", .journalShortFull), ("journal-short-monotonic.log", .journalShortMonotonic),
            ("journal-short-unix.log", .journalShortUnix), ("journal-verbose.log", .journalVerbose),
            ("journal.export", .journalExport), ("journal.json", .journalJSON), ("journal-json-seq.log", .journalJSON),
            ("journal-json-sse.log", .journalJSON), ("pstore/dmesg-ramoops-0", .pstore),
        ])
    func detected(_ file: String, _ format: LogFormat) throws {
        let (_, summary) = try readAll(
            Fixtures.path("wrappers/" + file), options: LogReaderOptions(referenceYear: 2017))
        #expect(summary.format == format)
        #expect(summary.warnings.isEmpty)
    }

    /// A first line that begins with `{` but holds no key is console text, not journal JSON
    /// (read as JSON, every line was malformed and the oops was lost).
    @Test("a console capture whose first line begins with a brace is read as text")
    func braceFirstLine() throws {
        let (lines, summary) = try readAll(Fixtures.path("wrappers/console-brace-first-line.log"))
        #expect(summary.format == .dmesg)
        #expect(summary.malformedLines == 0)
        #expect(summary.kernelLines == 17)
        #expect(lines.contains { $0.text.hasPrefix("BUG: kernel NULL pointer dereference") })
        // journalctl's own first lines, compact and spaced (older systemd), are still JSON.
        for first in [#"{"__CURSOR":"s=1"}"#, #"{ "__CURSOR" : "s=1" }"#, "\u{1E}{\"MESSAGE\":\"x\"}"] {
            let isJSON = Array(first.utf8).withUnsafeBytes { JournalEntryGatherer.isJSON($0) }
            #expect(isJSON, "\(first)")
        }
        for first in ["{", "{ }", "{ capture", "data: {x"] {
            let isJSON = Array(first.utf8).withUnsafeBytes { JournalEntryGatherer.isJSON($0) }
            #expect(!isJSON, "\(first)")
        }
    }

    @Test("notime and journalctl -o cat have no wrapper")
    func bare() throws {
        let (_, summary) = try readAll(Fixtures.path("wrappers/journal-cat.log"))
        #expect(summary.format == nil)
        #expect(summary.kernelLines == baseLines.count)
    }

    @Test("dmesg -H: minute lines give the wall clock to the minute, delta lines keep it")
    func reltime() throws {
        let (lines, _) = try readAll(
            Fixtures.path("wrappers/dmesg-reltime.log"), options: LogReaderOptions(referenceYear: 2017))
        #expect(lines.map(\.text) == baseLines)
        let minute1506 = wall(0) - 31_000_000  // 15:06:00
        let minute1507 = wall(29)
        #expect(lines[0].metadata.wallClockMicros == minute1506)
        #expect(lines[28].metadata.wallClockMicros == minute1506)
        #expect(lines[29].metadata.wallClockMicros == minute1507)
        #expect(lines[31].metadata.wallClockMicros == minute1507)
        #expect(lines.allSatisfy { $0.metadata.monotonicMicros == nil })
    }

    @Test("dmesg -x levels come from the decoded level name")
    func decodedLevels() throws {
        let (lines, _) = try readAll(Fixtures.path("wrappers/dmesg-decoded.log"))
        #expect(lines[0].metadata.level == 6)
        #expect(lines[1].metadata.level == 4)
    }

    @Test("other programs' lines in short-monotonic and verbose are kept out")
    func otherProgramsInJournalFormats() throws {
        let (_, monotonic) = try readAll(Fixtures.path("wrappers/journal-short-monotonic.log"))
        #expect(monotonic.otherProgramLines == 1)
        let (_, verbose) = try readAll(Fixtures.path("wrappers/journal-verbose.log"))
        #expect(verbose.otherProgramLines == 1)
        #expect(verbose.bootIDs == ["4f8a0c2e5b7d4e1f9a3b6c8d0e2f4a6b"])
    }

    @Test("a kernel line's own 'word kernel: ' text past the first lines does not switch dmesg to short-monotonic")
    func monotonicProbeIsBounded() throws {
        var text = (0..<40).map { "[    1.\(String(100_000 + $0))] line \($0)" }.joined(separator: "\n")
        text += "\n[    2.000000] usb kernel: text after a word\n"
        let (lines, summary) = try readText(text)
        #expect(summary.format == .dmesg)
        #expect(lines.last?.text == "usb kernel: text after a word")
    }

    @Test("an input of other programs' lines only, or of mostly them, says so")
    func warnings() throws {
        let others = (0..<20).map { "Nov 12 15:06:\(10 + $0) web01 sshd[9]: Accepted key \($0)" }.joined(
            separator: "\n")
        let (_, none) = try readText(others)
        #expect(none.kernelLines == 0)
        #expect(
            none.warnings.map(\.message) == [
                "no kernel lines in 20 lines (looked like syslog-bsd; 20 lines of other programs)"
            ])
        let mostly = others + "\nNov 12 15:07:00 web01 kernel: hello\n"
        let (_, few) = try readText(mostly)
        #expect(
            few.warnings.first?.message.hasPrefix("mostly other programs' lines: 20 of them, 1 kernel lines") == true)
        let (_, fine) = try readAll(Fixtures.path("wrappers/syslog-bsd.log"))
        #expect(fine.warnings.isEmpty)
    }

    func readText(_ text: String) throws -> ([ReadLine], LogReadSummary) {
        var lines: [ReadLine] = []
        let summary = try Array(text.utf8).withUnsafeBytes { bytes in
            try KernelLogReader.read(bytes: bytes, path: "text.log") { line in
                lines.append(ReadLine(text: line.string, metadata: line.metadata, number: line.number))
            }
        }
        return (lines, summary)
    }
}
