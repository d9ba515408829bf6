internal import CKtriageLineScan

/// One line cut out of the input by `LineFramer`.
public struct FramedLine {
    /// The line's bytes without its line break; NUL bytes removed. Valid only during the callback.
    public var bytes: UnsafeRawBufferPointer
    /// 1-based line number.
    public var number: Int
    /// Offset of the line's first byte in the input stream.
    public var offset: Int64
    /// The line was longer than the limit and was cut to `maxLineLength` bytes.
    public var truncated: Bool

    public init(bytes: UnsafeRawBufferPointer, number: Int, offset: Int64, truncated: Bool) {
        self.bytes = bytes
        self.number = number
        self.offset = offset
        self.truncated = truncated
    }
}

/// Splits a byte stream, fed in chunks of any size, into lines.
///
/// Line breaks: LF, CRLF and bare CR (serial consoles). A run of CR bytes around at most one LF
/// (`\r\n`, `\r\r\n`, `\n\r`) is one break, so console captures do not gain empty lines; two LFs
/// are two breaks. NUL bytes (console and pstore padding) are dropped from the line text. Lines
/// longer than `maxLineLength` are cut and the rest of the line is skipped, so memory stays
/// bounded whatever the input. The output does not depend on how the input is chunked (the
/// drip-feed tests feed 1-byte and odd-sized chunks).
///
/// Lines that lie inside one chunk are handed out in place, without copying; only lines that
/// span chunks or contain NUL bytes go through the carry buffer.
public struct LineFramer {
    /// Default limit on one line: 1 MiB.
    public static let defaultMaxLineLength = 1 << 20

    public let maxLineLength: Int
    /// Lines emitted so far.
    public private(set) var lineCount = 0
    /// Lines that were cut because they exceeded `maxLineLength`: (line number, offset).
    public private(set) var cutLines: [(number: Int, offset: Int64)] = []
    /// Number of lines cut (also counted past the first 100 recorded in `cutLines`).
    public private(set) var cutLineCount = 0
    /// NUL bytes dropped.
    public private(set) var nulBytes = 0
    /// Line breaks that used CR (CRLF or bare CR).
    public private(set) var crBreaks = 0

    private var carry: [UInt8] = []
    private var usingCarry = false
    /// Inside a run of break bytes; `breakSawLF` says whether it already held its one LF.
    private var inBreak = false
    private var breakSawLF = false
    private var discarding = false
    private var lineTruncated = false
    /// Stream offset of the current line's first byte.
    private var lineOffset: Int64 = 0
    /// Stream offset of the current chunk's first byte.
    private var streamOffset: Int64 = 0
    private var atStart = true

    public init(maxLineLength: Int = LineFramer.defaultMaxLineLength) {
        self.maxLineLength = max(1, maxLineLength)
    }

    /// A framer that continues an input whose first `linesBefore` lines, `offset` bytes, were
    /// framed elsewhere (a chunked reading continued in one pass): numbers and offsets go on.
    public init(maxLineLength: Int = LineFramer.defaultMaxLineLength, linesBefore: Int, offset: Int64) {
        self.init(maxLineLength: maxLineLength)
        lineCount = linesBefore
        streamOffset = offset
    }

    /// Feeds the next chunk; `body` receives every line completed by it.
    public mutating func feed(_ chunk: UnsafeRawBufferPointer, _ body: (FramedLine) throws -> Void) rethrows {
        guard let base = chunk.baseAddress?.assumingMemoryBound(to: UInt8.self), chunk.count > 0 else { return }
        let end = chunk.count
        var position = 0
        var lineStart = 0
        defer { streamOffset += Int64(end) }

        while position < end {
            if inBreak {
                let byte = base[position]
                if byte == 0x0D {
                    position += 1
                    continue
                }
                if byte == 0x0A && !breakSawLF {
                    breakSawLF = true
                    position += 1
                    continue
                }
                inBreak = false
                lineStart = position
                lineOffset = streamOffset + Int64(position)
            }
            if atStart {
                atStart = false
                lineStart = position
                lineOffset = streamOffset + Int64(position)
            }
            let special = LineFramer.firstSpecialByte(base, from: position, to: end)
            if special == end {
                // The line continues in the next chunk.
                appendToCarry(base, from: lineStart, to: end)
                position = end
                lineStart = end
                break
            }
            let byte = base[special]
            if byte == 0 {
                nulBytes += 1
                appendToCarry(base, from: lineStart, to: special)
                position = special + 1
                lineStart = position
                continue
            }
            // A line break: LF or CR.
            try emitLine(base, from: lineStart, to: special, body)
            inBreak = true
            breakSawLF = byte == 0x0A
            if byte == 0x0D { crBreaks += 1 }
            position = special + 1
            lineStart = position
        }
    }

    /// Flushes a last line that has no line break after it.
    public mutating func finish(_ body: (FramedLine) throws -> Void) rethrows {
        if usingCarry || discarding {
            let empty = UnsafeRawBufferPointer(start: nil, count: 0)
            try emitLine(empty.baseAddress?.assumingMemoryBound(to: UInt8.self), from: 0, to: 0, body)
        }
        atStart = true
        inBreak = false
    }

    private mutating func appendToCarry(_ base: UnsafePointer<UInt8>, from start: Int, to end: Int) {
        usingCarry = true
        if discarding { return }
        let room = maxLineLength - carry.count
        let count = end - start
        if count > room {
            carry.append(contentsOf: UnsafeBufferPointer(start: base + start, count: room))
            markCut()
        } else if count > 0 {
            carry.append(contentsOf: UnsafeBufferPointer(start: base + start, count: count))
        }
    }

    private mutating func markCut() {
        discarding = true
        lineTruncated = true
        cutLineCount += 1
        if cutLines.count < 100 { cutLines.append((lineCount + 1, lineOffset)) }
    }

    private mutating func emitLine(
        _ base: UnsafePointer<UInt8>?, from start: Int, to end: Int, _ body: (FramedLine) throws -> Void
    ) rethrows {
        let number = lineCount + 1
        defer {
            lineCount = number
            if usingCarry {
                carry.removeAll(keepingCapacity: carry.capacity <= 64 * 1024)
                usingCarry = false
            }
            discarding = false
            lineTruncated = false
        }
        if usingCarry {
            if let base, end > start { appendToCarry(base, from: start, to: end) }
            try carry.withUnsafeBytes { bytes in
                try body(FramedLine(bytes: bytes, number: number, offset: lineOffset, truncated: lineTruncated))
            }
            return
        }
        var length = end - start
        if length > maxLineLength {
            length = maxLineLength
            markCut()
        }
        let bytes = UnsafeRawBufferPointer(start: base.map { $0 + start }, count: length)
        try body(FramedLine(bytes: bytes, number: number, offset: lineOffset, truncated: lineTruncated))
    }

    /// Index of the first LF, CR or NUL byte in `base[from..<to]`, or `to`: a vector search in
    /// C (`CKtriageLineScan`, 32 bytes a step with AVX2), which Swift's `SIMD` types cannot
    /// reach in a build for the baseline x86-64 (SSE2) and compile to slower code (measured).
    @inline(__always)
    static func firstSpecialByte(_ base: UnsafePointer<UInt8>, from: Int, to: Int) -> Int {
        from + cktriage_first_line_break(base + from, to - from)
    }

}
