import KtriageBytes

/// The compact sorted table behind every lookup: one array per field (struct of arrays) and all
/// names in one byte arena, so 100k symbols cost a few megabytes and a binary search touches
/// only the address column.
///
/// Order: ascending address; among aliases (several names at one address) the preferred name
/// sorts last, so "last entry whose address is ≤ x" is the answer without a second walk.
struct SymbolColumns: Sendable {
    var addresses: [UInt64] = []
    /// Size of each symbol: from the ELF table when it had one, else the distance to the next
    /// higher address. 0 only for the highest symbol when nothing says how big it is.
    var sizes: [UInt64] = []
    /// The `nm` type letter (`T`, `t`, `D`, `b`, `W`, …).
    var types: [UInt8] = []
    var nameStarts: [UInt32] = []
    var nameLengths: [UInt16] = []
    var arena: [UInt8] = []
    /// Open-addressing hash over names: slot holds symbol index + 1, 0 is empty.
    var nameSlots: [Int32] = []
    /// True for symbols whose name is shared with another symbol (static functions of the same
    /// name in different files): a name alone does not identify them.
    var sharedName: [Bool] = []

    /// Coarse index over the address column: `buckets[b]` is the first symbol at or above
    /// `bucketBase + b << bucketShift`. A lookup binary-searches one bucket (a handful of
    /// symbols) instead of the whole column: fewer cache misses per lookup.
    var buckets: [UInt32] = []
    var bucketBase: UInt64 = 0
    var bucketShift: UInt64 = 63

    var count: Int { addresses.count }

    /// Builds `buckets` for addresses in `start...end`: about one per symbol, at most 2^16. (Always
    /// 2^16 made a map of a few symbols fill and walk a 256 KB table: most of a debug fuzzer's
    /// execution.)
    mutating func buildBuckets(start: UInt64, end: UInt64) {
        guard end > start, !addresses.isEmpty else { return }
        let span = end - start
        let limit = min(1 << 16, max(64, addresses.count))
        var shift: UInt64 = 12
        while shift < 63, span >> shift >= limit { shift += 1 }
        let bucketCount = Int(span >> shift) + 1
        var table = [UInt32](repeating: 0, count: bucketCount + 1)
        var index = 0
        for bucket in 0...bucketCount {
            let (bucketStart, wrapped) = start.addingReportingOverflow(UInt64(bucket) << shift)
            if wrapped {
                index = addresses.count
            } else {
                while index < addresses.count, addresses[index] < bucketStart { index += 1 }
            }
            table[bucket] = UInt32(truncatingIfNeeded: index)
        }
        buckets = table
        bucketBase = start
        bucketShift = shift
    }

    /// Index of the last symbol whose address is ≤ `address`, or `nil` when `address` is below
    /// the first one.
    @inline(__always)
    func floorIndex(_ address: UInt64) -> Int? {
        addresses.withUnsafeBufferPointer { column in
            var low = 0
            var high = column.count
            if address >= bucketBase, !buckets.isEmpty {
                let bucket = Int(truncatingIfNeeded: (address &- bucketBase) >> bucketShift)
                if bucket &+ 1 < buckets.count {
                    low = Int(buckets[bucket])
                    high = Int(buckets[bucket &+ 1])
                }
            }
            let found = SortedSearch.partitionPoint(in: low..<high) { column[$0] <= address }
            return found == 0 ? nil : found &- 1
        }
    }

    /// The symbol's name decoded from the arena.
    func name(at index: Int) -> String {
        let start = Int(nameStarts[index])
        let length = Int(nameLengths[index])
        return arena.withUnsafeBufferPointer { buffer in
            String(decoding: UnsafeBufferPointer(rebasing: buffer[start..<(start + length)]), as: UTF8.self)
        }
    }

    /// The symbol's name bytes, sharing the arena's storage (no copy).
    @inline(__always)
    func nameSlice(at index: Int) -> ArraySlice<UInt8> {
        let start = Int(nameStarts[index])
        return arena[start..<(start + Int(nameLengths[index]))]
    }

    /// All indices whose name equals `name`, in address order.
    func indices(named name: String) -> [Int] {
        guard !nameSlots.isEmpty else { return [] }
        var key = name
        return key.withUTF8 { nameBytes -> [Int] in
            let mask = nameSlots.count - 1
            var slot = Int(truncatingIfNeeded: SymbolColumns.hash(nameBytes)) & mask
            var found: [Int] = []
            while true {
                let entry = nameSlots[slot]
                if entry == 0 { break }
                let index = Int(entry) - 1
                if nameEquals(index, nameBytes) { found.append(index) }
                slot = (slot + 1) & mask
            }
            return found.sorted()
        }
    }

    func nameEquals(_ index: Int, _ other: UnsafeBufferPointer<UInt8>) -> Bool {
        let length = Int(nameLengths[index])
        guard length == other.count else { return false }
        let start = Int(nameStarts[index])
        return arena.withUnsafeBufferPointer { buffer in
            var offset = 0
            while offset < length {
                if buffer[start + offset] != other[offset] { return false }
                offset += 1
            }
            return true
        }
    }

    /// FNV-1a: cheap, good enough spread for identifier-like names.
    static func hash(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
        var value: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes {
            value = (value ^ UInt64(byte)) &* 0x100_0000_01b3
        }
        return value
    }

    /// Is the symbol's type one of the code letters (`T t W w`)?
    func isText(at index: Int) -> Bool {
        switch types[index] {
        case UInt8(ascii: "T"), UInt8(ascii: "t"), UInt8(ascii: "W"), UInt8(ascii: "w"): return true
        default: return false
        }
    }
}
