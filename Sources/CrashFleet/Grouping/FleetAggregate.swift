import KernelFacts
import KernelLog

/// Everything grouping knows about a fleet, as a mergeable partial: the groups, what every host
/// was seen to run, and the counts of what was read and what was wrong with it.
///
/// One input, one shard or the whole fleet: the same type. `merge` is associative and
/// commutative, so `group` over shards and then merging gives the result of one run over all.
public struct FleetAggregate: Codable, Sendable, Equatable {
    /// 2: groups count their `events` (record class); partials of schema 1 are refused.
    public static let schemaVersion = 2

    public var schema = FleetAggregate.schemaVersion
    /// Groups by signature and rule version.
    public var groups: [GroupKey: GroupAggregate] = [:]
    /// What every host was seen to run (from `hostTable`, which holds it compactly).
    public var hosts: [String: HostFacts] { hostTable.facts }
    public var inputs = 0
    public var unreadableInputs = 0
    /// Primary reports grouped (follow-ups not counted).
    public var records = 0
    public var followUps = 0
    /// Follow-ups whose primary report was not among the records (counted, not grouped).
    public var orphanFollowUps = 0
    public var futureClock = 0
    /// The hosts whose reports were stamped in the future (their clocks need fixing).
    public var futureClockHosts: Set<String> = []
    public var withoutRelease = 0
    /// Reports outside `--since`/`--until` (or without a wall clock when filtering).
    public var filteredOut = 0
    /// The same record id seen again (the same crash in two inputs): counted once.
    public var duplicates = 0
    /// Record ids found in both of two merged aggregates (at least: only the ids a group lists,
    /// `idLimit` of them, are compared). Partials of overlapping inputs count such a crash once
    /// per partial; `group --merge` warns. Not part of a partial.
    public var overlappingRecords = 0
    /// Messages about inputs that could not be read, in input order (at most 1000 kept).
    public var errors: [String] = []
    public var idLimit: Int
    /// Every host seen, with the attribute sets its reports and boot lines gave it.
    var hostTable = GroupHostTable()
    /// Per host, the fingerprint of the attributes last added to `hostTable` (adding them again
    /// changes nothing), and the attribute sets of recent records, shared by every group.
    var lastRecorded = WorkCache(value: [UInt32: UInt64]())
    var attributeSets = WorkCache(value: AttributeSetCache())
    var hardwareNames = WorkCache(value: [String: HardwareName]())
    /// The counts of the partials merged in so far, summed: merging stops short of `maxMergedTotal`.
    var mergedCountTotal = MergedCountTotal()

    public init(idLimit: Int = 10_000) {
        self.idLimit = idLimit
    }

    /// Adds the records of one input (or one input's part of an NDJSON stream). `linkedTo`
    /// indexes refer to positions in `records`; follow-ups count in their primary's group.
    /// `seen` holds the ids already added, so the same crash from two inputs counts once.
    public mutating func add(
        records: [CrashRecord], defaultHost: String, context: GroupingContext, seen: inout Set<String>
    ) {
        var links = InputLinks()
        for record in records {
            add(record, defaultHost: defaultHost, context: context, seen: &seen, links: &links)
        }
    }

    /// Adds the next record of one input, as `add(records:)` does for each; `links` carries what
    /// the input's earlier records were. Returns whether the record became its group's
    /// representative (a caller that added a grouping view then completes it at the end).
    @discardableResult
    public mutating func add(
        _ record: CrashRecord, defaultHost: String, context: GroupingContext, seen: inout Set<String>,
        links: inout InputLinks
    ) -> Bool {
        add(
            record, defaultHost: defaultHost, context: context, firstSighting: { seen.insert($0).inserted },
            links: &links)
    }

