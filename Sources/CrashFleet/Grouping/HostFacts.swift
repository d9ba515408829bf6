import KernelFacts
import KernelLog

/// What one host was seen to run, from its crash reports and from ordinary boot lines.
///
/// `values` maps a category (`kernel`, `hardware`, `bios`, `module`, `taint`) to the values seen.
/// A category present with no values still counts as known (a report said "Not tainted"), so
/// hosts whose logs cannot tell (no crash, hence no module list) do not dilute a share.
public struct HostFacts: Codable, Sendable, Equatable {
    public var values: [String: Set<String>] = [:]

    public init() {}

    /// The values sorted: a set's order changes from one process to the next, and a partial
    /// (`group --format partial`) should be the same bytes for the same facts.
    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(values.mapValues { $0.sorted() }, forKey: .values)
    }

    private enum CodingKeys: String, CodingKey {
        case values
    }

    public mutating func add(_ category: AttributeCategory, _ value: String) {
        values[category.rawValue, default: []].insert(value)
    }

    public mutating func markKnown(_ category: AttributeCategory) {
        if values[category.rawValue] == nil { values[category.rawValue] = [] }
    }

    public mutating func merge(_ other: HostFacts) {
        values.merge(other.values) { $0.union($1) }
    }

    /// `category=value` for each value and `?category` for each known category: the rows of
    /// the store's `host_fact` table.
    public var rows: [String] {
        var rows: [String] = []
        for (category, set) in values {
            rows.append("?" + category)
            for value in set { rows.append(category + "=" + value) }
        }
        return rows
    }

    /// Adds one `host_fact` row back.
    public mutating func add(row: String) {
        if row.hasPrefix("?") {
            let category = String(row.dropFirst())
            if values[category] == nil { values[category] = [] }
        } else if let equals = row.utf8.firstIndex(of: UInt8(ascii: "=")) {
            // Split at the byte: a value that starts with a combining mark makes one character of
            // `=` and the mark, which a character search passes over.
            let category = String(decoding: row.utf8[..<equals], as: UTF8.self)
            values[category, default: []].insert(
                String(decoding: row.utf8[row.utf8.index(after: equals)...], as: UTF8.self))
        }
    }
}

/// The attribute kinds compared between a group and the fleet.
public enum AttributeCategory: String, Codable, Sendable, CaseIterable {
    case kernel, hardware, bios, module, taint
}

/// What a report says about its host, decoded once per record for the group and the host table.
struct RecordAttributes {
    var release: String?
    var hardware: String?
    var bios: String?
    /// Taint letters other than `G`; `nil` when the report printed no taint line.
    var taintLetters: [String]?
    var modules: [String]
    /// FNV-1a-64 over all of the above: equal for reports that say the same about their host,
    /// so a host seen again with the same attributes skips the table updates.
    var fingerprint: UInt64 = 0

    init(_ record: CrashRecord) {
        var noCache: [String: HardwareName] = [:]
        self.init(record, hardwareNames: &noCache)
    }

    /// `hardwareNames` keeps the split of hardware lines seen before: a fleet prints a few
    /// distinct ones, and splitting one is dearer than the rest of this.
    init(_ record: CrashRecord, hardwareNames: inout [String: HardwareName]) {
        release = record.kernel?.release
        if let hw = record.hardware {
            let name: HardwareName
            if let known = hardwareNames[hw] {
                name = known
            } else {
                name = HardwareName(hw)
                if hardwareNames.count >= 4096 { hardwareNames.removeAll(keepingCapacity: true) }
                hardwareNames[hw] = name
            }
            hardware = name.hardware
            bios = record.bios ?? name.bios
        } else {
            bios = record.bios
        }
        taintLetters = record.taint.map { taint in taint.letters.compactMap { $0 == "G" ? nil : String($0) } }
        modules = record.modules.map(\.name)
        var hash = FNV1a64()
        hash.feed(release ?? "\u{1}")
        hash.feed("\u{0}")
        hash.feed(hardware ?? "\u{1}")
        hash.feed("\u{0}")
        hash.feed(bios ?? "\u{1}")
        hash.feed("\u{0}")
        if let taintLetters {
            for letter in taintLetters { hash.feed(letter) }
        } else {
            hash.feed("\u{1}")
        }
        for module in modules {
            hash.feed("\u{0}")
            hash.feed(module)
        }
        fingerprint = hash.value
    }

    /// Calls `body` for every (category, value) pair.
    func forEach(_ body: (AttributeCategory, String) -> Void) {
        if let release { body(.kernel, release) }
        if let hardware { body(.hardware, hardware) }
        if let bios { body(.bios, bios) }
        for letter in taintLetters ?? [] { body(.taint, letter) }
        for module in modules { body(.module, module) }
    }

    /// The categories this report says anything about.
    var knownCategories: [AttributeCategory] {
        var result: [AttributeCategory] = []
        if release != nil { result.append(.kernel) }
        if hardware != nil { result.append(.hardware) }
        if bios != nil { result.append(.bios) }
        if taintLetters != nil { result.append(.taint) }
        if !modules.isEmpty { result.append(.module) }
        return result
    }

    /// Whether both say the same (the fingerprint aside).
    func sameValues(as other: RecordAttributes) -> Bool {
        release == other.release && hardware == other.hardware && bios == other.bios
            && taintLetters == other.taintLetters && modules == other.modules
    }

    func apply(to facts: inout HostFacts) {
        for category in knownCategories { facts.markKnown(category) }
        forEach { facts.add($0, $1) }
    }
}

/// The `HostAttributeSet`s of recent records by their attributes' fingerprint, so that records
/// saying the same share one set (and groups compare sets by identity of their storage).
struct AttributeSetCache: Sendable {
    /// Distinct attribute sets kept; past it the cache starts again (memory stays bounded).
    static let capacity = 65_536
    private var sets: [UInt64: (attributes: RecordAttributes, set: HostAttributeSet)] = [:]
    /// Attribute values by content, so that equal values in different sets share storage.
    private var values = Set<String>()

    mutating func set(for attributes: RecordAttributes) -> HostAttributeSet {
        if let cached = sets[attributes.fingerprint], cached.attributes.sameValues(as: attributes) {
            return cached.set
        }
        if values.count >= Self.capacity { values.removeAll(keepingCapacity: true) }
        let set = HostAttributeSet(attributes) { values.insert($0).memberAfterInsert }
        if sets.count >= Self.capacity { sets.removeAll(keepingCapacity: true) }
        sets[attributes.fingerprint] = (attributes, set)
        return set
    }
}

/// A cache that takes no part in equality or coding: it only saves repeated work, and a
/// decoded or merged aggregate starts with it empty (the work is then merely repeated).
struct WorkCache<Value: Sendable>: Equatable, Sendable {
    var value: Value
    static func == (_: WorkCache, _: WorkCache) -> Bool { true }
}
