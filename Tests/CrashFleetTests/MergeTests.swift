import CrashOutput
import Foundation
import KtriageBytes
import KtriageTestSupport
import Testing

@testable import CrashFleet

@Suite("Grouping as a merge of partial aggregates")
struct MergeTests {
    @Test("shards grouped apart and merged in any order equal one run over everything")
    func shardsMerge() throws {
        let items = FleetSupport.items()
        let whole = try FleetSupport.json(FleetSummary(FleetSupport.group(items)))
        // Three shards of uneven size, interleaved.
        let shards = (0..<3).map { shard in items.enumerated().filter { $0.offset % 3 == shard }.map(\.element) }
        let partials = shards.map { FleetSupport.group($0) }
        for order in [[0, 1, 2], [2, 0, 1], [1, 2, 0]] {
            var merged = FleetAggregate()
            for index in order { merged.merge(partials[index]) }
            // Errors are kept in merge order; the sample fleet has none.
            #expect(try FleetSupport.json(FleetSummary(merged)) == whole)
        }
        // Associativity: (a+b)+c == a+(b+c).
        var left = partials[0]
        left.merge(partials[1])
        left.merge(partials[2])
        var right = partials[1]
        right.merge(partials[2])
        var outer = partials[0]
        outer.merge(right)
        #expect(left == outer)
        #expect(left.overlappingRecords == 0)
    }

    @Test("partials of overlapping inputs are found out: the crashes both hold are counted as overlapping")
    func overlappingPartials() throws {
        let items = FleetSupport.items()
        let half = items.count / 2
        let first = FleetSupport.group(Array(items[..<(half + 10)]))
        let second = FleetSupport.group(Array(items[half...]))
        let shared = FleetSupport.group(Array(items[half..<(half + 10)]))
        #expect(shared.records > 0)
        var merged = first
        merged.merge(second)
        #expect(merged.overlappingRecords == shared.records)
        #expect(merged.records == FleetSupport.group(items).records + shared.records)
        var twice = FleetSupport.group(items)
        twice.merge(FleetSupport.group(items))
        #expect(twice.overlappingRecords == twice.records / 2)
    }

