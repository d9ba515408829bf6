#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// An attribute much more common among a group's hosts than among all hosts of the fleet.
public struct OverRepresented: Codable, Sendable, Equatable {
    public var category: String
    public var value: String
    /// Group hosts with the attribute, and group hosts whose reports said anything about the
    /// category.
    public var groupHosts: Int
    public var groupKnown: Int
    /// Fleet hosts with the attribute, and fleet hosts whose logs said anything about the category.
    public var fleetHosts: Int
    public var fleetKnown: Int
    public var groupShare: Double
    public var fleetShare: Double
    /// One-sided Fisher exact test (hypergeometric upper tail): the chance that `groupKnown`
    /// hosts drawn at random from the fleet include at least `groupHosts` with the attribute.
    public var pValue: Double

    enum CodingKeys: String, CodingKey {
        case category, value
        case groupHosts = "group_hosts"
        case groupKnown = "group_known"
        case fleetHosts = "fleet_hosts"
        case fleetKnown = "fleet_known"
        case groupShare = "group_share"
        case fleetShare = "fleet_share"
        case pValue = "p_value"
    }
}

/// Finds the attributes over-represented in a group compared with the fleet.
///
/// The question every post-mortem asks first — "do all these hosts run the same build?" —
/// answered with the two shares and a significance figure, so one unlucky host does not look
/// like a pattern and a build on 20% of the fleet with 100% of a group's hosts comes first.
public struct OverRepresentation: Sendable {
    /// Per attribute: fleet hosts with it; per category: fleet hosts that said anything.
    let attributeCounts: [String: Int]
    let categoryCounts: [String: Int]
    /// Findings at or below this p-value are reported.
    public var threshold: Double = 0.05
    public var limit: Int = 10

    public init(hosts: [String: HostFacts]) {
        var attributes: [String: Int] = [:]
        var categories: [String: Int] = [:]
        for facts in hosts.values {
            for (category, values) in facts.values {
                categories[category, default: 0] += 1
                for value in values { attributes[category + "=" + value, default: 0] += 1 }
            }
        }
        attributeCounts = attributes
        categoryCounts = categories
    }

    /// The same counts from a host table, without building each host's facts.
    init(table: GroupHostTable) {
        let counts = table.attributeCounts()
        var attributes: [String: Int] = [:]
        for (category, values) in counts.values {
            for (value, hosts) in values { attributes[category + "=" + value] = hosts }
        }
        attributeCounts = attributes
        categoryCounts = counts.categories
    }

    /// The group's over-represented attributes, most significant first.
    public func findings(for group: GroupAggregate) -> [OverRepresented] {
        var result: [OverRepresented] = []
        let counts = group.hostTable.attributeCounts()
        for (categoryName, values) in counts.values {
            guard let category = AttributeCategory(rawValue: categoryName) else { continue }
            for (value, k) in values {
                let attribute = categoryName + "=" + value
                let n = counts.categories[category.rawValue] ?? k
                // The fleet always includes the group's own hosts; guard against partial inputs anyway.
                let bigN = max(categoryCounts[category.rawValue] ?? 0, n)
                let bigK = max(attributeCounts[attribute] ?? 0, k)
                guard n > 0, bigN > 0 else { continue }
                let groupShare = Double(k) / Double(n)
                let fleetShare = Double(bigK) / Double(bigN)
                guard groupShare > fleetShare else { continue }
                let p = Self.hypergeometricUpperTail(population: bigN, successes: bigK, draws: n, observed: k)
                guard p <= threshold else { continue }
                result.append(
                    OverRepresented(
                        category: category.rawValue, value: value, groupHosts: k, groupKnown: n, fleetHosts: bigK,
                        fleetKnown: bigN, groupShare: groupShare, fleetShare: fleetShare, pValue: p))
            }
        }
        result.sort { a, b in
            if a.pValue != b.pValue { return a.pValue < b.pValue }
            let liftA = a.groupShare / a.fleetShare
            let liftB = b.groupShare / b.fleetShare
            if liftA != liftB { return liftA > liftB }
            return (a.category, a.value) < (b.category, b.value)
        }
        return Array(result.prefix(limit))
    }

    /// P(X ≥ observed) for X ~ Hypergeometric(population N, successes K, draws n), in log space.
    public static func hypergeometricUpperTail(population: Int, successes: Int, draws: Int, observed: Int) -> Double {
        let upper = min(draws, successes)
        let lower = max(observed, draws - (population - successes), 0)
        guard lower <= upper else { return observed <= max(0, draws - (population - successes)) ? 1 : 0 }
        let logTotal = logChoose(population, draws)
        var sum = 0.0
        for x in lower...upper {
            sum += exp(logChoose(successes, x) + logChoose(population - successes, draws - x) - logTotal)
        }
        return min(1, max(0, sum))
    }

    static func logChoose(_ n: Int, _ k: Int) -> Double {
        guard k >= 0, k <= n else { return -Double.infinity }
        return lgamma(Double(n) + 1) - lgamma(Double(k) + 1) - lgamma(Double(n - k) + 1)
    }
}
