/// A group's hosts: crashes per host, and what the group's reports said about each host.
///
/// Grouping a million records of 10,000 hosts kept, per group, a set of host names for every
/// attribute value and category and a `(host, fingerprint)` set: several hash-table slots per
/// record. Here each host has one entry of eight bytes under its `HostNames` number (its crash
/// count and the number of the attribute set its reports gave it, in the fleet's
/// ``HostAttributeSets``), and the per-value host sets are derived when asked (`attributeHosts`,
/// `attributeCounts`). A host whose reports in the group said different things has its further
/// sets in `extraSets`; a count too large for the entry (only a partial can carry one) is kept
/// in `largeCounts`.
///
/// The fleet's table of hosts (`FleetAggregate.hosts`) is one too, its entries without counts.
struct GroupHostTable: Sendable, Equatable {
    struct Entry: Sendable, Equatable {
        /// The crash count, `uncounted` or `large`.
        var crashes: UInt32
        var set: UInt32
        /// A host named by attribute tables (or the fleet's facts) but without a crash count.
        static let uncounted = UInt32.max
        /// The count is in `largeCounts`.
        static let large = UInt32.max - 1
    }

    private(set) var entries: [UInt32: Entry] = [:]
    private var extraSets: [UInt32: [UInt32]] = [:]
    private var largeCounts: [UInt32: Int] = [:]
    /// Where the entries' set numbers point: the fleet's registry, shared by its groups' tables.
    let registry: HostAttributeSets

    init(registry: HostAttributeSets = HostAttributeSets()) {
        self.registry = registry
    }

    /// Counts one crash of `host` (a `HostNames` number), whose report said `attributes`.
    mutating func addCrash(host: UInt32, attributes: HostAttributeSet) {
        let number = self.number(of: attributes)
        if let index = entries.index(forKey: host) {
            let entry = entries.values[index]
            if entry.crashes < Entry.large - 1 {
                entries.values[index].crashes = entry.crashes + 1
            } else {
                add(crashes: 1, to: host)
            }
            addSet(number, to: host, entry: entry)
        } else {
            entries[host] = Entry(crashes: 1, set: number)
        }
    }

    /// Records what a host's reports or boot lines said, without counting a crash.
    mutating func addFacts(host: UInt32, attributes: HostAttributeSet) {
        let number = self.number(of: attributes)
        if let index = entries.index(forKey: host) {
            addSet(number, to: host, entry: entries.values[index])
        } else {
            entries[host] = Entry(crashes: Entry.uncounted, set: number)
        }
    }

    /// Folds another table into this one.
    mutating func merge(_ other: GroupHostTable) {
        for (host, theirs) in other.entries {
            var numbers = other.setNumbers(of: host, entry: theirs)
            if other.registry !== registry { numbers = numbers.map { registry.number(of: other.registry.set($0)) } }
            if entries[host] == nil {
                entries[host] = Entry(crashes: Entry.uncounted, set: numbers[0])
            }
            if let count = other.count(host: host, entry: theirs) { add(crashes: count, to: host) }
            for number in numbers { addSet(number, to: host, entry: entries[host] ?? theirs) }
        }
    }

    /// Every host in the table (`HostNames` numbers), with or without a crash count.
    var allHosts: Dictionary<UInt32, Entry>.Keys { entries.keys }

    /// The hosts with a crash count.
    var countedHosts: [UInt32] { entries.compactMap { $0.value.crashes == Entry.uncounted ? nil : $0.key } }

    /// Hosts with a crash count.
    var hostCount: Int { entries.values.reduce(0) { $0 + ($1.crashes == Entry.uncounted ? 0 : 1) } }

    /// The crash counts of the hosts that have one, without their names.
    var crashCounts: [Int] { entries.compactMap { count(host: $0.key, entry: $0.value) } }

