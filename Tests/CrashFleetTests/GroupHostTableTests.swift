import CrashFleet
import Foundation
import KernelLog
import Testing

/// A group keeps one entry per host (crash count, attribute-set numbers) and derives the
/// per-attribute host sets: they must be the sets the group used to keep.
@Suite struct GroupHostTableTests {
    /// Reports of one host that differ (modules, kernel), hosts that repeat a report, a host
    /// without attributes: the host sets and over-representation counts, as the union of what
    /// each host's reports said.
    @Test func hostSetsAreTheUnionOfEachHostsReports() {
        let context = FleetSupport.context
        var group = GroupAggregate(signature: "s", signatureVersion: 1)
        let reports: [(host: String, release: String?, modules: [String])] = [
            ("a", "6.1", ["m1", "m2"]), ("a", "6.2", ["m2", "m3"]), ("a", "6.1", ["m1", "m2"]),
            ("b", "6.1", ["m1"]), ("b", "6.1", ["m1"]), ("c", nil, []), ("d", "6.2", ["m3", "m3"]),
        ]
        var expectedValues: [String: [String: Set<String>]] = [:]
        var expectedCategories: [String: Set<String>] = [:]
        for (index, report) in reports.enumerated() {
            let record = FleetSupport.record(
                title: "t", host: report.host, release: report.release, modules: report.modules)
            group.add(record, id: "id\(index)", host: report.host, context: context)
            if let release = report.release {
                expectedValues["kernel", default: [:]][release, default: []].insert(report.host)
                expectedCategories["kernel", default: []].insert(report.host)
            }
            for module in report.modules {
                expectedValues["module", default: [:]][module, default: []].insert(report.host)
                expectedCategories["module", default: []].insert(report.host)
            }
        }
        #expect(group.hosts == ["a": 3, "b": 2, "c": 1, "d": 1])
        #expect(group.attributeHosts == expectedValues)
        #expect(group.categoryHosts == expectedCategories)
    }

    /// A partial's host tables come back as written: a host named only in the attribute tables,
    /// a count of zero, a count beyond 32 bits (merged by summing), unknown categories dropped.
    @Test func partialHostTablesRoundTrip() throws {
        let json = """
            {"signature":"s","signature_version":1,"crashes":3,"events":0,"follow_ups":0,"corrupted":0,\
            "panicked":0,"future_clock":0,"without_release":0,"without_wall_clock":0,\
            "hosts":{"a":2,"b":0,"big":1099511627776},"releases":{},"hardware":{},"bios":{},"taint_letters":[],\
            "days":{},"attribute_hosts":{"kernel":{"6.1":["a","x"]},"module":{"m":["a"]},"colour":{"red":["a"]}},\
            "category_hosts":{"kernel":["a","x","b"],"module":["a"]},"record_ids":["0000000000000001","by-hand"],\
            "id_limit":10}
            """
        let group = try JSONDecoder().decode(GroupAggregate.self, from: Data(json.utf8))
        #expect(group.hosts == ["a": 2, "b": 0, "big": 1 << 40])
        #expect(group.attributeHosts == ["kernel": ["6.1": ["a", "x"]], "module": ["m": ["a"]]])
        #expect(group.categoryHosts == ["kernel": ["a", "x", "b"], "module": ["a"]])
        #expect(Array(group.recordIDs) == ["0000000000000001", "by-hand"])
        let again = try JSONDecoder().decode(GroupAggregate.self, from: try JSONEncoder().encode(group))
        #expect(again == group)
        #expect(again.hosts == group.hosts && again.attributeHosts == group.attributeHosts)
        var doubled = group
        doubled.merge(group)
        #expect(doubled.hosts == ["a": 4, "b": 0, "big": 1 << 41])
        #expect(doubled.attributeHosts == group.attributeHosts)
        #expect(doubled.categoryHosts == group.categoryHosts)
    }

    /// Fleet host facts go through the same table: what `hosts` gives back is what was added.
    @Test func fleetHostFactsComeBackAsAdded() {
        var facts = HostFacts()
        facts.add(.kernel, "6.1")
        facts.add(.module, "m")
        facts.markKnown(.taint)
        var other = HostFacts()
        other.add(.kernel, "6.2")
        var fleet = FleetAggregate()
        fleet.add(hostFacts: ["a": facts, "b": HostFacts()])
        fleet.add(hostFacts: ["a": other])
        var expected = facts
        expected.merge(other)
        #expect(fleet.hosts == ["a": expected, "b": HostFacts()])
    }
}
