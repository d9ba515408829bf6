extension FleetAggregate {
    /// Largest count or id limit a partial read from a file may carry. Far above any fleet, and
    /// low enough that merging up to 32,768 partials cannot overflow `Int`.
    public static let maxPartialCount = 1 << 48

    /// Why a decoded partial could not have been written by `group --format partial`, or `nil`:
    /// counts, id limits and day numbers from a file are checked once here, so that merging
    /// (sums, `prefix(idLimit)`, days × 86,400,000,000 µs) cannot trap on a damaged one.
    var implausibility: String? {
        let range = 0...Self.maxPartialCount
        let counts = Self.summedCounts.map { self[keyPath: $0] } + [idLimit]
        if !counts.allSatisfy(range.contains) { return "a total is out of range" }
        let dayLimit = Int(Int64.max / 86_400_000_000)
        for group in groups.values {
            let groupCounts =
                GroupAggregate.summedCounts.map { group[keyPath: $0] } + [group.idLimit] + Array(group.hosts.values)
                + Array(group.releases.values) + Array(group.hardware.values) + Array(group.bios.values)
                + Array(group.days.values)
            if !groupCounts.allSatisfy(range.contains) { return "a count of group \(group.signature) is out of range" }
            // `add` counts an event as a crash too.
            if group.events > group.crashes { return "group \(group.signature) has more events than crashes" }
            if !group.days.keys.allSatisfy((-dayLimit...dayLimit).contains) {
                return "a day of group \(group.signature) is out of range"
            }
        }
        return nil
    }
}
