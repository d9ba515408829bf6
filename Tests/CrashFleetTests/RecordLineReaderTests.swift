import CrashOutput
import Foundation
import KernelLog
import KtriageBytes
import KtriageReader
import KtriageTestSupport
import Testing

@testable import CrashFleet

/// The byte-level record reader must give grouping exactly what `JSONDecoder` gives it: the same
/// fields on every record ktriage writes, and the same verdict (record or bad line) on every line.
@Suite struct RecordLineReaderTests {
    /// `scan --format ndjson` lines of every fixture and, when present, the shared corpora.
    static let scannedLines: [String] = {
        var walker = InputWalker()
        walker.add([Fixtures.path("")])
        for corpus in ["corpus", "vmcores"] where Fixtures.sharedAvailable(corpus) {
            walker.add([Fixtures.shared(corpus)])
        }
        let reader = CrashReader()
        return walker.items.flatMap { ScanJSON.recordLines(reader.read($0)) }
    }()

    static func decoded(_ line: String) -> CrashRecord? {
        try? JSONDecoder().decode(CrashRecord.self, from: Data(line.utf8))
    }

    static func fast(_ line: String) -> CrashRecord? {
        var bytes = Array(line.utf8)
        return bytes.withUnsafeMutableBytes { RecordLineReader.read(UnsafeRawBufferPointer($0)) }
    }

    @Test func everyScannedRecordReadsAsItsGroupingView() throws {
        let lines = Self.scannedLines
        #expect(lines.count > 200)
        for line in lines {
            let full = try #require(Self.decoded(line))
            let view = try #require(Self.fast(line), "declined: \(line.prefix(200))")
            let expected = try #require(RecordLineReader.groupingView(of: full))
            #expect(view == expected, "\(full.file ?? "") line \(full.line)")
        }
    }

    /// Records decoded on several threads (`NDJSONPipeline`) are grouped as one thread groups
    /// them: windows of odd sizes cut between any two lines, bad lines (their first line number
    /// too), NUL bytes inside a record, CR line ends.
    @Test(arguments: [(2, 997), (3, 4_096), (5, 30_011)])
    func groupingOnSeveralThreadsEqualsOneThread(jobs: Int, window: Int) throws {
        let path = Fixtures.temporaryFolder("record-line-reader") + "/threads.ndjson"
        var lines = Self.scannedLines
        lines.insert("not a record", at: lines.count / 3)
        lines.insert(String(lines[lines.count / 2].dropLast(40)), at: lines.count / 2)
        lines[lines.count / 4] = lines[lines.count / 4].replacingOccurrences(of: "\"kind\"", with: "\"kind\u{0}\"")
        lines[lines.count / 5] += "\r"
        #expect(Fixtures.write(Array(lines.joined(separator: "\n").utf8), to: path))
        var one = NDJSONGrouper(context: FleetSupport.context)
        one.read(path: path)
        var many = NDJSONGrouper(context: FleetSupport.context)
        many.jobs = jobs
        many.decodedWindow = window
        many.read(path: path)
        #expect(many.badLines == one.badLines)
        #expect(one.badLines >= 2)
        let expected = one.finish()
        let fleet = many.finish()
        #expect(fleet == expected)
        #expect(fleet.errors == expected.errors)
        #expect(fleet.records > 100)
    }

    /// Where the workers' windows start: after a line feed that no CR follows, never inside a
    /// line, and the end of the input when no line starts after the position.
    @Test func windowsStartAtLineStarts() {
        let text = Array("ab\ncd\n\ref\n\ngh".utf8)
        text.withUnsafeBytes { bytes in
            let starts = (0...text.count + 2).map { NDJSONPipeline.lineStart(bytes, atOrAfter: $0) }
            // Bytes 0…12 are `a b \n c d \n \r e f \n \n g h`; positions 13…15 are at or past the end.
            #expect(starts == [0, 3, 3, 3, 10, 10, 10, 10, 10, 10, 10, 11, 13, 13, 13, 13])
        }
    }

