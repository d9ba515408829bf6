/// A dump being mutated: its bytes with little- or big-endian integer access that ignores
/// out-of-range offsets (a mutated header may point anywhere).
struct DumpImage {
    var bytes: [UInt8]

    func read(_ offset: Int, width: Int, bigEndian: Bool = false) -> UInt64? {
        guard offset >= 0, width > 0, width <= 8, offset <= bytes.count - width else { return nil }
        var value: UInt64 = 0
        for index in 0..<width {
            let byte = UInt64(bytes[offset + (bigEndian ? index : width - 1 - index)])
            value = value << 8 | byte
        }
        return value
    }

    mutating func write(_ value: UInt64, at offset: Int, width: Int, bigEndian: Bool = false) {
        guard offset >= 0, width > 0, width <= 8, offset <= bytes.count - width else { return }
        for index in 0..<width {
            let byte = UInt8(truncatingIfNeeded: value >> (8 * UInt64(index)))
            bytes[offset + (bigEndian ? width - 1 - index : index)] = byte
        }
    }

    /// A header or table field: where it lies and how wide it is.
    struct Field {
        var offset: Int
        var width: Int
        var bigEndian = false
    }
}
