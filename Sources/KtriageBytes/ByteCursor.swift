/// A bounds-checked reader over bytes, for binary formats (vmcore headers, notes, descriptors).
///
/// Every accessor comes as a pair: `peek…(at:)` reads at an absolute index without moving, `read…`
/// consumes at `position` and advances. Both return `nil` when not enough bytes are there — short
/// input is normal, not a trap. `expect…` variants throw a `ByteCursorError` that names the field
/// being read and the file offset where it started, for messages like
/// `vmcore: sub-header field 'offset_vmcoreinfo' at byte 4104: needs 8 bytes, 3 left`.
public struct ByteCursor {
    /// Byte order of multi-byte integers.
    public enum Endianness: Sendable { case little, big }

    /// The bytes being read. They must outlive the cursor.
    public let bytes: UnsafeRawBufferPointer
    /// Offset of `bytes[0]` in the file, so errors can give file offsets.
    public let baseOffset: Int
    /// Next byte to read (relative to `bytes`).
    public var position: Int
    public var endianness: Endianness

    public init(_ bytes: UnsafeRawBufferPointer, baseOffset: Int = 0, endianness: Endianness = .little) {
        self.bytes = bytes
        self.baseOffset = baseOffset
        self.position = 0
        self.endianness = endianness
    }

    /// Bytes left after `position`.
    public var remaining: Int { bytes.count - position }

    /// Reads an integer at `index` without moving; `nil` if it does not fit.
    @inlinable
    public func peekInteger<T: FixedWidthInteger>(at index: Int, as type: T.Type = T.self) -> T? {
        let size = MemoryLayout<T>.size
        guard index >= 0, index <= bytes.count - size else { return nil }
        let raw = bytes.loadUnaligned(fromByteOffset: index, as: T.self)
        switch endianness {
        case .little: return T(littleEndian: raw)
        case .big: return T(bigEndian: raw)
        }
    }

    /// Reads an integer at `position` and advances; `nil` (without moving) if it does not fit.
    @inlinable
    public mutating func readInteger<T: FixedWidthInteger>(as type: T.Type = T.self) -> T? {
        guard let value = peekInteger(at: position, as: T.self) else { return nil }
        position += MemoryLayout<T>.size
        return value
    }

    /// `count` bytes at `index` without moving; `nil` if they do not fit.
    public func peekBytes(at index: Int, count: Int) -> UnsafeRawBufferPointer? {
        guard index >= 0, count >= 0, index <= bytes.count, count <= bytes.count - index else { return nil }
        return UnsafeRawBufferPointer(rebasing: bytes[index..<(index + count)])
    }

    /// `count` bytes at `position`, advancing; `nil` (without moving) if they do not fit.
    public mutating func readBytes(count: Int) -> UnsafeRawBufferPointer? {
        guard let slice = peekBytes(at: position, count: count) else { return nil }
        position += count
        return slice
    }

    /// Moves `position` by `count` bytes; `false` (without moving) past the end.
    @discardableResult
    public mutating func skip(_ count: Int) -> Bool {
        guard count >= 0, count <= remaining else { return false }
        position += count
        return true
    }

    /// A fixed-size string field (NUL-padded, like utsname members), decoded leniently.
    public func peekString(at index: Int, count: Int) -> String? {
        guard let raw = peekBytes(at: index, count: count) else { return nil }
        return String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
    }

    /// Reads an integer or throws an error that names `field` and its file offset.
    public mutating func expectInteger<T: FixedWidthInteger>(
        _ field: String, as type: T.Type = T.self
    ) throws(ByteCursorError) -> T {
        guard let value = readInteger(as: T.self) else {
            throw ByteCursorError(
                field: field, offset: baseOffset + position, needed: MemoryLayout<T>.size,
                available: max(0, remaining))
        }
        return value
    }

    /// Reads bytes or throws an error that names `field` and its file offset.
    public mutating func expectBytes(_ field: String, count: Int) throws(ByteCursorError)
        -> UnsafeRawBufferPointer
    {
        guard let value = readBytes(count: count) else {
            throw ByteCursorError(
                field: field, offset: baseOffset + position, needed: count, available: max(0, remaining))
        }
        return value
    }
}

/// A field that could not be read because the input ends (or is shorter than the field).
public struct ByteCursorError: Error, Sendable, Equatable, CustomStringConvertible {
    public var field: String
    /// File offset where the field starts.
    public var offset: Int
    public var needed: Int
    public var available: Int

    public init(field: String, offset: Int, needed: Int, available: Int) {
        self.field = field
        self.offset = offset
        self.needed = needed
        self.available = available
    }

    public var description: String {
        "field '\(field)' at byte \(offset): needs \(needed) bytes, \(available) left"
    }
}