    @Test func groupingFromLinesEqualsGroupingFromDecodedRecords() throws {
        let folder = Fixtures.temporaryFolder("record-line-reader")
        let path = folder + "/records.ndjson"
        let text = Self.scannedLines.joined(separator: "\n") + "\nnot a record\n"
        #expect(Fixtures.write(Array(text.utf8), to: path))
        var grouper = NDJSONGrouper(context: FleetSupport.context)
        grouper.read(path: path)
        let fleet = grouper.finish()

        var expected = FleetAggregate(idLimit: FleetSupport.context.idLimit)
        expected.inputs = 1
        var seen = Set<String>()
        var input: [CrashRecord] = []
        func flush() {
            expected.add(
                records: input, defaultHost: HostNaming.host(forPath: input.first?.file ?? "-"),
                context: FleetSupport.context, seen: &seen)
            input.removeAll()
        }
        for line in Self.scannedLines {
            let record = try #require(Self.decoded(line))
            if record.file != input.first?.file { flush() }
            input.append(record)
        }
        flush()
        expected.addError(
            "\(path): 1 lines are not crash records (first: line \(Self.scannedLines.count + 1))", unreadable: false)
        #expect(grouper.badLines == 1)
        #expect(fleet.records > 100)
        #expect(fleet == expected)
        #expect(fleet.groups.values.allSatisfy { $0.representative?.text.isEmpty == false })
    }

    /// A record with every key, some null, and an unknown one.
    static let sample: String = [
        #"{"schema":2,"file":"a.log","line":3,"end_line":9,"source":"syslog","host":"web1","boot":null,"#,
        #""time":{"wall_us":1700000000000000,"monotonic_us":5},"kind":"oops","title":"T","alt_titles":["x"],"#,
        #""signature":"s1","signature_version":3,"corrupted":false,"corrupted_reason":null,"panicked":true,"#,
        #""kernel":{"release":"6.1.0-18-amd64","version":"6.1.0","flavour":"amd64"},"#,
        #""taint":{"letters":"GW","flags":["warn"]},"cpu":1,"pid":null,"hardware":"QEMU Standard PC, BIOS 1.16 04/01/2014","#,
        #""guilty":{"function":"f"},"rip":{"function":"f","offset":1,"reliable":true,"context":"task"},"#,
        #""frames":[{"function":"a","reliable":false,"context":"irq","address":18446744073709551615},"#,
        #"{"function":"b","module":"m","reliable":true,"context":"task"}],"#,
        #""modules":[{"name":"m","taint":"OE"},{"name":"n"}],"registers":{"RAX":"0"},"message":"M","#,
        #""text":["M"],"register_order":["RAX"],"reporter":{"comm":"k","pid":2},"class":"event","extra":[1,{"a":[]}]}"#,
    ].joined()

