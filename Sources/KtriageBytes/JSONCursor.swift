/// A forward cursor over the bytes of one JSON text (one NDJSON line), for readers that decode a
/// few keys of a large object and skip the rest without building values.
///
/// It is deliberately narrow: it accepts the JSON that ktriage writes (integers without fraction
/// or exponent, valid UTF-8, paired surrogate escapes) and answers `nil`/`false` for anything
/// else, valid or not. A caller treats that as "not the simple case" and asks a full decoder, so
/// an odd line is judged exactly as before, only more slowly.
public struct JSONCursor {
    public let bytes: UnsafeRawBufferPointer
    public private(set) var position = 0
    /// Deeper nesting is left to the full decoder.
    public static let maxDepth = 64

    public init(_ bytes: UnsafeRawBufferPointer) {
        self.bytes = bytes
    }

    /// The next byte after whitespace, not consumed.
    public mutating func peek() -> UInt8? {
        skipWhitespace()
        return position < bytes.count ? bytes[position] : nil
    }

    /// Consumes `byte` (after whitespace) if it is next.
    public mutating func consume(_ byte: UInt8) -> Bool {
        guard peek() == byte else { return false }
        position += 1
        return true
    }

    /// Whether only whitespace is left.
    public mutating func atEnd() -> Bool { peek() == nil }

    /// Consumes `null` if it is next.
    public mutating func consumeNull() -> Bool { consumeWord(Self.null) }

    /// A `true` or `false`.
    public mutating func readBool() -> Bool? {
        if consumeWord(Self.trueWord) { return true }
        if consumeWord(Self.falseWord) { return false }
        return nil
    }

    /// An integer written without fraction or exponent that fits in `Int64`.
    public mutating func readInt64() -> Int64? {
        guard peek() != nil else { return nil }
        var negative = false
        if bytes[position] == UInt8(ascii: "-") {
            negative = true
            position += 1
        }
        guard let magnitude = readDigits() else { return nil }
        if negative {
            guard magnitude <= UInt64(Int64.max) + 1 else { return nil }
            return magnitude == UInt64(Int64.max) + 1 ? Int64.min : -Int64(magnitude)
        }
        guard magnitude <= UInt64(Int64.max) else { return nil }
        return Int64(magnitude)
    }

    /// A non-negative integer written without fraction or exponent.
    public mutating func readUInt64() -> UInt64? {
        guard peek() != nil else { return nil }
        return readDigits()
    }

    /// A string's key bytes, for keys without escapes (all of ktriage's); `nil` otherwise.
    public mutating func readKey() -> UnsafeRawBufferPointer? {
        guard consume(UInt8(ascii: "\"")) else { return nil }
        let start = position
        while position < bytes.count {
            let byte = bytes[position]
            if byte == UInt8(ascii: "\"") {
                position += 1
                return UnsafeRawBufferPointer(rebasing: bytes[start..<(position - 1)])
            }
            guard byte >= ASCII.space, byte < 0x80, byte != UInt8(ascii: "\\") else { return nil }
            position += 1
        }
        return nil
    }

    /// A string value, escapes decoded.
    public mutating func readString() -> String? {
        guard consume(UInt8(ascii: "\"")) else { return nil }
        let start = position
        var plain = true
        guard scanString(plain: &plain) else { return nil }
        let body = UnsafeRawBufferPointer(rebasing: bytes[start..<(position - 1)])
        if plain { return String(decoding: body, as: UTF8.self) }
        return Self.unescape(body)
    }

    /// A string value's body, checked as `readString` would, decoded only when asked.
    public mutating func readStringBody() -> JSONStringBody? {
        guard consume(UInt8(ascii: "\"")) else { return nil }
        let start = position
        var plain = true
        guard scanString(plain: &plain) else { return nil }
        let body = JSONStringBody(
            bytes: UnsafeRawBufferPointer(rebasing: bytes[start..<(position - 1)]), escaped: !plain)
        if body.escaped, !Self.escapesAreValid(body.bytes) { return nil }
        return body
    }

