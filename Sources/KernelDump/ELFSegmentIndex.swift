import KtriageBytes

/// `PT_LOAD`s ordered by one of their addresses (physical or virtual), found by binary search;
/// also the modules' text ranges (`FrameNamer`).
///
/// Holds 16 bytes per segment (start address, program header index); everything else is read
/// from the program header table when a segment is used.
struct ELFSegmentIndex {
    struct Entry {
        var start: UInt64
        /// Index in the program header table.
        var header: UInt32
    }

    private let entries: [Entry]
    /// The segment ends in a max tree (leaf `i` at `leaves + i`, node `n`'s children at `2n` and
    /// `2n + 1`), kept only when segments overlap: without overlaps the last segment starting at
    /// or below an address is the only one that can hold it. With them, stepping back over the
    /// segments below (a running maximum of the ends) cost one step per segment for each address
    /// that one huge segment held behind thousands of small ones: quadratic in `PT_LOAD`s.
    private let endTree: [UInt64]?
    private let leaves: Int
    /// One past the highest address of any segment.
    let highestEnd: UInt64

    var isEmpty: Bool { entries.isEmpty }

    /// Orders `entries` by start address (ties in table order).
    /// - Parameter end: one past the last address of the segment with this program header index.
    init(_ entries: consuming [Entry], end: (UInt32) -> UInt64) {
        let entries = Self.sorted(entries)
        var high: UInt64 = 0
        var overlapping = false
        for entry in entries {
            if entry.start < high { overlapping = true }
            high = max(high, end(entry.header))
        }
        var leaves = 1
        while leaves < entries.count { leaves *= 2 }
        self.leaves = leaves
        if overlapping {
            // Unused leaves end at 0, which holds no address.
            var tree = [UInt64](repeating: 0, count: 2 * leaves)
            for (index, entry) in entries.enumerated() { tree[leaves + index] = end(entry.header) }
            for node in stride(from: leaves - 1, through: 1, by: -1) {
                tree[node] = max(tree[2 * node], tree[2 * node + 1])
            }
            endTree = tree
        } else {
            endTree = nil
        }
        self.entries = entries
        highestEnd = high
    }

    /// `entries` ordered by (start, table index), which is what a stable sort by start gives.
    ///
    /// Tables come in long runs: the kernel writes ascending addresses, QEMU `paging=true` writes
    /// the direct map as one descending run of 65,000 pages between a few dozen short ones. The
    /// longest run is kept (reversed if descending), the rest sorted and merged into it: linear
    /// time where a general sort costs several times more.
    static func sorted(_ entries: consuming [Entry]) -> [Entry] {
        func before(_ left: Entry, _ right: Entry) -> Bool {
            left.start < right.start || (left.start == right.start && left.header < right.header)
        }
        entries.withUnsafeMutableBufferPointer { buffer in
            var longest = 0..<0
            var longestDescends = false
            var index = 0
            while index < buffer.count {
                var next = index + 1
                let descends = next < buffer.count && buffer[next].start < buffer[index].start
                if descends {
                    while next < buffer.count && buffer[next].start < buffer[next - 1].start { next += 1 }
                } else {
                    while next < buffer.count && buffer[next].start >= buffer[next - 1].start { next += 1 }
                }
                if next - index > longest.count {
                    longest = index..<next
                    longestDescends = descends
                }
                index = next
            }
            if longestDescends {
                var low = longest.lowerBound
                var high = longest.upperBound - 1
                while low < high {
                    buffer.swapAt(low, high)
                    low += 1
                    high -= 1
                }
            }
            guard longest.count < buffer.count else { return }
            var rest = Array(buffer[..<longest.lowerBound])
            rest += buffer[longest.upperBound...]
            rest.sort(by: before)
            // In place: move the run to the end, then merge from the front; the writes never catch
            // up with the run elements still to be read.
            let runStart = buffer.count - longest.count
            if runStart != longest.lowerBound {
                for offset in (0..<longest.count).reversed() {
                    buffer[runStart + offset] = buffer[longest.lowerBound + offset]
                }
            }
            var fromRun = runStart
            var write = 0
            for entry in rest {
                while fromRun < buffer.count && !before(entry, buffer[fromRun]) {
                    buffer[write] = buffer[fromRun]
                    fromRun += 1
                    write += 1
                }
                buffer[write] = entry
                write += 1
            }
        }
        return entries
    }

    /// The lowest segment start at or above `address`, or nil.
    func firstStart(atOrAbove address: UInt64) -> UInt64? {
        let low = SortedSearch.partitionPoint(in: entries.indices) { entries[$0].start < address }
        return low < entries.count ? entries[low].start : nil
    }

    /// The program header index of a segment holding `address` (the last one in address order
    /// when several do).
    func find(_ address: UInt64, end: (UInt32) -> UInt64) -> UInt32? {
        let index = SortedSearch.partitionPoint(in: entries.indices) { entries[$0].start <= address } - 1
        guard index >= 0 else { return nil }
        guard let endTree else {
            return end(entries[index].header) > address ? entries[index].header : nil
        }
        return Self.lastEnding(after: address, atOrBefore: index, in: endTree, leaves: leaves).map {
            entries[$0].header
        }
    }

    /// The highest leaf at or before `last` whose end lies past `address`: up from `last` to the
    /// first subtree on its left that holds such an end, then down to its rightmost such leaf.
    private static func lastEnding(after address: UInt64, atOrBefore last: Int, in tree: [UInt64], leaves: Int)
        -> Int?
    {
        var node = leaves + last
        if tree[node] > address { return last }
        while true {
            // Up while `node` is a left child: the subtrees on its left are its parent's.
            while node > 1, node % 2 == 0 { node /= 2 }
            if node == 1 { return nil }
            node -= 1
            if tree[node] > address {
                while node < leaves { node = tree[2 * node + 1] > address ? 2 * node + 1 : 2 * node }
                return node - leaves
            }
        }
    }
}
