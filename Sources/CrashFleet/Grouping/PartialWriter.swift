import KtriageBytes

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// Writes a partial (`group --format partial`, read back by ``PartialFile``) as the bytes
/// `JSONEncoder` gives the aggregate's `Encodable` form with `.sortedKeys` and
/// `.withoutEscapingSlashes`, without the encoder's tree: a million records' partial holds about
/// five million host names and ids, and encoding it took 2.5 times as long as grouping the
/// records (17.7 s for the million).
///
/// What the encoder does and this repeats (`PartialWriterTests` compares the two on aggregates
/// with every member filled and awkward names): members sorted by key with `String`'s `<`,
/// integer dictionary keys (`days`) written as strings and sorted as strings, `nil` members left
/// out, strings escaped as `EncoderJSONText` escapes them, no spaces. The groups (a dictionary whose keys are
/// not strings: an array of key, value, key, value) come in signature order, and sets sorted, so
/// the same aggregate writes the same bytes on every run. The representative record is encoded
/// by `JSONEncoder` itself (one per group).
public struct PartialWriter {
    private var bytes: [UInt8] = []

    private init() {}

    /// Writes `fleet`, handing the bytes to `sink` a group at a time (memory holds one group's
    /// text, not the whole partial's).
    public static func write(_ fleet: FleetAggregate, to sink: ([UInt8]) throws -> Void) throws {
        var writer = PartialWriter()
        writer.byte(UInt8(ascii: "{"))
        writer.member("duplicates", first: true, int: fleet.duplicates)
        writer.member("errors")
        writer.strings(fleet.errors)
        writer.member("filtered_out", int: fleet.filteredOut)
        writer.member("follow_ups", int: fleet.followUps)
        writer.member("future_clock", int: fleet.futureClock)
        writer.member("future_clock_hosts")
        writer.strings(fleet.futureClockHosts.sorted())
        writer.member("groups")
        writer.byte(UInt8(ascii: "["))
        let keys = fleet.groups.keys.sorted { ($0.signature, $0.version) < ($1.signature, $1.version) }
        for (index, key) in keys.enumerated() {
            guard let group = fleet.groups[key] else { continue }
            if index > 0 { writer.byte(UInt8(ascii: ",")) }
            writer.byte(UInt8(ascii: "{"))
            writer.member("signature", first: true)
            writer.string(key.signature)
            writer.member("version", int: key.version)
            writer.byte(UInt8(ascii: "}"))
            writer.byte(UInt8(ascii: ","))
            try writer.write(group)
            try sink(writer.bytes)
            writer.bytes.removeAll(keepingCapacity: true)
        }
        writer.byte(UInt8(ascii: "]"))
        writer.member("hosts")
        writer.object(fleet.hosts) { writer, facts in
            writer.byte(UInt8(ascii: "{"))
            writer.member("values", first: true)
            writer.object(facts.values) { writer, values in writer.strings(values.sorted()) }
            writer.byte(UInt8(ascii: "}"))
        }
        writer.member("id_limit", int: fleet.idLimit)
        writer.member("inputs", int: fleet.inputs)
        writer.member("orphan_follow_ups", int: fleet.orphanFollowUps)
        writer.member("records", int: fleet.records)
        writer.member("schema", int: fleet.schema)
        writer.member("unreadable_inputs", int: fleet.unreadableInputs)
        writer.member("without_release", int: fleet.withoutRelease)
        writer.byte(UInt8(ascii: "}"))
        try sink(writer.bytes)
    }

    /// One group's value, as `GroupAggregate.encode(to:)` writes it.
    private mutating func write(_ group: GroupAggregate) throws {
        let attributeHosts = group.attributeHosts
        let categoryHosts = group.categoryHosts
        byte(UInt8(ascii: "{"))
        // Members in key order (the coding keys' string values, sorted).
        member("attribute_hosts", first: true)
        object(attributeHosts) { writer, values in
            writer.object(values) { writer, hosts in writer.strings(hosts.sorted()) }
        }
        member("bios")
        counts(group.bios)
        member("category_hosts")
        object(categoryHosts) { writer, hosts in writer.strings(hosts.sorted()) }
        member("corrupted", int: group.corrupted)
        member("crashes", int: group.crashes)
        member("days")
        counts(Dictionary(uniqueKeysWithValues: group.days.map { (String($0.key), $0.value) }))
        member("events", int: group.events)
        if let firstSeen = group.firstSeen {
            member("first_seen_us", int: Int(firstSeen))
        }
        member("follow_ups", int: group.followUps)
        member("future_clock", int: group.futureClock)
        member("hardware")
        counts(group.hardware)
        member("hosts")
        counts(group.hosts)
        member("id_limit", int: group.idLimit)
        if let lastSeen = group.lastSeen {
            member("last_seen_us", int: Int(lastSeen))
        }
        if let modules = group.modulesInEvery {
            member("modules_in_every")
            strings(modules.sorted())
        }
        member("panicked", int: group.panicked)
        member("record_ids")
        strings(group.recordIDs)
        member("releases")
        counts(group.releases)
        if let representative = group.representative {
            member("representative")
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            bytes.append(contentsOf: try encoder.encode(representative))
        }
        if let representativeID = group.representativeID {
            member("representative_id")
            string(representativeID)
        }
        if let frames = group.sharedFrames {
            member("shared_frames")
            strings(frames.sorted())
        }
        member("signature")
        string(group.signature)
        member("signature_version", int: group.signatureVersion)
        member("taint_letters")
        strings(group.taintLetters.sorted())
        member("without_release", int: group.withoutRelease)
        member("without_wall_clock", int: group.withoutWallClock)
        byte(UInt8(ascii: "}"))
    }

    private mutating func byte(_ value: UInt8) { bytes.append(value) }

    /// `"key":value` for an integer.
    private mutating func member(_ key: StaticString, first: Bool = false, int value: Int) {
        member(key, first: first)
        int(value)
    }

    /// `"key":`, after a comma unless it is the object's first member; keys here need no escape.
    private mutating func member(_ key: StaticString, first: Bool = false) {
        if !first { byte(UInt8(ascii: ",")) }
        byte(UInt8(ascii: "\""))
        bytes.append(contentsOf: UnsafeBufferPointer(start: key.utf8Start, count: key.utf8CodeUnitCount))
        byte(UInt8(ascii: "\""))
        byte(UInt8(ascii: ":"))
    }

    private mutating func object<Value>(_ members: [String: Value], _ value: (inout Self, Value) -> Void) {
        byte(UInt8(ascii: "{"))
        for (index, key) in members.keys.sorted().enumerated() {
            if index > 0 { byte(UInt8(ascii: ",")) }
            string(key)
            byte(UInt8(ascii: ":"))
            if let member = members[key] { value(&self, member) }
        }
        byte(UInt8(ascii: "}"))
    }

    private mutating func counts(_ members: [String: Int]) { object(members) { writer, count in writer.int(count) } }

    private mutating func strings<Strings: Collection<String>>(_ values: Strings) {
        byte(UInt8(ascii: "["))
        for (index, value) in values.enumerated() {
            if index > 0 { byte(UInt8(ascii: ",")) }
            string(value)
        }
        byte(UInt8(ascii: "]"))
    }

    private mutating func int(_ value: Int) { bytes.append(contentsOf: String(value).utf8) }

    private mutating func string(_ value: String) { EncoderJSONText.appendQuoted(value, to: &bytes) }
}