    /// Skips a string value, checking it as `readString` would.
    public mutating func skipString() -> Bool {
        guard consume(UInt8(ascii: "\"")) else { return false }
        var plain = true
        let start = position
        guard scanString(plain: &plain) else { return false }
        if plain { return true }
        return Self.escapesAreValid(UnsafeRawBufferPointer(rebasing: bytes[start..<(position - 1)]))
    }

    /// Skips any value (numbers: integers only, as the readers above).
    public mutating func skipValue(depth: Int = 0) -> Bool {
        guard depth < Self.maxDepth, let next = peek() else { return false }
        switch next {
        case UInt8(ascii: "\""):
            return skipString()
        case UInt8(ascii: "{"):
            position += 1
            if consume(UInt8(ascii: "}")) { return true }
            repeat {
                guard skipString(), consume(UInt8(ascii: ":")), skipValue(depth: depth + 1) else { return false }
            } while consume(UInt8(ascii: ","))
            return consume(UInt8(ascii: "}"))
        case UInt8(ascii: "["):
            position += 1
            if consume(UInt8(ascii: "]")) { return true }
            repeat {
                guard skipValue(depth: depth + 1) else { return false }
            } while consume(UInt8(ascii: ","))
            return consume(UInt8(ascii: "]"))
        case UInt8(ascii: "t"), UInt8(ascii: "f"):
            return readBool() != nil
        case UInt8(ascii: "n"):
            return consumeNull()
        default:
            // An integer of `Int64` or, not negative, of `UInt64` (addresses); no fraction.
            let start = position
            if readInt64() != nil { return true }
            position = start
            return readUInt64() != nil
        }
    }

    /// Walks an array, calling `element` for each (it must consume exactly one value).
    public mutating func forEachElement(_ element: (inout JSONCursor) -> Bool) -> Bool {
        guard consume(UInt8(ascii: "[")) else { return false }
        if consume(UInt8(ascii: "]")) { return true }
        repeat {
            guard element(&self) else { return false }
        } while consume(UInt8(ascii: ","))
        return consume(UInt8(ascii: "]"))
    }

    /// Walks an object, calling `member` with each key (the cursor then stands before the value,
    /// which `member` must consume).
    public mutating func forEachMember(_ member: (UnsafeRawBufferPointer, inout JSONCursor) -> Bool) -> Bool {
        guard consume(UInt8(ascii: "{")) else { return false }
        if consume(UInt8(ascii: "}")) { return true }
        repeat {
            guard let key = readKey(), consume(UInt8(ascii: ":")), member(key, &self) else { return false }
        } while consume(UInt8(ascii: ","))
        return consume(UInt8(ascii: "}"))
    }

    // MARK: - Internals

    private static let null: [UInt8] = Array("null".utf8)
    private static let trueWord: [UInt8] = Array("true".utf8)
    private static let falseWord: [UInt8] = Array("false".utf8)

    private mutating func skipWhitespace() {
        while position < bytes.count {
            switch bytes[position] {
            case ASCII.space, ASCII.tab, ASCII.lineFeed, ASCII.carriageReturn: position += 1
            default: return
            }
        }
    }

    private mutating func consumeWord(_ word: [UInt8]) -> Bool {
        guard peek() != nil, bytes.count - position >= word.count else { return false }
        for (index, byte) in word.enumerated() where bytes[position + index] != byte { return false }
        let after = position + word.count
        if after < bytes.count, Self.isWordByte(bytes[after]) { return false }
        position = after
        return true
    }

