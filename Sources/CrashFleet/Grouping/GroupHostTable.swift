/// One attribute value a report gave its host (`kernel` → `6.1.0-18-amd64`).
struct AttributeValue: Hashable, Sendable {
    var category: AttributeCategory
    var value: String
}

/// What reports said about a host, as one value shared by every group and host it applies to:
/// the categories they said anything about and the values, each once.
struct HostAttributeSet: Hashable, Sendable {
    /// Bit `AttributeCategory.bit` for each category known.
    private(set) var known: UInt8 = 0
    private(set) var values: [AttributeValue] = []
    /// FNV-1a-64 of the above, the hash: sets are compared whole only when it matches.
    private(set) var fingerprint: UInt64 = 0

    init(known: UInt8, values: [AttributeValue]) {
        self.known = known
        var unique: [AttributeValue] = []
        unique.reserveCapacity(values.count)
        // Module lists are short; a repeated name (two lines for one module) is rare.
        for value in values where !unique.contains(value) { unique.append(value) }
        self.values = unique
        var hash = FNV1a64()
        hash.feed(String(known))
        for value in unique {
            hash.feed("\u{0}" + value.category.rawValue + "=")
            hash.feed(value.value)
        }
        fingerprint = hash.value
    }

    /// `intern` gives each value the storage of an equal one seen before.
    init(_ attributes: RecordAttributes, intern: (String) -> String = { $0 }) {
        var known: UInt8 = 0
        for category in attributes.knownCategories { known |= category.bit }
        var values: [AttributeValue] = []
        attributes.forEach { values.append(AttributeValue(category: $0, value: intern($1))) }
        self.init(known: known, values: values)
    }

    /// A host's facts as a set (categories outside `AttributeCategory` are not kept).
    init(_ facts: HostFacts) {
        var known: UInt8 = 0
        var values: [AttributeValue] = []
        for (name, members) in facts.values {
            guard let category = AttributeCategory(rawValue: name) else { continue }
            known |= category.bit
            for value in members { values.append(AttributeValue(category: category, value: value)) }
        }
        self.init(known: known, values: values)
    }

    func hash(into hasher: inout Hasher) { hasher.combine(fingerprint) }

    static func == (a: HostAttributeSet, b: HostAttributeSet) -> Bool {
        a.fingerprint == b.fingerprint && a.known == b.known && a.values == b.values
    }
}

extension AttributeCategory {
    /// This category's bit in `HostAttributeSet.known`.
    var bit: UInt8 {
        switch self {
        case .kernel: return 1
        case .hardware: return 2
        case .bios: return 4
        case .module: return 8
        case .taint: return 16
        }
    }
}

/// A group's hosts: crashes per host, and what the group's reports said about each host.
///
/// Grouping a million records of 10,000 hosts kept, per group, a set of host names for every
/// attribute value and category and a `(host, fingerprint)` set: several hash-table slots per
/// record. Here each host has one entry (its crash count and the number of the attribute set its
/// reports gave it, from a small per-group table of the distinct sets), and the per-value host
/// sets are derived when asked (`attributeHosts`, `attributeCounts`). A host whose reports in
/// the group said different things has its further sets in `extraSets`.
struct GroupHostTable: Sendable, Equatable {
    struct Entry: Sendable, Equatable {
        /// `-1`: a host that a decoded partial names in its attribute tables but not its counts.
        var crashes: Int
        var set: UInt32
    }

    private(set) var entries: [String: Entry] = [:]
    private var extraSets: [String: [UInt32]] = [:]
    private var sets: [HostAttributeSet] = []
    private var setNumbers: [HostAttributeSet: UInt32] = [:]

    init() {}

    /// Counts one crash of `host`, whose report said `attributes`.
    mutating func addCrash(host: String, attributes: HostAttributeSet) {
        let number = self.number(of: attributes)
        if let index = entries.index(forKey: host) {
            let entry = entries.values[index]
            entries.values[index].crashes = max(entry.crashes, 0) + 1
            addSet(number, to: host, entry: entry)
        } else {
            entries[host] = Entry(crashes: 1, set: number)
        }
    }

    /// Records what a host's reports or boot lines said, without counting a crash.
    mutating func addFacts(host: String, attributes: HostAttributeSet) {
        let number = self.number(of: attributes)
        if let index = entries.index(forKey: host) {
            addSet(number, to: host, entry: entries.values[index])
        } else {
            entries[host] = Entry(crashes: -1, set: number)
        }
    }

    /// Every host in the table, with or without a crash count.
    var allHostNames: Dictionary<String, Entry>.Keys { entries.keys }

    /// What each host was seen to run, as `HostFacts`.
    var facts: [String: HostFacts] {
        var result: [String: HostFacts] = [:]
        forEachHost { host, known, values in
            var facts = HostFacts()
            for category in AttributeCategory.allCases where known & category.bit != 0 { facts.markKnown(category) }
            for value in values { facts.add(value.category, value.value) }
            result[host] = facts
        }
        return result
    }

    /// Folds another group's table into this one.
    mutating func merge(_ other: GroupHostTable) {
        for (host, theirs) in other.entries {
            let numbers = other.setNumbers(of: host, entry: theirs).map { number(of: other.sets[Int($0)]) }
            if let mine = entries[host] {
                if theirs.crashes >= 0 { entries[host]?.crashes = max(mine.crashes, 0) + theirs.crashes }
                for number in numbers { addSet(number, to: host, entry: entries[host] ?? mine) }
            } else {
                entries[host] = Entry(crashes: theirs.crashes, set: numbers[0])
                if numbers.count > 1 { extraSets[host] = Array(numbers.dropFirst()) }
            }
        }
    }

