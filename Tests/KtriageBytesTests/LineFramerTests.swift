import CKtriageLineScan
import KtriageTestSupport
import Testing

@testable import KtriageBytes

/// Frames `bytes` fed in chunks of `size` and returns the lines as strings plus the framer.
private func frame(_ bytes: [UInt8], chunkSize: Int = .max, maxLineLength: Int = 1 << 20) -> ([String], LineFramer) {
    var framer = LineFramer(maxLineLength: maxLineLength)
    var lines: [String] = []
    ChunkFeeder.feed(bytes, chunkSize: chunkSize) { chunk in
        framer.feed(chunk) { lines.append(String(decoding: $0.bytes, as: UTF8.self)) }
    }
    framer.finish { lines.append(String(decoding: $0.bytes, as: UTF8.self)) }
    return (lines, framer)
}

@Suite("Line framing")
struct LineFramerTests {
    @Test("LF, CRLF, bare CR and CR runs are one break each; LF LF keeps the empty line")
    func lineBreaks() {
        let input = Array("a\nb\r\nc\rd\r\r\ne\n\rf\n\ng".utf8)
        for size in ChunkFeeder.sizes {
            let (lines, framer) = frame(input, chunkSize: size)
            #expect(lines == ["a", "b", "c", "d", "e", "f", "", "g"], "chunk size \(size)")
            #expect(framer.crBreaks == 3)
        }
    }

    @Test("line numbers and offsets point at line starts")
    func numbersAndOffsets() {
        var framer = LineFramer()
        var seen: [(Int, Int64)] = []
        let input = Array("ab\r\ncd\nef".utf8)
        ChunkFeeder.feed(input, chunkSize: 3) { chunk in framer.feed(chunk) { seen.append(($0.number, $0.offset)) } }
        framer.finish { seen.append(($0.number, $0.offset)) }
        #expect(seen.map(\.0) == [1, 2, 3])
        #expect(seen.map(\.1) == [0, 4, 7])
    }

    @Test("NUL bytes are dropped and counted")
    func nulBytes() {
        for size in ChunkFeeder.sizes {
            let (lines, framer) = frame([0x61, 0, 0x62, 0x0A, 0, 0, 0x0A, 0x63], chunkSize: size)
            #expect(lines == ["ab", "", "c"], "chunk size \(size)")
            #expect(framer.nulBytes == 3)
        }
    }

    @Test("a 5 MiB line is cut at the limit, the next line survives, memory stays bounded")
    func hugeLine() {
        var input = [UInt8](repeating: 0x78, count: 5 << 20)
        input += Array("\nnext line\n".utf8)
        for size in [Int.max, 65536, 1 << 20, 999_983] {
            let (lines, framer) = frame(input, chunkSize: size)
            #expect(lines.count == 2)
            #expect(lines.first?.utf8.count == 1 << 20)
            #expect(lines.last == "next line")
            #expect(framer.cutLineCount == 1)
            #expect(framer.cutLines.first?.number == 1)
        }
    }

    @Test("invalid UTF-8 is kept as bytes")
    func invalidUTF8() {
        var framer = LineFramer()
        var kept: [[UInt8]] = []
        let input: [UInt8] = [0xFF, 0xC3, 0x28, 0x0A]
        input.withUnsafeBytes { framer.feed($0) { kept.append(Array($0.bytes)) } }
        #expect(kept == [[0xFF, 0xC3, 0x28]])
        #expect(ByteEscaping.displayString(kept[0]) == "\\xff\\xc3(")
    }

    @Test("drip feed: every chunking of a console log gives the same lines")
    func dripFeed() throws {
        let bytes = try #require(Fixtures.read(Fixtures.path("wrappers/console.log")))
        let (whole, _) = frame(bytes)
        #expect(whole.count == 32)
        for size in ChunkFeeder.sizes.dropFirst() {
            let (lines, _) = frame(bytes, chunkSize: size)
            #expect(lines == whole, "chunk size \(size)")
        }
    }

    @Test("fast scan finds specials at every position of a word")
    func specialByteScan() {
        for position in 0..<24 {
            for special: UInt8 in [0x0A, 0x0D, 0x00] {
                var input = [UInt8](repeating: 0x41, count: 24)
                input[position] = special
                let (lines, _) = frame(input)
                let expectedFirst = String(repeating: "A", count: position)
                if special == 0 {
                    #expect(lines == [String(repeating: "A", count: 23)])
                } else {
                    #expect(lines.first == expectedFirst, "position \(position)")
                }
            }
        }
    }

    @Test("tabs, other control bytes and high bytes beside a break do not hide it")
    func controlBytesNearBreaks() {
        // The word test flags every byte below 0x0E; the scan must step over tabs and the like.
        var generator = SystemRandomNumberGenerator()
        let alphabet: [UInt8] = [0x09, 0x0B, 0x0C, 0x01, 0x0D, 0x0A, 0x00, 0x41, 0x80, 0xFF, 0x0E, 0x20]
        for _ in 0..<300 {
            let input = (0..<Int.random(in: 0..<80, using: &generator)).map { _ in
                alphabet.randomElement(using: &generator) ?? 0x41
            }
            var expected: [Int] = []
            for (i, byte) in input.enumerated() where byte == 0x0A || byte == 0x0D || byte == 0 { expected.append(i) }
            var found: [Int] = []
            input.withUnsafeBufferPointer { buffer in
                guard let base = buffer.baseAddress else { return }
                var from = 0
                while from < buffer.count {
                    let hit = LineFramer.firstSpecialByte(base, from: from, to: buffer.count)
                    if hit == buffer.count { break }
                    found.append(hit)
                    from = hit + 1
                }
            }
            #expect(found == expected, "\(input)")
        }
    }

    /// Each way of the C search (portable, SSE2, AVX2 where the CPU has them) against a walk
    /// byte by byte: every length to 100, a break at every position, beside tabs and high bytes.
    @Test("the line-break search gives the first LF, CR or NUL by every way, at every position")
    func lineBreakSearchWays() {
        for way in Int32(0)...2 {
            for length in 0...100 {
                for position in 0...length {
                    for breakByte: UInt8 in [0x0A, 0x0D, 0] {
                        var bytes = (0..<length).map { [0x41, 0x09, 0xC3, 0x0E, 0x7F][$0 % 5] as UInt8 }
                        if position < length { bytes[position] = breakByte }
                        let found = bytes.withUnsafeBufferPointer {
                            cktriage_first_line_break_by($0.baseAddress, $0.count, way)
                        }
                        if found != position {
                            Issue.record("way \(way), length \(length): \(found), expected \(position)")
                            return
                        }
                    }
                }
            }
        }
    }
}