    private static func isWordByte(_ byte: UInt8) -> Bool {
        (byte | 0x20) >= UInt8(ascii: "a") && (byte | 0x20) <= UInt8(ascii: "z") || ByteScanning.isDigit(byte)
            || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "+")
    }

    /// Digits without a leading zero (a lone `0` is fine) and not followed by a fraction,
    /// exponent or letter; `nil` on overflow.
    private mutating func readDigits() -> UInt64? {
        let start = position
        var value: UInt64 = 0
        while position < bytes.count, ByteScanning.isDigit(bytes[position]) {
            let (times, overflow1) = value.multipliedReportingOverflow(by: 10)
            let (sum, overflow2) = times.addingReportingOverflow(UInt64(bytes[position] - UInt8(ascii: "0")))
            guard !overflow1, !overflow2 else { return nil }
            value = sum
            position += 1
        }
        let count = position - start
        guard count > 0, !(count > 1 && bytes[start] == UInt8(ascii: "0")) else { return nil }
        if position < bytes.count, Self.isWordByte(bytes[position]) { return nil }
        return value
    }

    /// Moves past a string body and its closing quote; `plain` becomes false when it has escapes.
    /// Control bytes and invalid UTF-8 fail.
    private mutating func scanString(plain: inout Bool) -> Bool {
        while position < bytes.count {
            skipOrdinaryBytes()
            guard position < bytes.count else { return false }
            let byte = bytes[position]
            if byte == UInt8(ascii: "\"") {
                position += 1
                return true
            }
            if byte == UInt8(ascii: "\\") {
                plain = false
                guard position + 1 < bytes.count else { return false }
                position += 2
            } else if byte < ASCII.space {
                return false
            } else if byte < 0x80 {
                position += 1
            } else {
                guard let length = Self.utf8SequenceLength(bytes, at: position) else { return false }
                position += length
            }
        }
        return false
    }

    /// Moves past string bytes that need no attention (printable ASCII other than `"` and `\\`),
    /// eight at a time: most of a record is such text.
    @inline(__always)
    private mutating func skipOrdinaryBytes() {
        guard let base = bytes.baseAddress else { return }
        // Sixteen at a time first: record text runs for kilobytes between special bytes. As
        // signed bytes, the control bytes and those of multi-byte UTF-8 are the ones below 0x20.
        let quotes = SIMD16<Int8>(repeating: Int8(UInt8(ascii: "\"")))
        let backslashes = SIMD16<Int8>(repeating: Int8(UInt8(ascii: "\\")))
        let spaces = SIMD16<Int8>(repeating: Int8(ASCII.space))
        while position + 16 <= bytes.count {
            let block = base.loadUnaligned(fromByteOffset: position, as: SIMD16<Int8>.self)
            let special = (block .== quotes) .| (block .== backslashes) .| (block .< spaces)
            if any(special) {
                // Straight to the first special byte (lanes are all ones or all zeros).
                let lanes = unsafeBitCast(special, to: SIMD2<UInt64>.self)
                position +=
                    lanes[0] != 0 ? lanes[0].trailingZeroBitCount / 8 : 8 + lanes[1].trailingZeroBitCount / 8
                return
            }
            position += 16
        }
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        while position + 8 <= bytes.count {
            let word = UInt64(littleEndian: base.loadUnaligned(fromByteOffset: position, as: UInt64.self))
            // A byte is special if it is below 0x20, at or above 0x80, `"` or `\\`: the classic
            // "has a zero byte" test on word ^ byte, and word - 0x20 for the control bytes.
            let quote = word ^ (ones &* UInt64(UInt8(ascii: "\"")))
            let backslash = word ^ (ones &* UInt64(UInt8(ascii: "\\")))
            let special =
                ((quote &- ones) & ~quote) | ((backslash &- ones) & ~backslash) | (word &- ones &* 0x20) | word
            guard special & highs == 0 else { break }
            position += 8
        }
    }

    /// The length of the valid UTF-8 sequence starting at `index` (RFC 3629: no overlongs, no
    /// surrogates, nothing above U+10FFFF), or `nil`.
    static func utf8SequenceLength(_ bytes: UnsafeRawBufferPointer, at index: Int) -> Int? {
        let lead = bytes[index]
        let length: Int
        var low: UInt8 = 0x80
        var high: UInt8 = 0xBF
        switch lead {
        case 0xC2...0xDF: length = 2
        case 0xE0: length = 3; low = 0xA0
        case 0xE1...0xEC, 0xEE...0xEF: length = 3
        case 0xED: length = 3; high = 0x9F
        case 0xF0: length = 4; low = 0x90
        case 0xF1...0xF3: length = 4
        case 0xF4: length = 4; high = 0x8F
        default: return nil
        }
        guard index + length <= bytes.count else { return nil }
        let second = bytes[index + 1]
        guard second >= low, second <= high else { return nil }
        for offset in 2..<length where bytes[index + offset] & 0xC0 != 0x80 { return nil }
        return length
    }

    /// Decodes a string body with escapes; `nil` for an unknown escape, bad hex or an unpaired
    /// surrogate.
    static func unescape(_ body: UnsafeRawBufferPointer) -> String? {
        var scalars = String.UnicodeScalarView()
        var index = 0
        var runStart = 0
        func flushRun(to end: Int) {
            if end > runStart {
                scalars.append(
                    contentsOf: String(decoding: UnsafeRawBufferPointer(rebasing: body[runStart..<end]), as: UTF8.self)
                        .unicodeScalars)
            }
        }
        while index < body.count {
            guard body[index] == UInt8(ascii: "\\") else {
                index += 1
                continue
            }
            flushRun(to: index)
            guard index + 1 < body.count else { return nil }
            let escape = body[index + 1]
            index += 2
            switch escape {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"):
                scalars.append(Unicode.Scalar(escape))
            case UInt8(ascii: "b"): scalars.append("\u{08}")
            case UInt8(ascii: "f"): scalars.append("\u{0C}")
            case UInt8(ascii: "n"): scalars.append("\n")
            case UInt8(ascii: "r"): scalars.append("\r")
            case UInt8(ascii: "t"): scalars.append("\t")
            case UInt8(ascii: "u"):
                guard let unit = hex4(body, at: index) else { return nil }
                index += 4
                if unit >= 0xD800 && unit <= 0xDBFF {
                    guard index + 6 <= body.count, body[index] == UInt8(ascii: "\\"),
                        body[index + 1] == UInt8(ascii: "u"), let low = hex4(body, at: index + 2),
                        low >= 0xDC00 && low <= 0xDFFF
                    else { return nil }
                    index += 6
                    let value = 0x10000 + ((UInt32(unit) - 0xD800) << 10) + (UInt32(low) - 0xDC00)
                    guard let scalar = Unicode.Scalar(value) else { return nil }
                    scalars.append(scalar)
                } else {
                    guard let scalar = Unicode.Scalar(unit) else { return nil }
                    scalars.append(scalar)
                }
            default:
                return nil
            }
            runStart = index
        }
        flushRun(to: body.count)
        return String(scalars)
    }

    /// Whether `unescape` would decode the body, without decoding it.
    static func escapesAreValid(_ body: UnsafeRawBufferPointer) -> Bool {
        var index = 0
        while index < body.count {
            guard body[index] == UInt8(ascii: "\\") else {
                index += 1
                continue
            }
            guard index + 1 < body.count else { return false }
            let escape = body[index + 1]
            index += 2
            switch escape {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"), UInt8(ascii: "f"),
                UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
                continue
            case UInt8(ascii: "u"):
                guard let unit = hex4(body, at: index) else { return false }
                index += 4
                if unit >= 0xD800 && unit <= 0xDBFF {
                    guard index + 6 <= body.count, body[index] == UInt8(ascii: "\\"),
                        body[index + 1] == UInt8(ascii: "u"), let low = hex4(body, at: index + 2),
                        low >= 0xDC00 && low <= 0xDFFF
                    else { return false }
                    index += 6
                } else if unit >= 0xDC00 && unit <= 0xDFFF {
                    return false
                }
            default:
                return false
            }
        }
        return true
    }

    private static func hex4(_ body: UnsafeRawBufferPointer, at index: Int) -> UInt16? {
        guard index + 4 <= body.count else { return nil }
        var value: UInt16 = 0
        for offset in 0..<4 {
            guard let digit = ByteScanning.hexValue(body[index + offset]) else { return nil }
            value = value << 4 | UInt16(digit)
        }
        return value
    }
}

/// The bytes between a JSON string's quotes, already checked.
public struct JSONStringBody {
    public var bytes: UnsafeRawBufferPointer
    public var escaped: Bool

    /// The decoded string (`nil` only for bodies that were not checked).
    public var string: String? {
        escaped ? JSONCursor.unescape(bytes) : String(decoding: bytes, as: UTF8.self)
    }
}
