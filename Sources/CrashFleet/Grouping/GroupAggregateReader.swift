import Foundation
import KernelLog
import KtriageBytes

/// Reads one group of a partial (`group --format partial`) with a byte cursor: the keys and
/// types `GroupAggregate.init(from:)` decodes, straight into the group, without the decoder's
/// tree and per-value dispatch (`JSONDecoder` was 80% of `group --merge`).
///
/// Anything this reader is unsure about (a repeated key, an escaped key, a number with a
/// fraction, an integer key written other than plainly, a missing required key) returns `nil`,
/// and `PartialFile` decodes that group with `JSONDecoder`, so every partial is accepted or
/// refused exactly as before. The representative record, one per group, is decoded by
/// `JSONDecoder` here too.
enum GroupAggregateReader {
    typealias Key = GroupAggregate.CodingKeys

    /// `registry`: the fleet's attribute sets, which the group's host table numbers in.
    static func read(_ bytes: UnsafeRawBufferPointer, registry: HostAttributeSets) -> GroupAggregate? {
        var cursor = JSONCursor(bytes)
        var fields = Fields()
        var seen = Set<Key>()
        let walked = cursor.forEachMember { name, cursor in
            guard let key = keys.value(of: name) else { return cursor.skipValue() }
            guard seen.insert(key).inserted else { return false }
            return read(key, into: &fields, from: &cursor, bytes: bytes)
        }
        guard walked, cursor.atEnd(), seen.isSuperset(of: required) else { return nil }
        return fields.group(registry: registry)
    }

    /// The keys `GroupAggregate.init(from:)` reads with `decode` (the rest with `decodeIfPresent`).
    static let required: Set<Key> = [
        .signature, .signatureVersion, .crashes, .events, .followUps, .corrupted, .panicked, .futureClock,
        .withoutRelease, .withoutWallClock, .releases, .hardware, .bios, .taintLetters, .days, .hosts,
        .attributeHosts, .categoryHosts, .recordIDs, .idLimit,
    ]

    static let keys = ByteNameTable(
        [
            Key.signature, .signatureVersion, .crashes, .events, .followUps, .corrupted, .panicked, .futureClock,
            .withoutRelease, .withoutWallClock, .hosts, .releases, .hardware, .bios, .taintLetters, .modulesInEvery,
            .sharedFrames, .firstSeen, .lastSeen, .days, .attributeHosts, .categoryHosts, .recordIDs, .idLimit,
            .representative, .representativeID,
        ].map { ($0.rawValue, $0) })

    /// What has been read so far.
    struct Fields {
        var signature = ""
        var signatureVersion = 0
        var counts: [Key: Int] = [:]
        var releases: [String: Int] = [:]
        var hardware: [String: Int] = [:]
        var bios: [String: Int] = [:]
        var taintLetters: Set<String> = []
        var modulesInEvery: Set<String>?
        var sharedFrames: Set<String>?
        var firstSeen: Int64?
        var lastSeen: Int64?
        var days: [Int: Int] = [:]
        /// Crashes per host, the hosts as `HostNames` numbers.
        var hosts: [(host: UInt32, crashes: Int)] = []
        /// Host names as `HostNames` numbers, each set as read (`GroupHostTable` drops repeats).
        var attributeHosts: [(category: String, value: String, hosts: [UInt32])] = []
        var categoryHosts: [(category: String, hosts: [UInt32])] = []
        /// The ids while all have `RecordIdentity`'s form, as values; else `recordIDs`.
        var recordNumbers: [UInt64] = []
        var recordIDs: [String] = []
        var idLimit = 0
        var representative: CrashRecord?
        var representativeID: String?

