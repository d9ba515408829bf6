#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A copy of one line's wrapper bytes, kept in a fixed buffer: one `memcpy` per declined line,
/// converted only if it is still the last when asked.
struct SavedPrefix {
    static let capacity = 256
    private var bytes = [UInt8](repeating: 0, count: SavedPrefix.capacity)
    private var length = 0

    /// Keeps `prefix` (at most `capacity` bytes; a longer one is not kept).
    mutating func save(_ prefix: UnsafeRawBufferPointer) {
        guard prefix.count <= Self.capacity, let from = prefix.baseAddress else {
            length = 0
            return
        }
        bytes.withUnsafeMutableBytes { to in
            if let base = to.baseAddress { memcpy(base, from, prefix.count) }
        }
        length = prefix.count
    }

    /// Converts the kept wrapper, if any, and forgets it.
    mutating func take<Value>(_ convert: (UnsafeRawBufferPointer) -> Value?) -> Value? {
        guard length > 0 else { return nil }
        let count = length
        length = 0
        return bytes.withUnsafeBytes { convert(UnsafeRawBufferPointer(rebasing: $0[..<count])) }
    }
}
