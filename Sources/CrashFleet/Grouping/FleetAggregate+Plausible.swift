extension FleetAggregate {
    /// Largest count or id limit a partial read from a file may carry. Far above any fleet.
    public static let maxPartialCount = 1 << 48
    /// Largest sum of every count one partial carries (its totals, and each group's counts and
    /// the values of its hosts, releases, hardware, BIOS and days tables). A summary adds counts
    /// across groups (records, events, crashes per release): 32,768 groups at `maxPartialCount`
    /// each passed Int.max there, though every count was in range.
    public static let maxPartialTotal = 1 << 52
    /// Largest sum of the partials' totals merged into one aggregate: nothing bounds how many
    /// partials are merged, and below this any sum of the aggregate's counts fits in `Int`.
    public static let maxMergedTotal = 1 << 62

    /// The sum of every count a decoded partial carries (as `maxPartialTotal` lists them), and
    /// why it could not have been written by `group --format partial` when it could not (the
    /// total is then meaningless): counts, id limits and day numbers from a file are checked once
    /// here, so that merging (sums, `prefix(idLimit)`, days × 86,400,000,000 µs) and summing
    /// cannot trap on a damaged one.
    func plausibleCountTotal() -> (total: Int, implausibility: String?) {
        let range = 0...Self.maxPartialCount
        var total = 0
        /// Adds counts that are each in `range`; false past `maxPartialTotal`.
        func add(_ counts: [Int]) -> Bool {
            for count in counts {
                total += count
                if total > Self.maxPartialTotal { return false }
            }
            return true
        }
        let counts = Self.summedCounts.map { self[keyPath: $0] }
        if !(counts + [idLimit]).allSatisfy(range.contains) { return (0, "a total is out of range") }
        let totalTooLarge = "its counts total more than \(Self.maxPartialTotal)"
        if !add(counts) { return (0, totalTooLarge) }
        let dayLimit = Int(Int64.max / 86_400_000_000)
        for group in groups.values {
            let groupCounts = GroupAggregate.summedCounts.map { group[keyPath: $0] } + group.tableCounts
            if !(groupCounts + [group.idLimit]).allSatisfy(range.contains) {
                return (0, "a count of group \(group.signature) is out of range")
            }
            // `add` counts an event as a crash too.
            if group.events > group.crashes { return (0, "group \(group.signature) has more events than crashes") }
            if !group.days.keys.allSatisfy((-dayLimit...dayLimit).contains) {
                return (0, "a day of group \(group.signature) is out of range")
            }
            if !add(groupCounts) { return (0, totalTooLarge) }
        }
        return (total, nil)
    }
}

extension GroupAggregate {
    /// The values of the group's tables: crashes per host, release, hardware, BIOS and day.
    var tableCounts: [Int] {
        hostTable.crashCounts + Array(releases.values) + Array(hardware.values) + Array(bios.values)
            + Array(days.values)
    }
}

/// The sum of the counts of the partials merged into an aggregate (`FleetAggregate.countTotal`
/// of each, as read). Not part of equality or coding: a partial written from the aggregate is
/// checked anew when it is read.
struct MergedCountTotal: Equatable, Sendable {
    var value = 0
    static func == (_: MergedCountTotal, _: MergedCountTotal) -> Bool { true }
}
