import KtriageBytes

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Values parsed from JSON before, by their exact bytes: a fleet's records repeat the same few
/// kernel objects, and comparing bytes is cheaper than building the value again. (Call traces
/// were tried too: they repeat too seldom across hosts, with addresses differing per boot, to
/// pay for the copy.)
///
/// A hit needs the same bytes as a value parsed before, so it gives what parsing would; bytes
/// the structural skip rejects are declined (`nil`), as parsing them would be.
struct SpanMemo<Value> {
    private static var slotCount: Int { 1024 }
    private var slots: [(bytes: [UInt8], value: Value)?] = Array(repeating: nil, count: SpanMemo.slotCount)

    /// The value at the cursor, from the memo or from `parse` (which must consume exactly it).
    mutating func read(_ cursor: inout JSONCursor, _ parse: (inout JSONCursor) -> Value?) -> Value? {
        _ = cursor.peek()
        var probe = cursor
        guard probe.skipValue() else { return nil }
        let span = UnsafeRawBufferPointer(rebasing: cursor.bytes[cursor.position..<probe.position])
        let slot = Int(Self.hash(span) % UInt64(Self.slotCount))
        if let cached = slots[slot], cached.bytes.count == span.count,
            cached.bytes.withUnsafeBytes({ memcmp($0.baseAddress!, span.baseAddress!, span.count) == 0 })
        {
            cursor = probe
            return cached.value
        }
        guard let value = parse(&cursor), cursor.position == probe.position else { return nil }
        slots[slot] = (Array(span), value)
        return value
    }

    /// A quick 64-bit hash of the bytes, eight at a time.
    private static func hash(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
        guard let base = bytes.baseAddress else { return 0 }
        var hash: UInt64 = 0x9E37_79B9_7F4A_7C15 ^ UInt64(bytes.count)
        var offset = 0
        while offset + 8 <= bytes.count {
            let word = base.loadUnaligned(fromByteOffset: offset, as: UInt64.self)
            hash = (hash ^ word) &* 0xFF51_AFD7_ED55_8CCD
            hash ^= hash >> 29
            offset += 8
        }
        while offset < bytes.count {
            hash = (hash ^ UInt64(base.load(fromByteOffset: offset, as: UInt8.self))) &* 0x1000_0000_01B3
            offset += 1
        }
        return hash ^ hash >> 32
    }
}