    /// `add(_:defaultHost:context:seen:links:)` with the set of ids seen behind `firstSighting`
    /// (which answers whether an id is new, and remembers it).
    @discardableResult
    mutating func add(
        _ record: CrashRecord, defaultHost: String, context: GroupingContext, firstSighting: (String) -> Bool,
        links: inout InputLinks
    ) -> Bool {
        if let link = record.linkedTo {
            links.groups.append(nil)
            followUps += 1
            if link >= 0, link < links.groups.count, let key = links.groups[link] {
                groups[key]?.followUps += 1
            } else {
                orphanFollowUps += 1
            }
            return false
        }
        guard context.admits(wallMicros: record.time.wallMicros) else {
            filteredOut += 1
            links.groups.append(nil)
            return false
        }
        let host = record.host ?? (record.file.map(HostNaming.host(forPath:)) ?? defaultHost)
        let id = RecordIdentity.id(of: record, host: host)
        guard firstSighting(id) else {
            duplicates += 1
            links.groups.append(nil)
            return false
        }
        links.groups.append(GroupKey(signature: record.signature, version: record.signatureVersion))
        return add(record, id: id, host: host, context: context)
    }

    /// Adds one primary report whose id and host are known; returns whether it became its
    /// group's representative.
    @discardableResult
    public mutating func add(_ record: CrashRecord, id: String, host: String, context: GroupingContext) -> Bool {
        records += 1
        if record.kernel == nil { withoutRelease += 1 }
        if let wall = record.time.wallMicros, wall > context.nowMicros {
            futureClock += 1
            futureClockHosts.insert(host)
        }
        let attributes = RecordAttributes(record, hardwareNames: &hardwareNames.value)
        let hostSet = attributeSets.value.set(for: attributes)
        let hostNumber = HostNames.shared.number(of: host)
        let key = GroupKey(signature: record.signature, version: record.signatureVersion)
        let representative = groups[
            key,
            default: GroupAggregate(
                signature: record.signature, signatureVersion: record.signatureVersion, idLimit: idLimit,
                registry: hostTable.registry)
        ]
        .add(
            record, attributes: attributes, hostSet: hostSet, id: id, host: host, hostNumber: hostNumber,
            context: context)
        if lastRecorded.value.updateValue(attributes.fingerprint, forKey: hostNumber) != attributes.fingerprint {
            hostTable.addFacts(host: hostNumber, attributes: hostSet)
        }
        return representative
    }

    /// What a report says about its host: kernel, hardware, BIOS, taint, modules.
    public static func collectFacts(of record: CrashRecord, into facts: inout HostFacts) {
        RecordAttributes(record).apply(to: &facts)
    }

    /// Adds host attributes seen in an input's lines.
    public mutating func add(hostFacts: [String: HostFacts]) {
        for (host, facts) in hostFacts {
            hostTable.addFacts(host: HostNames.shared.number(of: host), attributes: HostAttributeSet(facts))
        }
    }

    /// Records that an input could not be read (fully).
    public mutating func addError(_ message: String, unreadable: Bool) {
        if unreadable { unreadableInputs += 1 }
        if errors.count < 1000 { errors.append(message) }
    }

    /// The totals a partial carries that `merge` adds up; `plausibleCountTotal` checks the same list.
    static let summedCounts: [WritableKeyPath<FleetAggregate, Int> & Sendable] = [
        \.inputs, \.unreadableInputs, \.records, \.followUps, \.orphanFollowUps, \.futureClock, \.withoutRelease,
        \.duplicates, \.filteredOut,
    ]

    /// Folds another partial into this one. Each partial read is bounded (`maxPartialTotal`),
    /// but not how many are merged: one that would take the merged counts past `maxMergedTotal`
    /// (32,768 at the bound would pass Int.max) is left out, and the aggregate says so in `errors`.
    /// `source` names the partial in that error (its file, for `group --merge`).
    public mutating func merge(_ other: FleetAggregate, source: String? = nil) {
        let (mergedTotal, overflow) = mergedCountTotal.value.addingReportingOverflow(other.mergedCountTotal.value)
        guard !overflow, mergedTotal <= Self.maxMergedTotal else {
            addError(
                (source.map { "\($0): " } ?? "")
                    + "a partial was not merged: its counts and those merged before total more than \(Self.maxMergedTotal)",
                unreadable: false)
            return
        }
        mergedCountTotal.value = mergedTotal
        for (key, group) in other.groups {
            if var mine = groups[key] {
                overlappingRecords += mine.merge(group)
                groups[key] = mine
            } else {
                groups[key] = group
            }
        }
        hostTable.merge(other.hostTable)
        for count in Self.summedCounts { self[keyPath: count] += other[keyPath: count] }
        futureClockHosts.formUnion(other.futureClockHosts)
        overlappingRecords += other.overlappingRecords
        idLimit = min(idLimit, other.idLimit)
        for error in other.errors where errors.count < 1000 { errors.append(error) }
    }

    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        schema = try container.decode(Int.self, forKey: .schema)
        groups = try container.decode([GroupKey: GroupAggregate].self, forKey: .groups)
        let hostFacts = try container.decode([String: HostFacts].self, forKey: .hosts)
        inputs = try container.decode(Int.self, forKey: .inputs)
        unreadableInputs = try container.decode(Int.self, forKey: .unreadableInputs)
        records = try container.decode(Int.self, forKey: .records)
        followUps = try container.decode(Int.self, forKey: .followUps)
        orphanFollowUps = try container.decode(Int.self, forKey: .orphanFollowUps)
        futureClock = try container.decode(Int.self, forKey: .futureClock)
        futureClockHosts = try container.decode(Set<String>.self, forKey: .futureClockHosts)
        withoutRelease = try container.decode(Int.self, forKey: .withoutRelease)
        filteredOut = try container.decode(Int.self, forKey: .filteredOut)
        duplicates = try container.decode(Int.self, forKey: .duplicates)
        errors = try container.decode([String].self, forKey: .errors)
        idLimit = try container.decode(Int.self, forKey: .idLimit)
        add(hostFacts: hostFacts)
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(schema, forKey: .schema)
        try container.encode(groups, forKey: .groups)
        try container.encode(hosts, forKey: .hosts)
        try container.encode(inputs, forKey: .inputs)
        try container.encode(unreadableInputs, forKey: .unreadableInputs)
        try container.encode(records, forKey: .records)
        try container.encode(followUps, forKey: .followUps)
        try container.encode(orphanFollowUps, forKey: .orphanFollowUps)
        try container.encode(futureClock, forKey: .futureClock)
        // Sorted: a set's order changes from one process to the next.
        try container.encode(futureClockHosts.sorted(), forKey: .futureClockHosts)
        try container.encode(withoutRelease, forKey: .withoutRelease)
        try container.encode(filteredOut, forKey: .filteredOut)
        try container.encode(duplicates, forKey: .duplicates)
        try container.encode(errors, forKey: .errors)
        try container.encode(idLimit, forKey: .idLimit)
    }

    enum CodingKeys: String, CodingKey {
        case schema, groups, hosts, inputs
        case unreadableInputs = "unreadable_inputs"
        case records
        case followUps = "follow_ups"
        case orphanFollowUps = "orphan_follow_ups"
        case futureClock = "future_clock"
        case futureClockHosts = "future_clock_hosts"
        case withoutRelease = "without_release"
        case filteredOut = "filtered_out"
        case duplicates, errors
        case idLimit = "id_limit"
    }
}

/// The groups of one input's records so far, by position (`nil`: not grouped), so a follow-up
/// (`linked_to`) counts in the group of the report it followed.
public struct InputLinks: Sendable {
    var groups: [GroupKey?] = []

    public init() {}
}

/// A group's key: the signature and the version of the rules that made it.
public struct GroupKey: Hashable, Codable, Sendable {
    public var signature: String
    public var version: Int

    public init(signature: String, version: Int) {
        self.signature = signature
        self.version = version
    }
}
