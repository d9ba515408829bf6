/// Small helpers for parsing ASCII fields out of byte buffers without allocating.
///
/// All functions take a buffer and an index and return `nil` rather than trap when the bytes are
/// not there or not what was expected.
public enum ByteScanning {
    @inlinable @inline(__always)
    public static func isDigit(_ byte: UInt8) -> Bool { byte &- 0x30 < 10 }

    @inlinable @inline(__always)
    public static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case 0x30...0x39: return byte - 0x30
        case 0x61...0x66: return byte - 0x61 + 10
        case 0x41...0x46: return byte - 0x41 + 10
        default: return nil
        }
    }

    /// Parses exactly `count` decimal digits at `index`.
    @inlinable @inline(__always)
    public static func fixedDigits(_ bytes: UnsafeRawBufferPointer, at index: Int, count: Int) -> Int? {
        guard index >= 0, count > 0, index + count <= bytes.count else { return nil }
        var value = 0
        for offset in 0..<count {
            let digit = bytes[index + offset] &- 0x30
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
            let digit = bytes[position] &- 0x30
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
        while position < bytes.count, bytes[position] == 0x20 { position += 1 }
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
