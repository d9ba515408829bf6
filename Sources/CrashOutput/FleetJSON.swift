import CrashFleet
import KtriageBytes

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
            // The two long lists (a host and an id a line) are written here and spliced into the
            // encoder's text of the rest, where it left them empty.
            var rest = group
            rest.hosts = []
            rest.recordIDs = RecordIDList()
            var json = [UInt8](try encoder.encode(rest))
            splice(&json, member: "hosts", items: group.hosts) { count, bytes in
                bytes.append(contentsOf: "{\n      \"crashes\" : \(count.crashes),\n      \"name\" : ".utf8)
                EncoderJSONText.appendQuoted(count.name, to: &bytes)
                bytes.append(contentsOf: "\n    }".utf8)
            }
            splice(&json, member: "record_ids", items: group.recordIDs) { EncoderJSONText.appendQuoted($0, to: &$1) }
            var nested = indented(json)
            nested.append(contentsOf: (index == groups.count - 1 ? "\n" : ",\n").utf8)
            try sink(String(decoding: nested, as: UTF8.self))
        }
        try sink("  ]" + text[slot.upperBound...] + "\n")
    }

    /// Fills the empty array the pretty printer wrote for a top-level `member` of an object
    /// (`\n  "member" : [\n\n  ]`: raw line breaks occur only between tokens) with `items`,
    /// one a line at its indentation, as the pretty printer writes a non-empty array.
    static func splice<Items: Collection>(
        _ json: inout [UInt8], member: String, items: Items, item: (Items.Element, inout [UInt8]) -> Void
    ) {
        guard !items.isEmpty else { return }
        let empty = Array("\n  \"\(member)\" : [\n\n  ]".utf8)
        guard let start = json.withUnsafeBytes({ ByteScanning.firstIndex(of: empty, in: $0) }) else { return }
        var filled = Array("\n  \"\(member)\" : [".utf8)
        for (index, element) in items.enumerated() {
            filled.append(contentsOf: (index == 0 ? "\n    " : ",\n    ").utf8)
            item(element, &filled)
        }
        filled.append(contentsOf: "\n  ]".utf8)
        json.replaceSubrange(start..<(start + empty.count), with: filled)
    }

    /// Pretty-printed JSON nested one level deeper: four spaces before every line but empty ones
    /// (the pretty printer leaves the blank line of an empty array unindented). Bytes, not a
    /// split into lines: a group with 10,000 ids is 10,000 lines.
    static func indented(_ json: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(json.count + json.count / 8)
        var lineStart = true
        for byte in json {
            if lineStart && byte != UInt8(ascii: "\n") { out.append(contentsOf: [0x20, 0x20, 0x20, 0x20]) }
            out.append(byte)
            lineStart = byte == UInt8(ascii: "\n")
        }
        return out
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
        // Every release (machines want them all); each row lists only its own, so the document
        // grows with the groups' releases, not with groups × releases.
        let rows = summary.groups.map { group in
            Row(
                signature: group.signature, title: group.title,
                crashes: Dictionary(
                    group.kernelReleases.filter { $0.crashes > 0 }.map { ($0.name, $0.crashes) }, uniquingKeysWith: +))
        }
        return String(
            decoding: try encoder().encode(Pivot(releases: summary.releasesByCrashes, rows: rows)), as: UTF8.self)
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