    /// Hosts with their crash counts.
    var crashesPerHost: [String: Int] {
        var result: [String: Int] = [:]
        result.reserveCapacity(entries.count)
        for (host, entry) in entries where entry.crashes >= 0 { result[host] = entry.crashes }
        return result
    }

    /// The hosts with a crash count (the keys of `crashesPerHost`).
    var hostNames: [String] { entries.compactMap { $0.value.crashes >= 0 ? $0.key : nil } }

    /// Hosts with a crash count.
    var hostCount: Int { entries.values.reduce(0) { $0 + ($1.crashes >= 0 ? 1 : 0) } }

    /// Per category and value, the hosts that had it (the partial's `attribute_hosts`).
    var attributeHosts: [String: [String: Set<String>]] {
        var result: [String: [String: Set<String>]] = [:]
        forEachHost { host, _, values in
            for value in values { result[value.category.rawValue, default: [:]][value.value, default: []].insert(host) }
        }
        return result
    }

    /// Per category, the hosts whose reports said anything about it (`category_hosts`).
    var categoryHosts: [String: Set<String>] {
        var result: [String: Set<String>] = [:]
        forEachHost { host, known, _ in
            for category in AttributeCategory.allCases where known & category.bit != 0 {
                result[category.rawValue, default: []].insert(host)
            }
        }
        return result
    }

    /// The sizes of `attributeHosts`' sets and of `categoryHosts`' sets, without building them:
    /// hosts are counted per attribute set first, and each set's values then counted once.
    func attributeCounts() -> (values: [String: [String: Int]], categories: [String: Int]) {
        var hostsPerSet = [Int](repeating: 0, count: sets.count)
        var values: [String: [String: Int]] = [:]
        var categories: [String: Int] = [:]
        func count(known: UInt8, values hostValues: [AttributeValue], hosts: Int) {
            for value in hostValues {
                values[value.category.rawValue, default: [:]][value.value, default: 0] += hosts
            }
            for category in AttributeCategory.allCases where known & category.bit != 0 {
                categories[category.rawValue, default: 0] += hosts
            }
        }
        for (host, entry) in entries {
            if extraSets[host] == nil {
                hostsPerSet[Int(entry.set)] += 1
            } else {
                let (known, hostValues) = union(of: host, entry: entry)
                count(known: known, values: hostValues, hosts: 1)
            }
        }
        for (number, hosts) in hostsPerSet.enumerated() where hosts > 0 {
            count(known: sets[number].known, values: sets[number].values, hosts: hosts)
        }
        return (values, categories)
    }

    /// Rebuilds a table from a partial's three host tables. Categories outside
    /// `AttributeCategory` cannot be kept (no grouping writes them).
    init(hosts: [String: Int], attributeHosts: [String: [String: Set<String>]], categoryHosts: [String: Set<String>]) {
        var known: [String: UInt8] = [:]
        var values: [String: [AttributeValue]] = [:]
        for (name, members) in categoryHosts {
            guard let category = AttributeCategory(rawValue: name) else { continue }
            for host in members { known[host, default: 0] |= category.bit }
        }
        for (name, byValue) in attributeHosts {
            guard let category = AttributeCategory(rawValue: name) else { continue }
            for (value, members) in byValue {
                for host in members {
                    values[host, default: []].append(AttributeValue(category: category, value: value))
                }
            }
        }
        for host in Set(hosts.keys).union(known.keys).union(values.keys) {
            let set = HostAttributeSet(known: known[host] ?? 0, values: values[host] ?? [])
            entries[host] = Entry(crashes: hosts[host] ?? -1, set: number(of: set))
        }
    }

    static func == (a: GroupHostTable, b: GroupHostTable) -> Bool {
        Set(a.entries.keys) == Set(b.entries.keys) && a.crashesPerHost == b.crashesPerHost
            && a.attributeHosts == b.attributeHosts && a.categoryHosts == b.categoryHosts
    }

    // MARK: - Internals

    private mutating func number(of set: HostAttributeSet) -> UInt32 {
        if let number = setNumbers[set] { return number }
        let number = UInt32(sets.count)
        sets.append(set)
        setNumbers[set] = number
        return number
    }

    private mutating func addSet(_ number: UInt32, to host: String, entry: Entry) {
        guard entry.set != number, extraSets[host]?.contains(number) != true else { return }
        extraSets[host, default: []].append(number)
    }

    private func setNumbers(of host: String, entry: Entry) -> [UInt32] {
        [entry.set] + (extraSets[host] ?? [])
    }

    /// Calls `body` with each host, the categories its reports knew and their values, each once.
    private func forEachHost(_ body: (String, UInt8, [AttributeValue]) -> Void) {
        for (host, entry) in entries {
            let (known, values) = union(of: host, entry: entry)
            body(host, known, values)
        }
    }

    /// What all of a host's attribute sets say together.
    private func union(of host: String, entry: Entry) -> (known: UInt8, values: [AttributeValue]) {
        let first = sets[Int(entry.set)]
        guard let extra = extraSets[host] else { return (first.known, first.values) }
        var known = first.known
        var values = first.values
        for number in extra {
            let set = sets[Int(number)]
            known |= set.known
            for value in set.values where !values.contains(value) { values.append(value) }
        }
        return (known, values)
    }
}
