import KtriageTestSupport
import Testing

@testable import KernelLog

/// The wrapper readers of `Lines/` on lines made of the very markers they look for
/// (`MarkerTexts`): journald's `NAME=value` fields and cursor (`b=`, `t=` after `;`), pstore's
/// `Panic#1 Part1` and `====sec.usec-D`, the console's `** N printk messages dropped ** ` and
/// `login: ` glue, a mail reply's `> `, a paste's no-break spaces and indent, and the letter
/// fallbacks (`logread`'s ctime, localized months, busybox's `kern.` tag).
@Suite struct LineWrapperMarkerTests {
    static let markers = [
        "** ", " printk messages dropped ** ", "3", " login: ", "syzkaller", ">", "> ", " >", "\u{A0}", "    ", "\t",
        "[", "<", "[  12.345678]", "<4>", "kern.", "kern.err", "kernel:", "kernel: ", "Nov 12 15:06:31", "ноя",
        "Sat Nov  7 15:06:31 2026", " Part1", "Panic#1", "====", "1700000000.123456-D", "VmCoreDmesg:", "[s=", ";",
        "b=", "t=", "=", "MESSAGE=", "__CURSOR=", "data: ", "{", "}", "\u{1E}", " ",
    ]

    static let texts = MarkerTexts.texts(markers)
    static let knownMessage = "BUG: kernel NULL pointer dereference, address: 0000000000000008"

    /// A line's text copied in the callback: `LogLine.text` points into the reader's buffers.
    struct ReadLine {
        var string: String
        var metadata: LineMetadata
    }

    static func read(_ text: String, source: LogSource? = nil) throws -> (lines: [ReadLine], summary: LogReadSummary) {
        var lines: [ReadLine] = []
        let summary = try Array(text.utf8).withUnsafeBytes { raw in
            try KernelLogReader.read(bytes: raw, path: "marker", options: LogReaderOptions(source: source)) {
                lines.append(ReadLine(string: $0.string, metadata: $0.metadata))
            }
        }
        return (lines, summary)
    }