    @Test("partials survive their JSON form (group --format partial, --merge)")
    func partialRoundTrip() throws {
        let items = FleetSupport.items()
        let half = items.count / 2
        let first = FleetSupport.group(Array(items[..<half]))
        let second = FleetSupport.group(Array(items[half...]))
        let folder = Fixtures.temporaryFolder("ktriage-partial")
        var merged = FleetAggregate()
        for (index, partial) in [first, second].enumerated() {
            let path = folder + "/shard\(index).json"
            #expect(Fixtures.write(Array(try FleetJSON.partial(partial).utf8), to: path))
            merged.merge(try PartialFile.read(path: path))
        }
        #expect(
            try FleetSupport.json(FleetSummary(merged)) == FleetSupport.json(FleetSummary(FleetSupport.group(items))))
        let bad = folder + "/bad.json"
        Fixtures.write(Array("{\"groups\": 3}".utf8), to: bad)
        #expect(throws: PartialFile.Failure.self) { try PartialFile.read(path: bad) }
    }

    /// `group --format partial` writes a group at a time: the aggregate the encoder's whole
    /// document holds, its groups in signature order, the same bytes every time (sets sorted).
    @Test("a partial written a group at a time holds the aggregate, its groups sorted, the same bytes each time")
    func partialWrittenByGroup() throws {
        let fleet = FleetSupport.group(FleetSupport.items())
        #expect(fleet.groups.count > 3)
        var pieces: [String] = []
        try FleetJSON.writePartial(fleet) { pieces.append($0) }
        #expect(pieces.count == fleet.groups.count + 1)  // the head goes with the first group
        let text = pieces.joined()
        #expect(try JSONDecoder().decode(FleetAggregate.self, from: Data(text.utf8)) == fleet)
        #expect(try FleetJSON.partial(fleet) == text)
        #expect(try FleetJSON.partial(JSONDecoder().decode(FleetAggregate.self, from: Data(text.utf8))) == text)
        let groups = try #require(
            (try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])?["groups"] as? [Any])
        let signatures = groups.enumerated().compactMap { index, item in
            index % 2 == 0 ? (item as? [String: Any])?["signature"] as? String : nil
        }
        #expect(signatures.count == fleet.groups.count)
        #expect(signatures == signatures.sorted())
        for groupCount in [0, 1] {
            var few = fleet
            few.groups = Dictionary(uniqueKeysWithValues: fleet.groups.prefix(groupCount).map { ($0.key, $0.value) })
            let written = try FleetJSON.partial(few)
            #expect(try JSONDecoder().decode(FleetAggregate.self, from: Data(written.utf8)) == few, "\(groupCount)")
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            #expect(written == String(decoding: try encoder.encode(few), as: UTF8.self), "\(groupCount)")
        }
    }

    @Test("a partial read a group at a time, on any number of threads, equals the whole-document decode")
    func partialReadByGroup() throws {
        let fleet = FleetSupport.group(FleetSupport.items())
        let text = try FleetJSON.partial(fleet)
        let whole = try JSONDecoder().decode(FleetAggregate.self, from: Data(text.utf8))
        #expect(whole == fleet)
        for jobs in [1, 2, 5] {
            let read = try Array(text.utf8).withUnsafeBytes { try PartialFile.read($0, path: "p.json", jobs: jobs) }
            #expect(read == whole, "jobs \(jobs)")
        }
        // Pretty-printed (whitespace between every token) reads the same.
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted]
        let pretty = try encoder.encode(fleet)
        #expect(try Array(pretty).withUnsafeBytes { try PartialFile.read($0, path: "p.json") } == whole)
        let broken: [(String, String)] = [
            ("[1, 2]", "not a JSON object"),
            (String(text.dropLast()), "not a JSON object"),
            (text.replacingOccurrences(of: "\"groups\":[{", with: "\"groups\":[{\"x\":1},{"), "groups"),
            (
                text.replacingOccurrences(of: "\"groups\":[", with: "\"groups\":[{\"signature\":\"a\",\"version\":1},"),
                "a key without its group"
            ),
        ]
        for (document, reason) in broken {
            #expect {
                _ = try Array(document.utf8).withUnsafeBytes { try PartialFile.read($0, path: "bad.json") }
            } throws: { error in
                let message = (error as? PartialFile.Failure)?.description ?? ""
                return message.hasPrefix("bad.json: not a ktriage partial grouping") && message.contains(reason)
                    || reason == "groups" && message.hasPrefix("bad.json: not a ktriage partial grouping")
            }
        }
    }

    @Test("the hosts' facts, read on the cursor or (when unusual) by the decoder, are the decoder's")
    func hostFactsRead() throws {
        let shell =
            #"{"schema":2,"inputs":1,"unreadable_inputs":0,"records":0,"follow_ups":0,"orphan_follow_ups":0,"#
            + #""future_clock":0,"future_clock_hosts":[],"without_release":0,"filtered_out":0,"duplicates":0,"#
            + #""errors":[],"id_limit":10,"groups":[],"hosts":"#
        let hostsMembers = [
            // Plain: read on the cursor; values in any order, repeated, unknown categories and members.
            #"{"a":{"values":{"kernel":["6.1","5.10","6.1"],"module":["z","a"],"taint":[],"colour":["red"]},"x":1},"#
                + #""b":{"values":{}},"c":{"values":{"bios":["1.0 \"x\" \\ y"]}}}"#,
            // An escaped host name (and the same name unescaped), a host twice, `values` twice, a host without `values`: the decoder's way.
            #"{"h\u00e9":{"values":{"kernel":["6.1"]}},"hé":{"values":{}}}"#,
            #"{"a":{"values":{"kernel":["6.1"]}},"a":{"values":{"kernel":["5.10"]}}}"#,
            #"{"a":{"values":{"kernel":["6.1"]},"values":{}}}"#,
            #"{"a":{"other":1}}"#,
        ]
        for (index, hosts) in hostsMembers.enumerated() {
            let document = shell + hosts + "}"
            let decoded = Result { try JSONDecoder().decode(FleetAggregate.self, from: Data(document.utf8)) }
            // The last lacks `values`, which the decoder requires: refused both ways.
            #expect((try? decoded.get()) == nil ? index == hostsMembers.count - 1 : true, "\(hosts)")
            let read = Result { try Array(document.utf8).withUnsafeBytes { try PartialFile.read($0, path: "p.json") } }
            switch (decoded, read) {
            case (.success(let decoded), .success(let read)):
                #expect(read == decoded, "\(hosts)")
                #expect(read.hosts == decoded.hosts, "\(hosts)")
            case (.failure, .failure): break
            default: Issue.record("\(hosts): decoder \(decoded), reader \(read)")
            }
        }
    }

    @Test("the byte reader reads every group as JSONDecoder does, and declines what it is unsure of")
    func groupByteReader() throws {
        var fleet = FleetSupport.group(FleetSupport.items())
        fleet.merge(FleetSupport.group(FleetSupport.items("events")))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        #expect(fleet.groups.count > 5)
        for group in fleet.groups.values {
            let json = try encoder.encode(group)
            let read = Array(json).withUnsafeBytes { GroupAggregateReader.read($0, registry: HostAttributeSets()) }
            #expect(read == (try JSONDecoder().decode(GroupAggregate.self, from: json)), "\(group.signature)")
            #expect(read == group)
        }
        let text = String(decoding: try encoder.encode(try #require(fleet.groups.values.first)), as: UTF8.self)
        let unsure = [
            "{\"crashes\":1," + text.dropFirst(),  // a repeated key
            text.replacingOccurrences(of: "\"crashes\":", with: "\"crashes\":1.0,\"x\":"),  // a fraction
            text.replacingOccurrences(of: "\"id_limit\"", with: "\"id\\u005flimit\""),  // an escaped key
            text.replacingOccurrences(of: "\"signature_version\":", with: "\"ignored\":"),  // a required key missing
        ]
        for document in unsure {
            #expect(
                Array(document.utf8).withUnsafeBytes { GroupAggregateReader.read($0, registry: HostAttributeSets()) }
                    == nil, "\(document.prefix(60))")
        }
        // Record ids are read as values while they have `RecordIdentity`'s form, as strings from
        // the first that has not: either way as the decoder reads them.
        #expect(text.contains("\"record_ids\":[\""))
        let ids = [
            "\"custom-1\",", "\"0000000000000001\",\"custom-2\",", "\"\\u00300000000000000002\",",
            "\"ABCDEF0123456789\",", "\"0000000000000003\",",
        ]
        for prefix in ids {
            let document = text.replacingOccurrences(of: "\"record_ids\":[", with: "\"record_ids\":[" + prefix)
            let read = Array(document.utf8).withUnsafeBytes {
                GroupAggregateReader.read($0, registry: HostAttributeSets())
            }
            let decoded = try JSONDecoder().decode(GroupAggregate.self, from: Data(document.utf8))
            #expect(read == decoded, "\(prefix)")
            #expect(read?.recordIDs == decoded.recordIDs, "\(prefix)")
        }
    }

    @Test("a partial whose counts no grouping writes is refused before merging (sums cannot overflow)")
    func implausiblePartial() throws {
        let folder = Fixtures.temporaryFolder("ktriage-partial-range")
        var partial = FleetSupport.group(Array(FleetSupport.items().prefix(4)))
        partial.records = FleetAggregate.maxPartialCount
        let edge = folder + "/edge.json"
        #expect(Fixtures.write(Array(try FleetJSON.partial(partial).utf8), to: edge))
        var merged = try PartialFile.read(path: edge)
        merged.merge(try PartialFile.read(path: edge))
        #expect(merged.records == 2 * FleetAggregate.maxPartialCount)

        partial.records = FleetAggregate.maxPartialCount + 1
        let past = folder + "/past.json"
        #expect(Fixtures.write(Array(try FleetJSON.partial(partial).utf8), to: past))
        #expect(throws: PartialFile.Failure.self) { try PartialFile.read(path: past) }
        partial.records = 0
        var group = GroupAggregate(signature: "s", signatureVersion: 1)
        group.days = [Int.max: 1]
        partial.groups[GroupKey(signature: "s", version: 1)] = group
        #expect(Fixtures.write(Array(try FleetJSON.partial(partial).utf8), to: past))
        do {
            _ = try PartialFile.read(path: past)
            Issue.record("a day number past Int64 microseconds was accepted")
        } catch {
            #expect("\(error)".contains("a day of group"))
        }
    }

    /// `FuzzPartial` (2026-12-06): a group's `events` at `Int.max` passed the range checks, which
    /// left `events` out, and merging the partial with itself trapped on the sum.
    @Test("a group claiming Int.max events, or more events than crashes, is refused (fuzz regression)")
    func eventsOutOfRange() throws {
        do {
            _ = try PartialFile.read(path: Fixtures.path("regressions/partial-events-overflow.json"))
            Issue.record("a group with Int.max events was accepted")
        } catch {
            #expect("\(error)".contains("out of range"), "\(error)")
        }
        let folder = Fixtures.temporaryFolder("ktriage-partial-events")
        var partial = FleetSupport.group(FleetSupport.items())
        let key = try #require(partial.groups.keys.first)
        var group = try #require(partial.groups[key])
        group.events = group.crashes + 1
        partial.groups[key] = group
        let path = folder + "/events.json"
        #expect(Fixtures.write(Array(try FleetJSON.partial(partial).utf8), to: path))
        do {
            _ = try PartialFile.read(path: path)
            Issue.record("a group with more events than crashes was accepted")
        } catch {
            #expect("\(error)".contains("more events than crashes"), "\(error)")
        }
    }

    /// A partial of `count` groups, each claiming `FleetAggregate.maxPartialCount` crashes (the
    /// most a count may be), written to a file.
    static func partialOfLargeGroups(_ count: Int, folder: String) throws -> String {
        var partial = FleetAggregate()
        for index in 0..<count {
            var group = GroupAggregate(signature: "large-\(index)", signatureVersion: 1)
            group.crashes = FleetAggregate.maxPartialCount
            partial.groups[GroupKey(signature: group.signature, version: 1)] = group
        }
        let path = folder + "/large-\(count).json"
        #expect(Fixtures.write(Array(try FleetJSON.partial(partial).utf8), to: path))
        return path
    }

    /// Found by reading the code: every count of a partial was in range, but a summary adds
    /// counts across groups, and a merge across partials. One partial of 32,768 groups at
    /// `maxPartialCount` (`records += group.crashes` in `FleetSummary`), or 2,200 merges of one
    /// of 15 such groups, passed Int.max and trapped (`group --merge`, checked from the CLI).
    @Test("a partial whose counts total more than maxPartialTotal is refused; merging stops at maxMergedTotal")
    func countTotals() throws {
        let folder = Fixtures.temporaryFolder("ktriage-partial-totals")
        // 17 × 2^48 > 2^52: refused, though each count is in range.
        do {
            _ = try PartialFile.read(path: try Self.partialOfLargeGroups(17, folder: folder))
            Issue.record("a partial whose counts total 17 × 2^48 was accepted")
        } catch {
            #expect("\(error)".contains("its counts total more than \(FleetAggregate.maxPartialTotal)"), "\(error)")
        }
        // 15 × 2^48 is accepted; merged again and again it stops short of maxMergedTotal (2,200
        // merges summed to more than Int.max in the summary).
        let partial = try PartialFile.read(path: try Self.partialOfLargeGroups(15, folder: folder))
        var merged = FleetAggregate()
        let fitting = FleetAggregate.maxMergedTotal / (15 * FleetAggregate.maxPartialCount)
        for _ in 0..<2_200 { merged.merge(partial) }
        #expect(merged.groups.values.allSatisfy { $0.crashes == fitting * FleetAggregate.maxPartialCount })
        #expect(!merged.errors.isEmpty)
        #expect(merged.errors.allSatisfy { $0.hasPrefix("a partial was not merged") }, "\(merged.errors.prefix(2))")
        // `group --merge` names the file left out (the list of errors is full by now).
        merged.errors = []
        merged.merge(partial, source: "shard-7.json")
        #expect(merged.errors.first?.hasPrefix("shard-7.json: a partial was not merged") == true)
        let summary = FleetSummary(merged)
        #expect(summary.groups.count == 15)
    }

    @Test("record id lists keep the smallest ids whatever the merge order")
    func idLimit() {
        var a = GroupAggregate(signature: "s", signatureVersion: 1, idLimit: 3)
        var b = GroupAggregate(signature: "s", signatureVersion: 1, idLimit: 3)
        let context = FleetSupport.context
        for (index, id) in ["e", "a", "c"].enumerated() {
            a.add(FleetSupport.record(title: "t", host: "h\(index)"), id: id, host: "h\(index)", context: context)
        }
        for (index, id) in ["d", "b"].enumerated() {
            b.add(FleetSupport.record(title: "t", host: "g\(index)"), id: id, host: "g\(index)", context: context)
        }
        var ab = a
        ab.merge(b)
        var ba = b
        ba.merge(a)
        #expect(ab.recordIDs == ["a", "b", "c"])
        #expect(ab == ba)
        #expect(!ab.recordIDsComplete)
    }
}
