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
        var text = ""
        try write(summary) { text += $0 }
        return text
    }

    /// `document(_:)` handed to `sink` a group at a time: the encoder builds a tree of every
    /// value before writing, and a million records' ids took 800 MB that way. The text is the
    /// same bytes (the groups spliced into the document encoded without them, indented as the
    /// pretty printer nests them; its strings hold no raw line breaks).
    public static func write(_ summary: FleetSummary, to sink: (String) throws -> Void) throws {
        var shell = summary
        let groups = shell.groups
        shell.groups = []
        let encoder = encoder()
        let text = String(decoding: try encoder.encode(shell), as: UTF8.self)
        let emptyGroups = "\n  \"groups\" : [\n\n  ]"
        guard !groups.isEmpty, let slot = text.range(of: emptyGroups) else { return try sink(text + "\n") }
        try sink(String(text[..<slot.lowerBound]) + "\n  \"groups\" : [\n")
        for (index, group) in groups.enumerated() {
            let json = String(decoding: try encoder.encode(group), as: UTF8.self)
            // The pretty printer leaves the blank line of an empty array unindented.
            let nested = json.split(separator: "\n", omittingEmptySubsequences: false)
                .map { $0.isEmpty ? "" : "    " + $0 }
                .joined(separator: "\n")
            try sink(nested + (index == groups.count - 1 ? "\n" : ",\n"))
        }
        try sink("  ]" + text[slot.upperBound...] + "\n")
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
        var text = ""
        try writePartial(fleet) { text += $0 }
        return text
    }

    /// `partial(_:)` handed to `sink` a group at a time (`CrashFleet.PartialWriter`: the same
    /// bytes `JSONEncoder` writes, in signature order, without the encoder's tree).
    public static func writePartial(_ fleet: FleetAggregate, to sink: (String) throws -> Void) throws {
        try PartialWriter.write(fleet) { try sink(String(decoding: $0, as: UTF8.self)) }
    }

    static func encoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        return encoder
    }
}
