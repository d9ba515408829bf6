/// Collects symbols in file order, then sorts them once into `SymbolColumns`.
///
/// Why a separate builder: loaders append in whatever order the file has (System.map is sorted,
/// kallsyms module symbols and ELF tables are not); sorting, alias preference, derived sizes and
/// the name hash are done once here, so every loader gets them right the same way.
struct SymbolColumnsBuilder {
    private var addresses: [UInt64] = []
    private var elfSizes: [UInt64] = []
    private var types: [UInt8] = []
    private var nameStarts: [UInt32] = []
    private var nameLengths: [UInt16] = []
    private var arena: [UInt8] = []

    /// Exact repeats (same address, type and name) dropped by `build`.
    private(set) var droppedDuplicates = 0
    /// Entries that were not in ascending address order in the input.
    private(set) var outOfOrder = 0

    init(expectedCount: Int = 0, expectedNameBytes: Int = 0) {
        addresses.reserveCapacity(expectedCount)
        elfSizes.reserveCapacity(expectedCount)
        types.reserveCapacity(expectedCount)
        nameStarts.reserveCapacity(expectedCount)
        nameLengths.reserveCapacity(expectedCount)
        arena.reserveCapacity(expectedNameBytes)
    }

    var count: Int { addresses.count }

    /// Appends one symbol; names past 65535 bytes are cut there. `size` 0 means unknown.
    mutating func append(address: UInt64, size: UInt64, type: UInt8, name fullName: UnsafeRawBufferPointer) {
        let name = UnsafeRawBufferPointer(rebasing: fullName.prefix(Int(UInt16.max)))
        if let last = addresses.last, address < last { outOfOrder += 1 }
        addresses.append(address)
        elfSizes.append(size)
        types.append(type)
        nameStarts.append(UInt32(truncatingIfNeeded: arena.count))
        nameLengths.append(UInt16(truncatingIfNeeded: name.count))
        arena.append(contentsOf: name)
    }

    mutating func append(address: UInt64, size: UInt64, type: UInt8, name: String) {
        var copy = name
        copy.withUTF8 { bytes in
            append(address: address, size: size, type: type, name: UnsafeRawBufferPointer(bytes))
        }
    }

    /// Sorts, drops exact duplicates, derives sizes and builds the name hash.
    /// - Parameter spanLimit: the end of the region the symbols live in (module end), used as
    ///   the "next address" of the highest symbol; `nil` leaves its span unknown (0).
    mutating func build(spanLimit: UInt64? = nil) -> (columns: SymbolColumns, elfSizes: [UInt64]?) {
        let total = addresses.count
        var order = Array(0..<total)
        // Ties only: the earliest listed alias of equal rank wins, so it must sort last.
        let snapshot = self
        let aliasOrder: (Int, Int) -> Bool = { left, right in
            let leftRank = snapshot.aliasRank(left)
            let rightRank = snapshot.aliasRank(right)
            return leftRank != rightRank ? leftRank < rightRank : left > right
        }
        if outOfOrder > 0 {
            order.sort { left, right in
                let leftAddress = addresses[left]
                let rightAddress = addresses[right]
                return leftAddress != rightAddress ? leftAddress < rightAddress : aliasOrder(left, right)
            }
        } else {
            // Already in address order (System.map is `nm -n` output): only alias groups move.
            var start = 0
            while start < total {
                var end = start + 1
                while end < total, addresses[end] == addresses[start] { end += 1 }
                if end - start > 1 { order[start..<end].sort(by: aliasOrder) }
                start = end
            }
        }
        var columns = SymbolColumns()
        columns.addresses.reserveCapacity(total)
        columns.types.reserveCapacity(total)
        columns.nameStarts.reserveCapacity(total)
        columns.nameLengths.reserveCapacity(total)
        columns.arena = arena
        var keptSizes: [UInt64] = []
        keptSizes.reserveCapacity(total)
        var anyElfSize = false
        for index in order {
            let count = columns.addresses.count
            if count > 0, isExactDuplicate(index, ofKept: count - 1, in: columns) {
                droppedDuplicates += 1
                continue
            }
            columns.addresses.append(addresses[index])
            columns.types.append(types[index])
            columns.nameStarts.append(nameStarts[index])
            columns.nameLengths.append(nameLengths[index])
            keptSizes.append(elfSizes[index])
            if elfSizes[index] != 0 { anyElfSize = true }
        }
        columns.sizes = SymbolColumnsBuilder.derivedSpans(columns.addresses, limit: spanLimit)
        (columns.nameSlots, columns.sharedName) = SymbolColumnsBuilder.nameHash(columns)
        return (columns, anyElfSize ? keptSizes : nil)
    }