    /// One thing changed in `sample`: the text replaced and its replacement.
    static let edits: [(String, String)] = [
        (#""title":"T""#, #""title":"caf\u00e9 \ud83d\ude00 \"q\" \\ \/ \n\t é😀""#),
        (#""title":"T""#, #""title":"\ud83d""#),
        (#""title":"T""#, #""title":"\udc00\ud83d""#),
        (#""title":"T""#, #""title":"\x41""#),
        (#""title":"T""#, "\"title\":\"a\u{01}b\""),
        (#""line":3"#, #""line":3.0"#),
        (#""line":3"#, #""line":03"#),
        (#""line":3"#, #""line":1e2"#),
        (#""line":3"#, #""line":99999999999999999999"#),
        (#""line":3"#, #""line":"3""#),
        (#""line":3,"#, ""),
        (#""end_line":9,"#, ""),
        (#""class":"event","#, ""),
        (#""class":"event""#, #""class":"other""#),
        (#""class":"event""#, #""class":null"#),
        (#""source":"syslog""#, #""source":"fax""#),
        (#""time":{"#, #""time":{"wall_us":null,"#),
        (#""time":{"wall_us":1700000000000000,"monotonic_us":5}"#, "null"),
        (#""reliable":false"#, #""reliable":0"#),
        (#""context":"irq""#, #""context":"nowhere""#),
        (#","address":18446744073709551615"#, #","address":-1"#),
        (#"{"name":"n"}"#, #"{"taint":"n"}"#),
        (#""registers":{"RAX":"0"}"#, #""registers":{"RAX":0}"#),
        (#""text":["M"]"#, #""text":["M",null]"#),
        (#""flags":["warn"]"#, #""flags":"warn""#),
        (#""kernel":{"release":"6.1.0-18-amd64","#, #""kernel":{"#),
        (#""signature":"s1""#, #""signature":"s1","signature":"s2""#),
        (#""name":"m""#, #""name":"m","name":"z""#),
        (#""function":"b""#, #""function":"b","function":"c""#),
        (#""comm":"k""#, #""comm":"k","comm":null"#),
        (#""letters":"GW""#, #""letters":"GW","letters":"P""#),
        (#""extra":[1,{"a":[]}]"#, #""extra":[1,{"a":[]},]"#),
        (#""extra":[1,{"a":[]}]"#, #""extra":[1.5,true,null,"\u0041"]"#),
        // Escapes are checked without being decoded where the value is skipped.
        (#""message":"M""#, #""message":"\u12""#),
        (#""message":"M""#, #""message":"\udc00""#),
        (#""message":"M""#, #""message":"\ud83d\u0041""#),
        (#""message":"M""#, #""message":"\ud83d\ude00 \u0000 \b\f\r""#),
        (#""text":["M"]"#, #""text":["\q"]"#),
        // Enum spellings are matched on their bytes; escaped ones are decoded first.
        (#""kind":"oops""#, #""kind":"o\u006fps""#),
        (#""kind":"oops""#, #""kind":"oop""#),
        (#""kind":"oops""#, #""kind":"oopss""#),
        (#""context":"irq""#, #""context":"\u0069rq""#),
        (#""context":"irq""#, #""context":"ir""#),
        (#""source":"syslog""#, #""source":"""#),
        // Kernel objects: read through the memo of their bytes.
        (#""release":"6.1.0-18-amd64","#, #""release":null,"#),
        (#""release":"6.1.0-18-amd64","#, #""release":"6.1.0-18-amd64","release":"6.2","#),
        (#""flavour":"amd64""#, #""flavour":"amd64","build_info":null,"extra":{"x":[1]}"#),
        (#""flavour":"amd64""#, #""flavour":7"#),
    ]

    /// Lines that are valid JSON but odd, or records with one thing wrong.
    static let oddLines: [String] =
        edits.map { sample.replacingOccurrences(of: $0.0, with: $0.1) } + [
            sample,
            sample + " ",
            sample + " x",
            sample + "}",
            " \t" + sample,
            String(sample.dropLast()),
            "[" + sample + "]",
            "{}",
            "null",
        ]

    /// The reader either declines each odd line or reads what `JSONDecoder` reads.
    @Test(arguments: oddLines)
    func oddLinesAreDeclinedOrReadAsTheDecoderReadsThem(line: String) throws {
        let full = Self.decoded(line)
        guard let view = Self.fast(line) else { return }
        let decoded = try #require(full, "read a line JSONDecoder refuses: \(line)")
        #expect(view == RecordLineReader.groupingView(of: decoded))
    }

    @Test func theSampleAndEscapedTextTakeTheFastPath() throws {
        let escaped = Self.sample.replacingOccurrences(
            of: #""title":"T""#, with: #""title":"caf\u00e9 \ud83d\ude00 \"q\" \\ \/ \n\t é😀""#)
        for line in [Self.sample, escaped] {
            let view = try #require(Self.fast(line))
            #expect(view == RecordLineReader.groupingView(of: try #require(Self.decoded(line))))
        }
        #expect(Self.fast(escaped)?.title == "café 😀 \"q\" \\ / \n\t é😀")
        #expect(Self.fast(Self.sample)?.recordClass == .event)
        #expect(Self.fast(Self.sample)?.frames.map(\.function) == ["b"])
    }

    /// The cursor skips ordinary string bytes eight at a time: a byte that needs attention at
    /// any position of a word must still be seen.
    @Test func stringsReadAsTheDecoderReadsThemWhereverTheSpecialByteFalls() {
        let specials: [[UInt8]] = [
            Array(#"\""#.utf8), Array(#"\\"#.utf8), Array(#"\n"#.utf8), Array(#"\u00e9"#.utf8),
            Array("é".utf8), Array("😀".utf8), [0x01], [0x1F], [0x7F], [0xC3], [0xFF], Array(#"\ud83d"#.utf8),
        ]
        for special in specials {
            for offset in 0..<20 {
                let body = [UInt8](repeating: UInt8(ascii: "a"), count: offset) + special + Array("bcdefghijk".utf8)
                let literal = [UInt8(ascii: "\"")] + body + [UInt8(ascii: "\"")]
                let expected = try? JSONDecoder().decode(String.self, from: Data(literal))
                let read = literal.withUnsafeBytes { bytes -> String? in
                    var cursor = JSONCursor(bytes)
                    guard let string = cursor.readString(), cursor.atEnd() else { return nil }
                    return string
                }
                // Declining is allowed; reading something else is not.
                if let read { #expect(read == expected, "\(literal)") }
                if expected != nil, special.first != UInt8(ascii: "\\") || special.count < 6 {
                    #expect(read != nil, "declined \(literal)")
                }
            }
        }
    }

    /// Random one-byte damage to the sample (replaced, inserted or deleted, from a set of bytes
    /// that matter to JSON): whatever the reader accepts, `JSONDecoder` accepts with the same view.
    @Test func damagedRecordsAreNeverReadDifferently() throws {
        let alphabet = Array(#"{}[]:,"\ u0123456789aeflnrstux-.+"#.utf8) + [0x00, 0x1F, 0x7F, 0xC3, 0xE2, 0xFF]
        var generator = SeededGenerator(seed: 18)
        let original = Array(Self.sample.utf8)
        var accepted = 0
        for _ in 0..<3000 {
            var bytes = original
            let at = Int.random(in: 0..<bytes.count, using: &generator)
            let byte = alphabet.randomElement(using: &generator)!
            switch Int.random(in: 0..<3, using: &generator) {
            case 0: bytes[at] = byte
            case 1: bytes.insert(byte, at: at)
            default: bytes.remove(at: at)
            }
            guard let view = bytes.withUnsafeBytes({ RecordLineReader.read($0) }) else { continue }
            accepted += 1
            let full = try #require(
                try? JSONDecoder().decode(CrashRecord.self, from: Data(bytes)),
                "read a line JSONDecoder refuses: \(String(decoding: bytes, as: UTF8.self))")
            #expect(view == RecordLineReader.groupingView(of: full))
        }
        #expect(accepted > 100)
    }

    /// One memo across lines, as `NDJSONGrouper` reads them: kernel objects seen before (the same
    /// bytes) and new ones, valid and damaged, in every order, read as the decoder reads them.
    @Test func kernelObjectsReadThroughTheMemoAsTheDecoderReadsThem() throws {
        let kernels = [
            #"{"release":"6.1.0-18-amd64","version":"6.1.0","flavour":"amd64"}"#,
            #"{"release":"6.1.0-18-amd64","version":"6.1.0","flavour":"amd6"}"#,
            #"{"release":"6.1.0-18-amd64","version":"6.1.0","flavour":"amd64","build_info":"x"}"#,
            ##"{"release":"5.10.0","build":"#1 SMP"}"##,
            #"{"release":"5.10.0","build":1}"#,
            #"{"version":"6.1.0"}"#,
            #"{"release":"4.19.0"}"#,
        ]
        let original = #""kernel":{"release":"6.1.0-18-amd64","version":"6.1.0","flavour":"amd64"}"#
        var memo = RecordLineReader.Memo()
        var generator = SeededGenerator(seed: 4)
        var read = 0
        for _ in 0..<200 {
            let kernel = try #require(kernels.randomElement(using: &generator))
            let line = Self.sample.replacingOccurrences(of: original, with: #""kernel":"# + kernel)
            let view = Array(line.utf8).withUnsafeBytes { RecordLineReader.read($0, memo: &memo) }
            let full = Self.decoded(line)
            #expect((view == nil) == (full == nil), "\(kernel)")
            if let view, let full {
                read += 1
                #expect(view == RecordLineReader.groupingView(of: full))
            }
        }
        #expect(read > 100)
    }

    @Test func invalidUTF8IsLeftToTheDecoder() {
        var bytes = Array(Self.sample.utf8)
        let title = Array(#""title":"T""#.utf8)
        let at = bytes.indices.first { bytes[$0...].starts(with: title) }!
        bytes[at + title.count - 2] = 0xC3  // a lead byte with no continuation
        let fast = bytes.withUnsafeBytes { RecordLineReader.read($0) }
        #expect(fast == nil)
    }
}

/// SplitMix64: the same damage on every run.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var mixed = state
        mixed = (mixed ^ (mixed >> 30)) &* 0xBF58_476D_1CE4_E5B9
        mixed = (mixed ^ (mixed >> 27)) &* 0x94D0_49BB_1331_11EB
        return mixed ^ (mixed >> 31)
    }
}

@Suite struct JSONCursorSkipTests {
    /// Skips the one value in `text` and says whether the cursor accepted it and stands at the end.
    static func skips(_ text: String) -> Bool {
        Array(text.utf8).withUnsafeBytes { bytes in
            var cursor = JSONCursor(bytes)
            return cursor.skipValue() && cursor.atEnd()
        }
    }

    @Test func integersOfEitherWidthAreSkippedFractionsAreNot() {
        for text in [
            "0", "-1", "9223372036854775807", "-9223372036854775808", "18446744073709551615",
            "[1, 18446744071579237423]",
        ] {
            #expect(Self.skips(text), "\(text)")
        }
        for text in ["18446744073709551616", "-9223372036854775809", "1.5", "1e3", "01", "-", "1x"] {
            #expect(!Self.skips(text), "\(text)")
        }
    }
}
