import CrashFleet

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// JSON documents of `group`: the grouping (`FleetSummary`, whose representative record has the
/// keys of `CrashRecord.CodingKeys`), the signature × release pivot and the mergeable partial.
public enum FleetJSON {
    public static func document(_ summary: FleetSummary) throws -> String {
        String(decoding: try encoder().encode(summary), as: UTF8.self) + "\n"
    }

    public static func pivot(_ summary: FleetSummary) throws -> String {
        struct Row: Encodable {
            var signature: String
            var title: String
            var crashes: [String: Int]
        }
        struct Pivot: Encodable {
            var schema = 1
            var releases: [String]
            var rows: [Row]
        }
        let pivot = summary.releasePivot
        let rows = pivot.rows.map { row in
            Row(
                signature: row.group.signature, title: row.group.title,
                crashes: Dictionary(uniqueKeysWithValues: zip(pivot.releases, row.counts).filter { $0.1 > 0 }))
        }
        return String(decoding: try encoder().encode(Pivot(releases: pivot.releases, rows: rows)), as: UTF8.self)
            + "\n"
    }

    /// `group --format partial`: the aggregate itself, compact, which `group --merge` reads back
    /// (`PartialFile.read`).
    public static func partial(_ fleet: FleetAggregate) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(fleet), as: UTF8.self)
    }

    static func encoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        return encoder
    }
}