    private func isExactDuplicate(_ index: Int, ofKept kept: Int, in columns: SymbolColumns) -> Bool {
        // Exact repeats sort next to each other only if their rank is equal too, which holds:
        // the rank depends on type and name alone. Walk back over the alias group.
        var other = kept
        while other >= 0, columns.addresses[other] == addresses[index] {
            if columns.types[other] == types[index], columns.nameLengths[other] == nameLengths[index],
                sameName(Int(columns.nameStarts[other]), Int(nameStarts[index]), Int(nameLengths[index]))
            {
                return true
            }
            other -= 1
        }
        return false
    }

    private func sameName(_ first: Int, _ second: Int, _ length: Int) -> Bool {
        arena.withUnsafeBufferPointer { buffer in
            var offset = 0
            while offset < length {
                if buffer[first + offset] != buffer[second + offset] { return false }
                offset += 1
            }
            return true
        }
    }

    /// Which alias to show for an address, as the kernel's `scripts/kallsyms` orders them: not
    /// weak, not a linker-script marker (`__start_x`, `__foo_end`), fewest leading
    /// underscores. Higher is preferred.
    private func aliasRank(_ index: Int) -> UInt32 {
        let type = types[index]
        let weak: UInt32 =
            (type == UInt8(ascii: "W") || type == UInt8(ascii: "w") || type == UInt8(ascii: "V")
                || type == UInt8(ascii: "v")) ? 0 : 1
        let start = Int(nameStarts[index])
        let length = Int(nameLengths[index])
        return arena.withUnsafeBufferPointer { buffer -> UInt32 in
            let name = UnsafeBufferPointer(rebasing: buffer[start..<(start + length)])
            let marker: UInt32 = SymbolColumnsBuilder.looksLikeLinkerMarker(name) ? 0 : 1
            var underscores = 0
            while underscores < name.count, name[underscores] == UInt8(ascii: "_") { underscores += 1 }
            return weak << 16 | marker << 8 | UInt32(255 - min(underscores, 255))
        }
    }

    static func looksLikeLinkerMarker(_ name: UnsafeBufferPointer<UInt8>) -> Bool {
        func hasPrefix(_ prefix: StaticString) -> Bool {
            let count = prefix.utf8CodeUnitCount
            guard name.count >= count else { return false }
            return prefix.withUTF8Buffer { prefixBytes in
                var offset = 0
                while offset < count {
                    if name[offset] != prefixBytes[offset] { return false }
                    offset += 1
                }
                return true
            }
        }
        func hasSuffix(_ suffix: StaticString) -> Bool {
            let count = suffix.utf8CodeUnitCount
            guard name.count >= count else { return false }
            let base = name.count - count
            return suffix.withUTF8Buffer { suffixBytes in
                var offset = 0
                while offset < count {
                    if name[base + offset] != suffixBytes[offset] { return false }
                    offset += 1
                }
                return true
            }
        }
        guard name.count >= 8, hasPrefix("__") else { return false }
        return hasPrefix("__start_") || hasPrefix("__stop_") || hasPrefix("__end_") || hasSuffix("_start")
            || hasSuffix("_end")
    }

    /// Distance from each address to the next higher one (what the kernel prints after `/`).
    static func derivedSpans(_ addresses: [UInt64], limit: UInt64?) -> [UInt64] {
        var spans = [UInt64](repeating: 0, count: addresses.count)
        var next: UInt64? = limit
        var index = addresses.count - 1
        while index >= 0 {
            let address = addresses[index]
            if let upper = next, upper > address { spans[index] = upper - address }
            if index > 0, addresses[index - 1] != address { next = address }
            index -= 1
        }
        return spans
    }

    /// Builds the name hash and, on the way, marks names that occur more than once.
    static func nameHash(_ columns: SymbolColumns) -> (slots: [Int32], shared: [Bool]) {
        var capacity = 16
        while capacity < columns.count * 2 { capacity <<= 1 }
        var slots = [Int32](repeating: 0, count: capacity)
        var shared = [Bool](repeating: false, count: columns.count)
        let mask = capacity - 1
        columns.arena.withUnsafeBufferPointer { arena in
            for index in 0..<columns.count {
                let start = Int(columns.nameStarts[index])
                let length = Int(columns.nameLengths[index])
                let name = UnsafeBufferPointer(rebasing: arena[start..<(start + length)])
                var slot = Int(truncatingIfNeeded: SymbolColumns.hash(name)) & mask
                while slots[slot] != 0 {
                    let other = Int(slots[slot]) - 1
                    if columns.nameEquals(other, name) {
                        shared[other] = true
                        shared[index] = true
                    }
                    slot = (slot + 1) & mask
                }
                slots[slot] = Int32(index + 1)
            }
        }
        return (slots, shared)
    }
}
