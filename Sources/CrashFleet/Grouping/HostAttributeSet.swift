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
        var unique: [AttributeValue] = []
        unique.reserveCapacity(values.count)
        if values.count <= 16 {
            // A report's list: short, a repeated module name rare.
            for value in values where !unique.contains(value) { unique.append(value) }
        } else {
            // A host's facts from a partial or a store: a hundred values are not scanned a hundred times.
            var seen = Set<AttributeValue>()
            for value in values where seen.insert(value).inserted { unique.append(value) }
        }
        self.init(known: known, uniqueValues: unique)
    }

    /// Values in an order where equal ones are adjacent (a partial's, sorted): repeats are
    /// dropped by comparing neighbours, without hashing every value.
    init(known: UInt8, sortedValues values: [AttributeValue]) {
        var unique: [AttributeValue] = []
        unique.reserveCapacity(values.count)
        for value in values where unique.last != value { unique.append(value) }
        self.init(known: known, uniqueValues: unique)
    }

    private init(known: UInt8, uniqueValues unique: [AttributeValue]) {
        self.known = known
        self.values = unique
        var hash = FNV1a64()
        hash.feed(byte: known)
        for value in unique {
            hash.feed(byte: 0)
            hash.feed(byte: value.category.bit)
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
