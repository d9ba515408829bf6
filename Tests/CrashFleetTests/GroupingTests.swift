import CrashFleet
import KernelLog
import KtriageTestSupport
import Testing

@Suite("Fleet grouping on the sample fleet")
struct GroupingTests {
    @Test("the panicking build is the first thing the top group points at")
    func badBuildFirst() throws {
        let summary = FleetSummary(FleetSupport.group(FleetSupport.items()))
        let top = try #require(summary.groups.first)
        #expect(top.title == "BUG: unable to handle kernel NULL pointer dereference in nf_tables_commit")
        #expect(top.hostsAffected == 13)
        #expect(top.kernelReleases.map(\.name) == ["6.1.0-18-amd64"])
        let finding = try #require(top.overRepresented.first)
        #expect(finding.category == "kernel" && finding.value == "6.1.0-18-amd64")
        #expect(finding.groupShare == 1)
        #expect(finding.fleetShare < 0.3)
        #expect(finding.pValue < 1e-6)
        // Hosts without crashes count in the fleet: 64 hosts, of which 15 run the bad build.
        #expect(summary.totals.hosts == 64)
        #expect(finding.fleetHosts == 15 && finding.fleetKnown == 64)
        #expect(top.why.sharedFrames.contains("nfnetlink_rcv_batch"))
        #expect(top.recordIDs.count == top.crashes && top.recordIDsComplete)
    }

    // `Int.max`: a library caller's count is taken as `ChunkedLogReader.maximumJobs` (`4 × jobs` trapped).
    @Test("groups summarised on several threads give the one-thread summary", arguments: [2, 3, 16, Int.max])
    func summaryOnThreads(jobs: Int) throws {
        let fleet = FleetSupport.group(FleetSupport.items())
        #expect(fleet.groups.count > 2)
        let one = try FleetSupport.json(FleetSummary(fleet))
        #expect(try FleetSupport.json(FleetSummary(fleet, jobs: jobs)) == one)
        let events = try FleetSupport.json(FleetSummary(fleet, classes: [.event]))
        #expect(try FleetSupport.json(FleetSummary(fleet, classes: [.event], jobs: jobs)) == events)
    }

    @Test("groups are sorted by hosts affected; bad input is counted, not lost")
    func sortingAndBadInput() {
        let summary = FleetSummary(FleetSupport.group(FleetSupport.items()))
        let hosts = summary.groups.map(\.hostsAffected)
        #expect(hosts == hosts.sorted(by: >))
        #expect(summary.totals.futureClock == 1)
        #expect(summary.groups.reduce(0) { $0 + $1.crashes } == summary.totals.records)
        let watchdog = summary.groups.first { $0.title == "WARNING in dev_watchdog" }
        #expect(watchdog?.futureClock == 1)
        #expect(watchdog?.overRepresented.contains { $0.category == "hardware" && $0.value.hasPrefix("HPE") } == true)
    }

    @Test("two workers give exactly the result of one")
    func parallelIsDeterministic() throws {
        let items = FleetSupport.items()
        let one = try FleetSupport.json(FleetSummary(FleetSupport.group(items, workers: 1)))
        let two = try FleetSupport.json(FleetSummary(FleetSupport.group(items, workers: 2)))
        let four = try FleetSupport.json(FleetSummary(FleetSupport.group(items, workers: 4)))
        #expect(one == two)
        #expect(one == four)
    }

    @Test("a record without a kernel release is counted under unknown, not dropped")
    func withoutRelease() {
        var fleet = FleetAggregate()
        var seen = Set<String>()
        let records = [FleetSupport.record(title: "WARNING in foo", host: "h1", release: nil, mono: 10)]
        fleet.add(records: records, defaultHost: "x", context: FleetSupport.context, seen: &seen)
        #expect(fleet.records == 1 && fleet.withoutRelease == 1)
        let group = FleetSummary(fleet).groups.first
        #expect(group?.kernelReleases.map(\.name) == ["unknown"])
        #expect(group?.withoutRelease == 1)
    }

    @Test("a follow-up in the same trace counts once, in its primary's group")
    func followUps() {
        var fleet = FleetAggregate()
        var seen = Set<String>()
        let records = [
            FleetSupport.record(title: "WARNING in foo", host: "h1", mono: 10),
            FleetSupport.record(
                title: "BUG: unable to handle kernel paging request in bar", host: "h1", mono: 11, linkedTo: 0),
        ]
        fleet.add(records: records, defaultHost: "x", context: FleetSupport.context, seen: &seen)
        #expect(fleet.records == 1)
        #expect(fleet.followUps == 1)
        #expect(fleet.groups.count == 1)
        #expect(fleet.groups.values.first?.followUps == 1)
    }

    @Test("the same crash read from two inputs counts once; --since/--until filter by wall clock")
    func duplicatesAndTimeFilter() {
        let day: Int64 = 86_400_000_000
        let records = [
            FleetSupport.record(title: "WARNING in foo", host: "h1", wall: 10 * day, mono: 5),
            FleetSupport.record(title: "WARNING in foo", host: "h2", wall: 20 * day, mono: 5),
            FleetSupport.record(title: "WARNING in foo", host: "h3", mono: 5),
        ]
        var fleet = FleetAggregate()
        var seen = Set<String>()
        fleet.add(records: records, defaultHost: "x", context: FleetSupport.context, seen: &seen)
        fleet.add(records: records, defaultHost: "x", context: FleetSupport.context, seen: &seen)
        #expect(fleet.records == 3 && fleet.duplicates == 3)
        var filtered = FleetAggregate()
        var seen2 = Set<String>()
        let context = GroupingContext(nowMicros: FleetSupport.now, since: 15 * day, until: 30 * day)
        filtered.add(records: records, defaultHost: "x", context: context, seen: &seen2)
        #expect(filtered.records == 1 && filtered.filteredOut == 2)
    }

    @Test("records without host take the folder name of generic log files")
    func hostNaming() {
        #expect(HostNaming.host(forPath: "logs/web01/dmesg.txt") == "web01")
        #expect(HostNaming.host(forPath: "logs/web01/kern.log.1.gz") == "web01")
        #expect(HostNaming.host(forPath: "logs/db02.log") == "db02")
        #expect(HostNaming.host(forPath: "dmesg") == "dmesg")
    }

    @Test("hypergeometric tail matches hand-computed values")
    func fisher() {
        // 5 of 5 drawn from 10 with 5 successes: 1 / C(10,5) = 1/252.
        let p = OverRepresentation.hypergeometricUpperTail(population: 10, successes: 5, draws: 5, observed: 5)
        #expect(abs(p - 1.0 / 252) < 1e-12)
        let all = OverRepresentation.hypergeometricUpperTail(population: 10, successes: 5, draws: 5, observed: 0)
        #expect(abs(all - 1) < 1e-9)
        // One host drawn: the chance it has the attribute is K/N.
        let one = OverRepresentation.hypergeometricUpperTail(population: 64, successes: 16, draws: 1, observed: 1)
        #expect(abs(one - 0.25) < 1e-9)
    }

    @Test("time parsing for --since/--until")
    func timeParsing() {
        #expect(FleetTime.parse("1970-01-02") == 86_400_000_000)
        #expect(FleetTime.parse("2026-11-22T00:00:00Z") == FleetSupport.now)
        #expect(FleetTime.parse("2026-11-22T01:02") == FleetSupport.now + 3_720_000_000)
        #expect(FleetTime.parse("yesterday") == nil)
        #expect(FleetTime.parse("2026-13-01") == nil)
    }
}