        func group(registry: HostAttributeSets) -> GroupAggregate {
            var group = GroupAggregate(
                signature: signature, signatureVersion: signatureVersion, idLimit: idLimit, registry: registry)
            group.crashes = counts[.crashes] ?? 0
            group.events = counts[.events] ?? 0
            group.followUps = counts[.followUps] ?? 0
            group.corrupted = counts[.corrupted] ?? 0
            group.panicked = counts[.panicked] ?? 0
            group.futureClock = counts[.futureClock] ?? 0
            group.withoutRelease = counts[.withoutRelease] ?? 0
            group.withoutWallClock = counts[.withoutWallClock] ?? 0
            group.releases = releases
            group.hardware = hardware
            group.bios = bios
            group.taintLetters = taintLetters
            group.modulesInEvery = modulesInEvery
            group.sharedFrames = sharedFrames
            group.firstSeen = firstSeen
            group.lastSeen = lastSeen
            group.days = days
            group.hostTable = GroupHostTable(
                registry: registry, hostCounts: hosts, attributeHosts: attributeHosts, categoryHosts: categoryHosts)
            group.idList =
                recordIDs.isEmpty ? RecordIDList(sortedNumbers: recordNumbers) : RecordIDList(sorted: recordIDs)
            group.representative = representative
            group.representativeID = representativeID
            return group
        }
    }

    private static func read(
        _ key: Key, into fields: inout Fields, from cursor: inout JSONCursor, bytes: UnsafeRawBufferPointer
    ) -> Bool {
        switch key {
        case .signature:
            guard let value = cursor.readString() else { return false }
            fields.signature = value
        case .signatureVersion:
            guard let value = readInt(&cursor) else { return false }
            fields.signatureVersion = value
        case .idLimit:
            guard let value = readInt(&cursor) else { return false }
            fields.idLimit = value
        case .crashes, .events, .followUps, .corrupted, .panicked, .futureClock, .withoutRelease, .withoutWallClock:
            guard let value = readInt(&cursor) else { return false }
            fields.counts[key] = value
        case .releases: return readCounts(&cursor, into: &fields.releases)
        case .hardware: return readCounts(&cursor, into: &fields.hardware)
        case .bios: return readCounts(&cursor, into: &fields.bios)
        case .hosts: return readHostCounts(&cursor, into: &fields.hosts)
        case .taintLetters:
            guard let set = readStringSet(&cursor) else { return false }
            fields.taintLetters = set
        case .modulesInEvery:
            if cursor.consumeNull() { return true }
            guard let set = readStringSet(&cursor) else { return false }
            fields.modulesInEvery = set
        case .sharedFrames:
            if cursor.consumeNull() { return true }
            guard let set = readStringSet(&cursor) else { return false }
            fields.sharedFrames = set
        case .firstSeen:
            if cursor.consumeNull() { return true }
            guard let value = cursor.readInt64() else { return false }
            fields.firstSeen = value
        case .lastSeen:
            if cursor.consumeNull() { return true }
            guard let value = cursor.readInt64() else { return false }
            fields.lastSeen = value
        case .days: return readDays(&cursor, into: &fields.days)
        case .attributeHosts:
            var categories = Set<String>()
            return cursor.forEachMember { category, cursor in
                guard let name = text(category), categories.insert(name).inserted else { return false }
                var values = Set<String>()
                return cursor.forEachMember { value, cursor in
                    guard let valueName = text(value), values.insert(valueName).inserted,
                        let hosts = readHostNumbers(&cursor)
                    else { return false }
                    fields.attributeHosts.append((name, valueName, hosts))
                    return true
                }
            }
        case .categoryHosts:
            var categories = Set<String>()
            return cursor.forEachMember { category, cursor in
                guard let name = text(category), categories.insert(name).inserted, let hosts = readHostNumbers(&cursor)
                else { return false }
                fields.categoryHosts.append((name, hosts))
                return true
            }
        case .recordIDs:
            // As values while every id has `RecordIdentity`'s form (a million in a large
            // partial), without a `String` each; the strings from the first one that has not.
            return cursor.forEachElement { element in
                guard let body = element.readStringBody() else { return false }
                if fields.recordIDs.isEmpty, !body.escaped, let number = RecordIdentity.number(bytes: body.bytes) {
                    fields.recordNumbers.append(number)
                    return true
                }
                guard let id = body.string else { return false }
                if fields.recordIDs.isEmpty {
                    fields.recordIDs = fields.recordNumbers.map(RecordIdentity.hex)
                    fields.recordNumbers = []
                }
                fields.recordIDs.append(id)
                return true
            }
        case .representative:
            if cursor.consumeNull() { return true }
            let start = cursor.position
            guard cursor.skipValue(),
                let record = try? JSONDecoder().decode(
                    CrashRecord.self, from: Data(UnsafeRawBufferPointer(rebasing: bytes[start..<cursor.position])))
            else { return false }
            fields.representative = record
        case .representativeID:
            if cursor.consumeNull() { return true }
            guard let value = cursor.readString() else { return false }
            fields.representativeID = value
        }
        return true
    }

