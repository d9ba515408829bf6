import CrashFleet
import Foundation
import Testing

/// Group id lists keep ids as 64-bit values while they have `RecordIdentity`'s form, and add
/// them unsorted: what they list must be what sorted, duplicate-free insertion listed.
@Suite struct RecordIDListTests {
    @Test func idsAndTheirValuesRoundTrip() {
        for value: UInt64 in [0, 1, 0xABC, 0x0123_4567_89AB_CDEF, .max] {
            let id = RecordIdentity.hex(value)
            #expect(id.count == 16)
            #expect(id == String(repeating: "0", count: 16 - String(value, radix: 16).count) + String(value, radix: 16))
            #expect(RecordIdentity.number(id) == value)
        }
        for other in ["", "abc", "0123456789ABCDEF", "0123456789abcdeg", "0123456789abcdef0", "é123456789abcde"] {
            #expect(RecordIdentity.number(other) == nil, "\(other)")
        }
        let record = FleetSupport.record(title: "t", host: "h", mono: 5)
        let id = RecordIdentity.id(of: record, host: "h")
        #expect(RecordIdentity.number(id).map(RecordIdentity.hex) == id)
    }

    /// Random ids with repeats, some of another form, at several limits and merge orders: the
    /// group lists the smallest `limit` distinct ids in order, as the sorted insertion did.
    @Test(arguments: [0, 1, 3, 100, 10_000])
    func groupsListTheSmallestDistinctIds(limit: Int) throws {
        var generator = SeededGenerator(seed: UInt64(limit) + 7)
        for withOddIds in [false, true] {
            var ids: [String] = (0..<3000).map { _ in RecordIdentity.hex(UInt64.random(in: 0...5000, using: &generator))
            }
            if withOddIds {
                ids.insert("zz-by-hand", at: 1700)
                ids.insert("0000000000000003", at: 1800)
                ids.append("A")
            }
            let expected = Array(Set(ids).sorted().prefix(limit))
            var whole = GroupAggregate(signature: "s", signatureVersion: 1, idLimit: limit)
            var parts = [GroupAggregate](
                repeating: GroupAggregate(signature: "s", signatureVersion: 1, idLimit: limit), count: 3)
            for (index, id) in ids.enumerated() {
                let record = FleetSupport.record(title: "t", host: "h\(index % 7)")
                whole.add(record, id: id, host: "h\(index % 7)", context: FleetSupport.context)
                parts[index % 3].add(record, id: id, host: "h\(index % 7)", context: FleetSupport.context)
            }
            #expect(Array(whole.recordIDs) == expected)
            var merged = parts[2]
            merged.merge(parts[0])
            merged.merge(parts[1])
            #expect(Array(merged.recordIDs) == expected)
            #expect(merged.recordIDs == whole.recordIDs)
            #expect(whole.recordIDsComplete == (expected.count == whole.crashes))
        }
    }

    @Test func listsEncodeAsArraysOfStrings() throws {
        let ids = ["00000000000000aa", "00000000000000ab", "by-hand"]
        let list = RecordIDList(sorted: ids)
        #expect(Array(list) == ids)
        let encoded = try JSONEncoder().encode(list)
        #expect(encoded == (try JSONEncoder().encode(ids)))
        #expect(try JSONDecoder().decode(RecordIDList.self, from: encoded) == list)
        let literal: RecordIDList = ["0000000000000001", "0000000000000002"]
        #expect(literal.count == 2 && literal[1] == "0000000000000002")
    }
}