    /// The journal format a first line picks for the whole input (README, Log formats: the
    /// multi-line journal outputs and JSON are decided per input from the first line, indent
    /// skipped), compared as bytes: `{` and a combining mark are one Character.
    static func journalFormat(firstLine text: String) -> LogFormat? {
        let bytes = Array(
            text.utf8.prefix { $0 != UInt8(ascii: "\n") }.drop { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") })
        // A JSON first line opens an object with a key: `{`, any blanks, then a quote.
        for opener in ["{", "\u{1E}{", "data: {"] where bytes.starts(with: opener.utf8) {
            let afterBrace = bytes.dropFirst(opener.utf8.count).drop {
                $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t")
            }
            return afterBrace.first == UInt8(ascii: "\"") ? .journalJSON : nil
        }
        return bytes.starts(with: "__CURSOR=".utf8) ? .journalExport : nil
    }

    // `source: .journald` forces `-o json`; export and verbose text are told from their first line.
    @Test("a journal export entry whose fields are made of markers is read, and the known entry after it is the same")
    func journalExport() throws {
        let known =
            "__CURSOR=s=0;i=1;b=00;m=0;t=0;x=0\n_TRANSPORT=kernel\n_HOSTNAME=web01\nMESSAGE=\(Self.knownMessage)\n"
        let alone = try #require(try Self.read(known).lines.last)
        #expect(alone.string == Self.knownMessage && alone.metadata.host == "web01")
        for text in Self.texts where !text.contains("\n") {
            let entry = "__CURSOR=\(text)\n_TRANSPORT=kernel\n_HOSTNAME=\(text)\nMESSAGE=\(text)\nX\(text)=1\n\n"
            let read = try Self.read(entry + known)
            #expect(read.summary.format == .journalExport, "\(text.debugDescription)")
            #expect(read.lines.last?.string == Self.knownMessage, "\(text.debugDescription)")
            #expect(read.lines.last?.metadata.host == "web01", "\(text.debugDescription)")
        }
    }

    @Test(
        "a journal verbose entry whose cursor and fields are made of markers leaves the known entry after it the same")
    func journalVerbose() throws {
        let header = "Sun 2017-11-12 15:06:31.000000 UTC [s=1;i=2;b=4f8a;m=bc614e;t=55dca7fb68bc0;x=9]"
        let known = "\(header)\n    _TRANSPORT=kernel\n    _HOSTNAME=web01\n    MESSAGE=\(Self.knownMessage)\n"
        let alone = try #require(try Self.read(known).lines.last)
        #expect(alone.string == Self.knownMessage && alone.metadata.wallClockMicros != nil)
        for text in Self.texts where !text.contains("\n") {
            let entry = "Sun 2017-11-12 15:06:30.000000 UTC [s=\(text)]\n    _TRANSPORT=kernel\n    MESSAGE=\(text)\n"
            let read = try Self.read(entry + known)
            #expect(read.summary.format == .journalVerbose, "\(text.debugDescription)")
            #expect(read.lines.last?.string == Self.knownMessage, "\(text.debugDescription)")
            #expect(
                read.lines.last?.metadata.wallClockMicros == alone.metadata.wallClockMicros, "\(text.debugDescription)")
        }
    }

    @Test("a dmesg line after any marker line is read the same, in a plain log, a pstore record and a mail quote")
    func dmesgAfterMarkerLine() throws {
        let known = "[   12.345678] \(Self.knownMessage)"
        var journalPicks = 0
        for source: LogSource? in [nil, .pstore] {
            let alone = try Self.read(known + "\n", source: source).lines.last
            #expect(alone?.string == Self.knownMessage)
            for text in Self.texts {
                let read = try Self.read(text + "\n" + known + "\n", source: source)
                let label = "\(String(describing: source)) \(text.debugDescription)"
                // Intended: a first line that starts a journal JSON or export output makes the
                // whole input that output (journalctl prints nothing else in it), so the dmesg
                // line is a bad journal line, warned about as "no kernel lines", not kernel text.
                if source == nil, let format = Self.journalFormat(firstLine: text) {
                    journalPicks += 1
                    #expect(read.summary.format == format, "\(label)")
                    #expect(!read.lines.contains { $0.string == Self.knownMessage }, "\(label)")
                } else {
                    #expect(read.lines.last?.string == Self.knownMessage, "\(label)")
                }
            }
        }
        #expect(journalPicks > 0)
        for text in Self.texts {
            let quoted = try Self.read("> " + text + "\n> " + known + "\n").lines.last
            #expect(quoted?.string == Self.knownMessage, "\(text.debugDescription)")
        }
    }

    @Test("each wrapper's own reader, on every marker text, returns positions inside the line")
    func wrapperReaders() {
        var glued = 0
        for text in Self.texts {
            let bytes = Array(text.utf8)
            bytes.withUnsafeBytes { raw in
                if let (start, _) = ConsoleGlue.strip(raw) {
                    #expect(start < raw.count && (raw[start] == UInt8(ascii: "[") || raw[start] == UInt8(ascii: "<")))
                    glued += 1
                }
                if let start = MailQuote.textStart(raw) { #expect(start <= raw.count, "\(text)") }
                if let plain = PasteRepair.withPlainSpaces(raw) { #expect(plain.count < raw.count, "\(text)") }
                if let end = PasteRepair.indentEnd(raw) { #expect(end < raw.count, "\(text)") }
                if let header = PstoreJoiner.header(raw) {
                    #expect(text.hasSuffix(" Part\(header.part)") && text.hasPrefix(header.reason), "\(text)")
                }
                _ = PstoreJoiner.ramoopsHeader(raw)
                _ = ApportReport.isKernelField(raw)
                _ = JournalEntryGatherer.isVerboseHeader(raw)
                _ = JournalEntryGatherer.jsonObject(raw)
            }
        }
        #expect(glued > 0)
    }
}
