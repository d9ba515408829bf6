import Foundation
import Testing

@testable import CrashFleet

@Suite("Partial writer")
struct PartialWriterTests {
    /// What `group --format partial` wrote before `PartialWriter`: the aggregate without its
    /// groups through `JSONEncoder`, the groups spliced in one at a time in signature order.
    static func encoderPartial(_ fleet: FleetAggregate) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var shell = fleet
        shell.groups = [:]
        let text = String(decoding: try encoder.encode(shell), as: UTF8.self)
        let slot = try #require(text.range(of: ",\"groups\":[]"))
        let keys = fleet.groups.keys.sorted { ($0.signature, $0.version) < ($1.signature, $1.version) }
        let pairs = try keys.map { key in
            String(decoding: try encoder.encode(key), as: UTF8.self) + ","
                + String(decoding: try encoder.encode(fleet.groups[key]), as: UTF8.self)
        }
        return text[..<slot.lowerBound] + ",\"groups\":[" + pairs.joined(separator: ",") + "]"
            + text[slot.upperBound...]
    }

    static func written(_ fleet: FleetAggregate) throws -> String {
        var bytes: [UInt8] = []
        try PartialWriter.write(fleet) { bytes += $0 }
        return String(decoding: bytes, as: UTF8.self)
    }

    @Test("the sample fleet's partial is the encoder's bytes")
    func sampleFleet() throws {
        let fleet = FleetSupport.group(FleetSupport.items())
        #expect(fleet.groups.count > 3)
        #expect(try Self.written(fleet) == Self.encoderPartial(fleet))
    }

    /// Names with every character the escaping distinguishes, keys that sort differently as
    /// numbers and as strings, optional members present and absent.
    @Test("awkward names, numbers and optional members are written as the encoder writes them")
    func awkwardAggregate() throws {
        let awkward = #"q\"uo\\te/sl\u0001\u0008\u000c\n\r\t\u001f\u007f é \u2028 中"#
        let group = #"""
            {"signature":"s\"1","signature_version":2,"crashes":3,"events":1,"follow_ups":1,"corrupted":1,
             "panicked":0,"future_clock":0,"without_release":1,"without_wall_clock":0,
             "releases":{"6.1.0-18-amd64":2,"unknown":1,"10.0":4},"hardware":{"\#(awkward)":1},"bios":{},
             "taint_letters":["W","G","O"],"modules_in_every":["z","a\tb"],"first_seen_us":-5,
             "last_seen_us":1700000000000000,"days":{"19000":2,"3":1,"200":4},
             "hosts":{"node10":1,"node9":2,"\#(awkward)":3,"Node1":1},
             "attribute_hosts":{"kernel":{"6.1":["node9","node10"],"\#(awkward)":["Node1"]},"bios":{}},
             "category_hosts":{"kernel":["node9","node10","Node1"],"taint":[]},
             "record_ids":["00000000000000ff","0000000000000a00","x\"y"],"id_limit":10,
             "representative_id":"0000000000000a00"}
            """#
        let bare = #"""
            {"signature":"s0","signature_version":1,"crashes":1,"events":0,"follow_ups":0,"corrupted":0,
             "panicked":1,"future_clock":1,"without_release":0,"without_wall_clock":1,"releases":{},
             "hardware":{},"bios":{},"taint_letters":[],"days":{},"hosts":{},"attribute_hosts":{},
             "category_hosts":{},"record_ids":[],"id_limit":0}
            """#
        let document = #"""
            {"schema":2,"inputs":3,"unreadable_inputs":1,"records":5,"follow_ups":1,"orphan_follow_ups":2,
             "future_clock":1,"future_clock_hosts":["z\"host","a\\host","Z"],"without_release":1,
             "filtered_out":4,"duplicates":2,"errors":["\#(awkward)","plain"],"id_limit":10,
             "hosts":{"h\u00e9":{"values":{"kernel":["6.1","5.10"],"taint":[]}},"node10":{"values":{}}},
             "groups":[{"signature":"s\"1","version":2},\#(group),{"signature":"s0","version":1},\#(bare)]}
            """#
        var fleet = try JSONDecoder().decode(FleetAggregate.self, from: Data(document.utf8))
        #expect(fleet.groups.count == 2)
        // A representative record, from the sample fleet.
        let sample = FleetSupport.group(FleetSupport.items())
        let key = try #require(fleet.groups.keys.first { $0.signature == "s\"1" })
        fleet.groups[key]?.representative = sample.groups.values.compactMap(\.representative).first
        #expect(fleet.groups[key]?.representative != nil)
        let written = try Self.written(fleet)
        #expect(written == (try Self.encoderPartial(fleet)))
        #expect(try JSONDecoder().decode(FleetAggregate.self, from: Data(written.utf8)) == fleet)
    }
}
