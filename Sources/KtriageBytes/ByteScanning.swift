/// Small helpers for parsing ASCII fields out of byte buffers without allocating.
///
/// All functions take a buffer and an index and return `nil` rather than trap when the bytes are
/// not there or not what was expected.
public enum ByteScanning {
    /// `0`…`9`.
    @inlinable @inline(__always)
    public static func isDigit(_ byte: UInt8) -> Bool { byte &- UInt8(ascii: "0") < 10 }

    /// The value of one hex digit (`0`…`9`, `a`…`f`, `A`…`F`).
    @inlinable @inline(__always)
    public static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return byte - UInt8(ascii: "A") + 10
        default: return nil
        }
    }

    /// The most hex digits a 64-bit value takes.
    public static let maxHexDigits = 16

    /// Hex digits at `index` (no `0x`): the value, the index after them and how many there were;
    /// `nil` for none or for more than ``maxHexDigits`` (the value would not fit).
    @inlinable
    public static func hexDigits(_ bytes: UnsafeRawBufferPointer, at index: Int) -> (
        value: UInt64, end: Int, digits: Int
    )? {
        guard index >= 0 else { return nil }
        var position = index
        var value: UInt64 = 0
        while position < bytes.count, let digit = hexValue(bytes[position]) {
            guard position - index < maxHexDigits else { return nil }
            value = value << 4 | UInt64(digit)
            position += 1
        }
        return position > index ? (value, position, position - index) : nil
    }

    /// `0x` followed by hex digits at `index`, as ``hexDigits(_:at:)``.
    @inlinable
    public static func prefixedHex(_ bytes: UnsafeRawBufferPointer, at index: Int) -> (value: UInt64, end: Int)? {
        guard hasLiteral(bytes, at: index, "0x"), let (value, end, _) = hexDigits(bytes, at: index + 2) else {
            return nil
        }
        return (value, end)
    }

    /// A whole text that is a hex number, with or without `0x`/`0X` (VMCOREINFO values, command
    /// line offsets): 1 to ``maxHexDigits`` digits and nothing else.
    public static func hexNumber(_ text: some StringProtocol) -> UInt64? {
        var utf8 = Array(text.utf8)
        if utf8.count >= 2, utf8[0] == UInt8(ascii: "0"), (utf8[1] == UInt8(ascii: "x") || utf8[1] == UInt8(ascii: "X"))
        {
            utf8.removeFirst(2)
        }
        return utf8.withUnsafeBytes { bytes in
            guard let (value, end, _) = hexDigits(bytes, at: 0), end == bytes.count else { return nil }
            return value
        }
    }

    /// Parses exactly `count` decimal digits at `index`.
    @inlinable @inline(__always)
    public static func fixedDigits(_ bytes: UnsafeRawBufferPointer, at index: Int, count: Int) -> Int? {
        guard index >= 0, count > 0, index + count <= bytes.count else { return nil }
        var value = 0
        for offset in 0..<count {
            let digit = bytes[index + offset] &- UInt8(ascii: "0")
            guard digit < 10 else { return nil }
            value = value &* 10 &+ Int(digit)
        }
        return value
    }

    /// Parses up to 18 decimal digits at `index`; returns the value and the index after them.
    @inlinable @inline(__always)
    public static func decimal(_ bytes: UnsafeRawBufferPointer, at index: Int) -> (value: Int64, end: Int)? {
        var position = index
        var value: Int64 = 0
        while position < bytes.count, position - index < 18 {
            let digit = bytes[position] &- UInt8(ascii: "0")
            guard digit < 10 else { break }
            value = value &* 10 &+ Int64(digit)  // at most 18 digits: cannot overflow
            position += 1
        }
        return position > index ? (value, position) : nil
    }

    /// Index of the first byte at or after `index` that is not a space.
    @inlinable @inline(__always)
    public static func skipSpaces(_ bytes: UnsafeRawBufferPointer, from index: Int) -> Int {
        var position = index
        while position < bytes.count, bytes[position] == UInt8(ascii: " ") { position += 1 }
        return position
    }

    /// Index of the first `byte` at or after `index`, or `nil`.
    @inlinable @inline(__always)
    public static func find(_ byte: UInt8, in bytes: UnsafeRawBufferPointer, from index: Int) -> Int? {
        var position = index
        while position < bytes.count {
            if bytes[position] == byte { return position }
            position += 1
        }
        return nil
    }

    /// Index of the first `byte` at or after `index`, or `nil`, with `memchr`: the same answer as
    /// `find`, but as fast in a debug build as in a release one (a Swift loop over a 32 MiB log
    /// buffer costs seconds there, and more under AddressSanitizer).
    public static func memchrIndex(_ byte: UInt8, in bytes: UnsafeRawBufferPointer, from index: Int) -> Int? {
        guard index >= 0, index < bytes.count, let base = bytes.baseAddress else { return nil }
        guard let hit = memchr(base + index, Int32(byte), bytes.count - index) else { return nil }
        return base.distance(to: UnsafeRawPointer(hit))
    }

    /// Sets `byteCount` bytes at `destination` to zero with `memset`: the generic
    /// `initializeMemory(as:repeating:count:)` runs one value-witness call per byte in a debug
    /// build, which made zero-filling a dump's missing pages most of a fuzzer's execution.
    public static func zeroFill(_ destination: UnsafeMutableRawPointer, byteCount: Int) {
        guard byteCount > 0 else { return }
        memset(destination, 0, byteCount)
    }

    /// Zeroes every byte of `buffer` (see `zeroFill(_:byteCount:)`).
    public static func zeroFill(_ buffer: UnsafeMutableRawBufferPointer) {
        guard let base = buffer.baseAddress else { return }
        zeroFill(base, byteCount: buffer.count)
    }

    /// Index of the first occurrence of `literal` at or after `index`, or `nil`.
    public static func firstIndex(of literal: StaticString, in bytes: UnsafeRawBufferPointer, from index: Int = 0)
        -> Int?
    {
        guard literal.utf8CodeUnitCount > 0 else { return index }
        let first = literal.utf8Start.pointee
        var start = index
        while let hit = memchrIndex(first, in: bytes, from: start) {
            if hasLiteral(bytes, at: hit, literal) { return hit }
            start = hit + 1
        }
        return nil
    }

    /// Index of the first occurrence of `needle` (bytes known only at run time), or `nil`.
    public static func firstIndex(of needle: [UInt8], in bytes: UnsafeRawBufferPointer) -> Int? {
        guard let first = needle.first, needle.count <= bytes.count else { return nil }
        // Only starts from which the whole needle fits.
        let starts = UnsafeRawBufferPointer(rebasing: bytes[..<(bytes.count - needle.count + 1)])
        var from = 0
        while let hit = memchrIndex(first, in: starts, from: from) {
            var matched = 1
            while matched < needle.count, bytes[hit + matched] == needle[matched] { matched += 1 }
            if matched == needle.count { return hit }
            from = hit + 1
        }
        return nil
    }

    /// Whether `bytes` has `literal` at `index`.
    @inlinable @inline(__always)
    public static func hasLiteral(_ bytes: UnsafeRawBufferPointer, at index: Int, _ literal: StaticString) -> Bool {
        let count = literal.utf8CodeUnitCount
        guard index >= 0, index + count <= bytes.count else { return false }
        let pointer = literal.utf8Start
        for offset in 0..<count where bytes[index + offset] != pointer[offset] { return false }
        return true
    }
}

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif
