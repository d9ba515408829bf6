import KernelLog

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The partial statistics of one signature group: built from records, merged with other
/// partials. Every field merges associatively and commutatively (sums, unions, intersections,
/// minima, maxima, smallest-N id lists), so shards can be grouped apart and combined in any order
/// with the same result as one run over everything.
public struct GroupAggregate: Codable, Sendable, Equatable {
    public var signature: String
    public var signatureVersion: Int
    /// Crash reports, not counting follow-ups.
    public var crashes = 0
    /// Of `crashes`, the records of class `event` (node-health events).
    public var events = 0
    /// Reports that followed one of this group's crashes inside its trace (counted once, here).
    public var followUps = 0
    public var corrupted = 0
    public var panicked = 0
    /// Reports stamped later than the grouping's `now` (a host clock in the future): counted,
    /// but kept out of first/last seen and the timeline.
    public var futureClock = 0
    public var withoutRelease = 0
    public var withoutWallClock = 0
    /// Crashes per host.
    public var hosts: [String: Int] { hostTable.crashesPerHost }
    /// Crashes per kernel release (`unknown` when the report names none).
    public var releases: [String: Int] = [:]
    public var hardware: [String: Int] = [:]
    public var bios: [String: Int] = [:]
    /// Union of the taint letters seen.
    public var taintLetters: Set<String> = []
    /// Modules loaded in every report that lists modules; `nil` until one does.
    public var modulesInEvery: Set<String>?
    /// Reliable frame functions present in every report with a trace; `nil` until one has one.
    public var sharedFrames: Set<String>?
    /// Wall clock of the first and last crash, microseconds since the epoch.
    public var firstSeen: Int64?
    public var lastSeen: Int64?
    /// Crashes per UTC day (days since 1970-01-01).
    public var days: [Int: Int] = [:]
    /// Per category and value (`kernel` → `6.1.0-18-amd64`): the hosts that had it when crashing.
    public var attributeHosts: [String: [String: Set<String>]] { hostTable.attributeHosts }
    /// Per attribute category: the hosts whose reports said anything about it.
    public var categoryHosts: [String: Set<String>] { hostTable.categoryHosts }
    /// The smallest record ids (at most `idLimit`), so lists from shards merge to the same list.
    public var recordIDs: RecordIDList { idList.sorted() }
    /// `recordIDs`, with the ids added since it was last sorted.
    var idList = RecordIDList()
    public var idLimit: Int
    /// The report shown for the group: the least damaged one, ties broken by id.
    public var representative: CrashRecord?
    public var representativeID: String?
    /// Crashes per host and what the reports said about each.
    var hostTable = GroupHostTable()

    public init(signature: String, signatureVersion: Int, idLimit: Int = 10_000) {
        self.signature = signature
        self.signatureVersion = signatureVersion
        self.idLimit = idLimit
    }

    /// A group of a fleet: its host table numbers attribute sets in the fleet's `registry`.
    init(signature: String, signatureVersion: Int, idLimit: Int, registry: HostAttributeSets) {
        self.init(signature: signature, signatureVersion: signatureVersion, idLimit: idLimit)
        hostTable = GroupHostTable(registry: registry)
    }

    /// The group key: signature and the version of the rules that made it.
    public var key: String { GroupAggregate.key(signature: signature, version: signatureVersion) }

    public static func key(signature: String, version: Int) -> String { "\(signature)/v\(version)" }

    /// The report's title (from the representative).
    public var title: String { representative?.title ?? "" }

    /// Adds one primary (not follow-up) report.
    public mutating func add(_ record: CrashRecord, id: String, host: String, context: GroupingContext) {
        let attributes = RecordAttributes(record)
        add(
            record, attributes: attributes, hostSet: HostAttributeSet(attributes), id: id, host: host,
            hostNumber: HostNames.shared.number(of: host), context: context)
    }

    /// Returns whether the record became the representative.
    @discardableResult
    mutating func add(
        _ record: CrashRecord, attributes: RecordAttributes, hostSet: HostAttributeSet, id: String, host: String,
        hostNumber: UInt32, context: GroupingContext
    ) -> Bool {
        crashes += 1
        if record.recordClass == .event { events += 1 }
        if record.corrupted { corrupted += 1 }
        if record.panicked { panicked += 1 }
        hostTable.addCrash(host: hostNumber, attributes: hostSet)
        releases[attributes.release ?? "unknown", default: 0] += 1
        if attributes.release == nil { withoutRelease += 1 }
        if let name = attributes.hardware { hardware[name, default: 0] += 1 }
        if let value = attributes.bios { bios[value, default: 0] += 1 }
        for letter in attributes.taintLetters ?? [] { taintLetters.insert(letter) }
        if !attributes.modules.isEmpty {
            if let current = modulesInEvery {
                if !current.allSatisfy(attributes.modules.contains) {
                    modulesInEvery = current.filter(attributes.modules.contains)
                }
            } else {
                modulesInEvery = Set(attributes.modules)
            }
        }
        if sharedFrames.map({ !$0.isEmpty }) ?? true, !record.frames.isEmpty {
            var functions: [String] = []
            functions.reserveCapacity(24)
            for frame in record.frames where frame.reliable {
                functions.append(frame.function)
                if functions.count == 24 { break }
            }
            if !functions.isEmpty {
                if let current = sharedFrames {
                    if !current.allSatisfy(functions.contains) { sharedFrames = current.filter(functions.contains) }
                } else {
                    sharedFrames = Set(functions)
                }
            }
        }
        if let wall = record.time.wallMicros {
            if wall > context.nowMicros {
                futureClock += 1
            } else {
                firstSeen = min(firstSeen ?? wall, wall)
                lastSeen = max(lastSeen ?? wall, wall)
                days[FleetTime.dayNumber(micros: wall), default: 0] += 1
            }
        } else {
            withoutWallClock += 1
        }
        idList.insert(id, limit: idLimit)
        if Self.rank(record, id: id) < Self.rank(representative, id: representativeID) {
            var kept = record
            kept.host = kept.host ?? host
            kept.text = Array(kept.text.prefix(80))
            representative = kept
            representativeID = id
            return true
        }
        return false
    }

    /// Puts the whole record in place of a representative that was added as its grouping view
    /// (`RecordLineReader`), with the host and text cap `add` gives it.
    public mutating func completeRepresentative(with full: CrashRecord) {
        var kept = full
        kept.host = kept.host ?? representative?.host
        kept.text = Array(kept.text.prefix(80))
        representative = kept
    }

    /// The counts `merge` adds up; `FleetAggregate.plausibleCountTotal` checks the same list, so a
    /// count added here is range-checked too (`events` once was not, and merging trapped).
    static let summedCounts: [WritableKeyPath<GroupAggregate, Int> & Sendable] = [
        \.crashes, \.events, \.followUps, \.corrupted, \.panicked, \.futureClock, \.withoutRelease,
        \.withoutWallClock,
    ]

    /// Folds in the same group of another partial; returns how many of the other's record ids
    /// this one already held (see `FleetAggregate.overlappingRecords`).
    @discardableResult
    public mutating func merge(_ other: GroupAggregate) -> Int {
        for count in Self.summedCounts { self[keyPath: count] += other[keyPath: count] }
        hostTable.merge(other.hostTable)
        releases.merge(other.releases, uniquingKeysWith: +)
        hardware.merge(other.hardware, uniquingKeysWith: +)
        bios.merge(other.bios, uniquingKeysWith: +)
        taintLetters.formUnion(other.taintLetters)
        if let theirs = other.modulesInEvery {
            modulesInEvery = modulesInEvery.map { $0.intersection(theirs) } ?? theirs
        }
        if let theirs = other.sharedFrames {
            sharedFrames = sharedFrames.map { $0.intersection(theirs) } ?? theirs
        }
        if let first = other.firstSeen { firstSeen = min(firstSeen ?? first, first) }
        if let last = other.lastSeen { lastSeen = max(lastSeen ?? last, last) }
        days.merge(other.days, uniquingKeysWith: +)
        idLimit = min(idLimit, other.idLimit)
        let (ids, shared) = RecordIDList.smallest(recordIDs, other.recordIDs, limit: idLimit)
        idList = ids
        if Self.rank(other.representative, id: other.representativeID) < Self.rank(representative, id: representativeID)
        {
            representative = other.representative
            representativeID = other.representativeID
        }
        return shared
    }

    /// A group is an event group when every record in it is an event; one crash makes it a crash
    /// group (an OOM or a machine check that ended in a panic shares a title with ones that did not).
    public var recordClass: RecordClass { crashes > 0 && events == crashes ? .event : .crash }

    /// Whether the id list holds every record of the group.
    public var recordIDsComplete: Bool { idList.sorted().count == crashes }

    /// Lower is better: intact, with a trace, with a kernel release; then the smaller id.
    private static func rank(_ record: CrashRecord?, id: String?) -> RepresentativeRank {
        guard let record, let id else { return RepresentativeRank(damage: Int.max, id: "") }
        var damage = 0
        if record.corrupted { damage += 4 }
        if record.frames.isEmpty { damage += 2 }
        if record.kernel == nil { damage += 1 }
        return RepresentativeRank(damage: damage, id: id)
    }

    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        signature = try container.decode(String.self, forKey: .signature)
        signatureVersion = try container.decode(Int.self, forKey: .signatureVersion)
        crashes = try container.decode(Int.self, forKey: .crashes)
        events = try container.decode(Int.self, forKey: .events)
        followUps = try container.decode(Int.self, forKey: .followUps)
        corrupted = try container.decode(Int.self, forKey: .corrupted)
        panicked = try container.decode(Int.self, forKey: .panicked)
        futureClock = try container.decode(Int.self, forKey: .futureClock)
        withoutRelease = try container.decode(Int.self, forKey: .withoutRelease)
        withoutWallClock = try container.decode(Int.self, forKey: .withoutWallClock)
        releases = try container.decode([String: Int].self, forKey: .releases)
        hardware = try container.decode([String: Int].self, forKey: .hardware)
        bios = try container.decode([String: Int].self, forKey: .bios)
        taintLetters = try container.decode(Set<String>.self, forKey: .taintLetters)
        modulesInEvery = try container.decodeIfPresent(Set<String>.self, forKey: .modulesInEvery)
        sharedFrames = try container.decodeIfPresent(Set<String>.self, forKey: .sharedFrames)
        firstSeen = try container.decodeIfPresent(Int64.self, forKey: .firstSeen)
        lastSeen = try container.decodeIfPresent(Int64.self, forKey: .lastSeen)
        days = try container.decode([Int: Int].self, forKey: .days)
        hostTable = GroupHostTable(
            hosts: try container.decode([String: Int].self, forKey: .hosts),
            attributeHosts: try container.decode([String: [String: Set<String>]].self, forKey: .attributeHosts),
            categoryHosts: try container.decode([String: Set<String>].self, forKey: .categoryHosts))
        idList = try container.decode(RecordIDList.self, forKey: .recordIDs)
        idLimit = try container.decode(Int.self, forKey: .idLimit)
        representative = try container.decodeIfPresent(CrashRecord.self, forKey: .representative)
        representativeID = try container.decodeIfPresent(String.self, forKey: .representativeID)
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(signature, forKey: .signature)
        try container.encode(signatureVersion, forKey: .signatureVersion)
        try container.encode(crashes, forKey: .crashes)
        try container.encode(events, forKey: .events)
        try container.encode(followUps, forKey: .followUps)
        try container.encode(corrupted, forKey: .corrupted)
        try container.encode(panicked, forKey: .panicked)
        try container.encode(futureClock, forKey: .futureClock)
        try container.encode(withoutRelease, forKey: .withoutRelease)
        try container.encode(withoutWallClock, forKey: .withoutWallClock)
        try container.encode(hosts, forKey: .hosts)
        try container.encode(releases, forKey: .releases)
        try container.encode(hardware, forKey: .hardware)
        try container.encode(bios, forKey: .bios)
        // Sets sorted: a set's order changes from one process to the next, and a partial should
        // be the same bytes for the same aggregate.
        try container.encode(taintLetters.sorted(), forKey: .taintLetters)
        try container.encodeIfPresent(modulesInEvery?.sorted(), forKey: .modulesInEvery)
        try container.encodeIfPresent(sharedFrames?.sorted(), forKey: .sharedFrames)
        try container.encodeIfPresent(firstSeen, forKey: .firstSeen)
        try container.encodeIfPresent(lastSeen, forKey: .lastSeen)
        try container.encode(days, forKey: .days)
        try container.encode(attributeHosts.mapValues { $0.mapValues { $0.sorted() } }, forKey: .attributeHosts)
        try container.encode(categoryHosts.mapValues { $0.sorted() }, forKey: .categoryHosts)
        try container.encode(recordIDs, forKey: .recordIDs)
        try container.encode(idLimit, forKey: .idLimit)
        try container.encodeIfPresent(representative, forKey: .representative)
        try container.encodeIfPresent(representativeID, forKey: .representativeID)
    }

    enum CodingKeys: String, CodingKey {
        case signature
        case signatureVersion = "signature_version"
        case crashes, events
        case followUps = "follow_ups"
        case corrupted, panicked
        case futureClock = "future_clock"
        case withoutRelease = "without_release"
        case withoutWallClock = "without_wall_clock"
        case hosts, releases, hardware, bios
        case taintLetters = "taint_letters"
        case modulesInEvery = "modules_in_every"
        case sharedFrames = "shared_frames"
        case firstSeen = "first_seen_us"
        case lastSeen = "last_seen_us"
        case days
        case attributeHosts = "attribute_hosts"
        case categoryHosts = "category_hosts"
        case recordIDs = "record_ids"
        case idLimit = "id_limit"
        case representative
        case representativeID = "representative_id"
    }
}

struct RepresentativeRank: Comparable {
    var damage: Int
    var id: String
    static func < (a: RepresentativeRank, b: RepresentativeRank) -> Bool {
        a.damage != b.damage ? a.damage < b.damage : a.id < b.id
    }
}

/// What grouping needs to know besides the records.
public struct GroupingContext: Sendable {
    /// Reports stamped later than this (microseconds since the epoch) have a clock in the future.
    public var nowMicros: Int64
    /// Record ids kept per group.
    public var idLimit: Int
    /// Only reports stamped in `since..<until` are grouped (when set; reports without a wall
    /// clock are then left out too, and counted).
    public var since: Int64?
    public var until: Int64?
    /// How records whose input names no host get one (`--host-from`).
    public var hostNaming: HostNaming

    public init(
        nowMicros: Int64 = GroupingContext.currentMicros() + 86_400_000_000, idLimit: Int = 10_000,
        since: Int64? = nil, until: Int64? = nil, hostNaming: HostNaming = HostNaming()
    ) {
        self.hostNaming = hostNaming
        self.nowMicros = nowMicros
        self.idLimit = idLimit
        self.since = since
        self.until = until
    }

    /// Whether a report passes the `since`/`until` filter.
    public func admits(wallMicros: Int64?) -> Bool {
        if since == nil && until == nil { return true }
        guard let wall = wallMicros else { return false }
        if let since, wall < since { return false }
        if let until, wall >= until { return false }
        return true
    }

    /// The current wall clock in microseconds.
    public static func currentMicros() -> Int64 {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return Int64(spec.tv_sec) * 1_000_000 + Int64(spec.tv_nsec) / 1000
    }
}
