/// Binary search over sorted tables (symbols, ORC entries, segments, records, time-zone
/// transitions, ids): the one search every "last entry at or below an address" lookup uses.
public enum SortedSearch {
    /// The first index of `range` for which `isBefore` is false, where `isBefore` holds for a
    /// prefix of the range and not after it (the partition point); `range.upperBound` when it
    /// holds everywhere. "The last entry at or below `x`" is the partition point of `entry <= x`,
    /// minus one.
    @inlinable @inline(__always)
    public static func partitionPoint(in range: Range<Int>, where isBefore: (Int) -> Bool) -> Int {
        var low = range.lowerBound
        var high = range.upperBound
        while low < high {
            // No overflow: both are valid indices, so their distance fits.
            let middle = low &+ (high &- low) >> 1
            if isBefore(middle) { low = middle &+ 1 } else { high = middle }
        }
        return low
    }
}