    /// Hosts with their crash counts.
    var crashesPerHost: [String: Int] {
        var result: [String: Int] = [:]
        result.reserveCapacity(entries.count)
        let names = HostNames.shared.names(of: Array(entries.keys))
        for ((host, entry), name) in zip(entries, names) {
            if let count = count(host: host, entry: entry) { result[name] = count }
        }
        return result
    }

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
        let sets = registry.all()
        // Hosts per set, for the sets the table uses (few of all the fleet knows).
        var hostsPerSet: [UInt32: Int] = [:]
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
                hostsPerSet[entry.set, default: 0] += 1
            } else {
                let (known, hostValues) = union(of: host, entry: entry, sets: sets)
                count(known: known, values: hostValues, hosts: 1)
            }
        }
        for (number, hosts) in hostsPerSet {
            count(known: sets[Int(number)].known, values: sets[Int(number)].values, hosts: hosts)
        }
        return (values, categories)
    }

    /// Rebuilds a table from a partial's three host tables. Categories outside
    /// `AttributeCategory` cannot be kept (no grouping writes them).
    init(hosts: [String: Int], attributeHosts: [String: [String: Set<String>]], categoryHosts: [String: Set<String>]) {
        let names = HostNames.shared
        self.init(
            registry: HostAttributeSets(),
            hostCounts: hosts.map { (names.number(of: $0.key), $0.value) },
            attributeHosts: attributeHosts.flatMap { category, byValue in
                byValue.map { (category, $0.key, names.numbers(of: Array($0.value))) }
            },
            categoryHosts: categoryHosts.map { ($0.key, names.numbers(of: Array($0.value))) })
    }

    /// The table of a partial's group, its hosts as `HostNames` numbers (as the partial reader
    /// reads them: no set of names per value). Categories outside `AttributeCategory` are not kept.
    ///
    /// A group of a million-record partial names thousands of hosts: hosts are indexed by their
    /// number in flat arrays (the numbers are dense), each host's values are the positions of the
    /// group's attribute values in sorted order, and a host's set is built once per distinct
    /// list of positions, not hashed from its strings for every host.
    init(
        registry: HostAttributeSets,
        hostCounts: [(host: UInt32, crashes: Int)],
        attributeHosts: [(category: String, value: String, hosts: [UInt32])],
        categoryHosts: [(category: String, hosts: [UInt32])]
    ) {
        self.registry = registry
        var attributes: [(value: AttributeValue, hosts: [UInt32])] = []
        for (name, value, members) in attributeHosts {
            guard let category = AttributeCategory(rawValue: name) else { continue }
            attributes.append((AttributeValue(category: category, value: value), members))
        }
        // In one order, so that hosts whose reports said the same share one set.
        attributes.sort { ($0.value.category.bit, $0.value.value) < ($1.value.category.bit, $1.value.value) }
        var categories: [(bit: UInt8, hosts: [UInt32])] = []
        for (name, members) in categoryHosts {
            guard let category = AttributeCategory(rawValue: name) else { continue }
            categories.append((category.bit, members))
        }
        var hostCounts = hostCounts
        var hostLimit = 0
        var references = hostCounts.count
        for (host, _) in hostCounts { hostLimit = max(hostLimit, Int(host) + 1) }
        for (_, members) in attributes {
            references += members.count
            for host in members { hostLimit = max(hostLimit, Int(host) + 1) }
        }
        for (_, members) in categories {
            references += members.count
            for host in members { hostLimit = max(hostLimit, Int(host) + 1) }
        }
        // The arrays below are indexed by host number, which is dense over the process's hosts;
        // a group naming a few hosts of a large fleet has them numbered 0..<count first, so that
        // the arrays stay the group's size. `global` turns those numbers back.
        var global: [UInt32]?
        if hostLimit > 8 * references + 1024 {
            var all = hostCounts.map(\.host)
            for (_, members) in attributes { all += members }
            for (_, members) in categories { all += members }
            all.sort()
            var unique: [UInt32] = []
            for host in all where unique.last != host { unique.append(host) }
            var local: [UInt32: UInt32] = [:]
            local.reserveCapacity(unique.count)
            for (index, host) in unique.enumerated() { local[host] = UInt32(index) }
            func renumber(_ hosts: [UInt32]) -> [UInt32] { hosts.map { local[$0] ?? 0 } }
            hostCounts = hostCounts.map { (local[$0.host] ?? 0, $0.crashes) }
            attributes = attributes.map { ($0.value, renumber($0.hosts)) }
            categories = categories.map { ($0.bit, renumber($0.hosts)) }
            global = unique
            hostLimit = unique.count
        }
        var named = [Bool](repeating: false, count: hostLimit)
        var known = [UInt8](repeating: 0, count: hostLimit)
        for (bit, members) in categories {
            for host in members {
                known[Int(host)] |= bit
                named[Int(host)] = true
            }
        }
        // Each host's positions, flat: host h's are `positions[starts[h]..<ends[h]]`, ascending.
        var starts = [Int](repeating: 0, count: hostLimit + 1)
        for (_, members) in attributes { for host in members { starts[Int(host) + 1] += 1 } }
        for host in 0..<hostLimit { starts[host + 1] += starts[host] }
        var ends = starts
        var positions = [Int32](repeating: 0, count: starts[hostLimit])
        for (position, attribute) in attributes.enumerated() {
            for host in attribute.hosts.map(Int.init) {
                named[host] = true
                // A host listed twice under one value.
                if ends[host] > starts[host], positions[ends[host] - 1] == Int32(position) { continue }
                positions[ends[host]] = Int32(position)
                ends[host] += 1
            }
        }
        var counts = [Int?](repeating: nil, count: hostLimit)
        for (host, crashes) in hostCounts {
            counts[Int(host)] = crashes
            named[Int(host)] = true
        }
        // A host's set, once per distinct (categories, positions): found by a hash of them and
        // checked against the first host that had it.
        var setOf: [UInt64: (host: Int, set: UInt32)] = [:]
        entries.reserveCapacity(named.lazy.filter { $0 }.count)
        for host in 0..<hostLimit where named[host] {
            let mine = positions[starts[host]..<ends[host]]
            var hash = FNV1a64()
            hash.feed(byte: known[host])
            for position in mine { hash.feed(word: UInt32(position)) }
            let number: UInt32
            if let seen = setOf[hash.value], known[seen.host] == known[host],
                positions[starts[seen.host]..<ends[seen.host]].elementsEqual(mine)
            {
                number = seen.set
            } else {
                let values = mine.map { attributes[Int($0)].value }
                number = self.number(of: HostAttributeSet(known: known[host], sortedValues: values))
                if setOf[hash.value] == nil { setOf[hash.value] = (host, number) }
            }
            let hostNumber = global?[host] ?? UInt32(host)
            if let count = counts[host], count >= 0, count < Int(Entry.large) {
                entries[hostNumber] = Entry(crashes: UInt32(count), set: number)
            } else {
                entries[hostNumber] = Entry(crashes: Entry.uncounted, set: number)
                if let count = counts[host] { add(crashes: count, to: hostNumber) }
            }
        }
    }

    static func == (a: GroupHostTable, b: GroupHostTable) -> Bool {
        Set(a.entries.keys) == Set(b.entries.keys) && a.crashesPerHost == b.crashesPerHost
            && a.attributeHosts == b.attributeHosts && a.categoryHosts == b.categoryHosts
    }

    // MARK: - Internals

    private func number(of set: HostAttributeSet) -> UInt32 {
        registry.number(of: set)
    }

    private func count(host: UInt32, entry: Entry) -> Int? {
        switch entry.crashes {
        case Entry.uncounted: return nil
        case Entry.large: return largeCounts[host] ?? 0
        default: return Int(entry.crashes)
        }
    }

    /// Adds `crashes` (from 0) to the host's count; the host has an entry.
    private mutating func add(crashes: Int, to host: UInt32) {
        guard let entry = entries[host] else { return }
        let total = (count(host: host, entry: entry) ?? 0) + crashes
        if total >= 0, total < Int(Entry.large) {
            entries[host]?.crashes = UInt32(total)
            largeCounts[host] = nil
        } else {
            entries[host]?.crashes = Entry.large
            largeCounts[host] = total
        }
    }

    private mutating func addSet(_ number: UInt32, to host: UInt32, entry: Entry) {
        guard entry.set != number, extraSets[host]?.contains(number) != true else { return }
        extraSets[host, default: []].append(number)
    }

    private func setNumbers(of host: UInt32, entry: Entry) -> [UInt32] {
        [entry.set] + (extraSets[host] ?? [])
    }

    /// Calls `body` with each host's name, the categories its reports knew and their values,
    /// each once.
    private func forEachHost(_ body: (String, UInt8, [AttributeValue]) -> Void) {
        let names = HostNames.shared.names(of: Array(entries.keys))
        let sets = registry.all()
        for ((host, entry), name) in zip(entries, names) {
            let (known, values) = union(of: host, entry: entry, sets: sets)
            body(name, known, values)
        }
    }

    /// What all of a host's attribute sets say together.
    private func union(of host: UInt32, entry: Entry, sets: [HostAttributeSet]) -> (
        known: UInt8, values: [AttributeValue]
    ) {
        let first = sets[Int(entry.set)]
        guard let extra = extraSets[host] else { return (first.known, first.values) }
        var known = first.known
        var values = first.values
        // A host of the fleet table may have a set per report it had: a hash set, not a scan.
        var seen = Set(values)
        for number in extra {
            let set = sets[Int(number)]
            known |= set.known
            for value in set.values where seen.insert(value).inserted { values.append(value) }
        }
        return (known, values)
    }
}