    /// An `Int`, written as an integer.
    private static func readInt(_ cursor: inout JSONCursor) -> Int? {
        cursor.readInt64().flatMap { Int(exactly: $0) }
    }

    /// A key as a string (the cursor declines keys with escapes or bytes outside ASCII).
    private static func text(_ key: UnsafeRawBufferPointer) -> String? {
        String(decoding: key, as: UTF8.self)
    }

    /// `{"name": count, …}`; a name twice is declined.
    private static func readCounts(_ cursor: inout JSONCursor, into counts: inout [String: Int]) -> Bool {
        cursor.forEachMember { key, cursor in
            guard let name = text(key), counts[name] == nil, let count = readInt(&cursor) else { return false }
            counts[name] = count
            return true
        }
    }

    /// `{"19300": count, …}`: keys are days, written as plain integers.
    private static func readDays(_ cursor: inout JSONCursor, into days: inout [Int: Int]) -> Bool {
        cursor.forEachMember { key, cursor in
            guard let name = text(key), let day = Int(name), String(day) == name, days[day] == nil,
                let count = readInt(&cursor)
            else { return false }
            days[day] = count
            return true
        }
    }

    /// `["host", …]` as `HostNames` numbers: numbered by their bytes, without a `String` each,
    /// when every name is written plainly in ASCII (a million names in a large partial).
    private static func readHostNumbers(_ cursor: inout JSONCursor) -> [UInt32]? {
        var bodies: [JSONStringBody] = []
        let walked = cursor.forEachElement { element in
            guard let body = element.readStringBody() else { return false }
            bodies.append(body)
            return true
        }
        guard walked else { return nil }
        if !bodies.contains(where: \.escaped), let numbers = HostNames.shared.numbers(ofASCII: bodies.map(\.bytes)) {
            return numbers
        }
        let names = bodies.compactMap(\.string)
        return names.count == bodies.count ? HostNames.shared.numbers(of: names) : nil
    }

    /// `{"host": count, …}` as `HostNames` numbers and counts; a name twice is declined. Keys
    /// are plain (the cursor declines escaped and non-ASCII ones).
    private static func readHostCounts(_ cursor: inout JSONCursor, into counts: inout [(host: UInt32, crashes: Int)])
        -> Bool
    {
        var keys: [UnsafeRawBufferPointer] = []
        var values: [Int] = []
        let walked = cursor.forEachMember { key, cursor in
            guard let count = readInt(&cursor) else { return false }
            keys.append(key)
            values.append(count)
            return true
        }
        guard walked, let numbers = HostNames.shared.numbers(ofASCII: keys), Set(numbers).count == numbers.count
        else { return false }
        counts = Array(zip(numbers, values))
        return true
    }

    private static func readStringSet(_ cursor: inout JSONCursor) -> Set<String>? {
        var set = Set<String>()
        let walked = cursor.forEachElement { element in
            guard let value = element.readString() else { return false }
            set.insert(value)
            return true
        }
        return walked ? set : nil
    }
}
