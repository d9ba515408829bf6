import Foundation
import KtriageTestSupport
import Testing

@Suite("ktriage group, report and ingest, end to end")
struct GroupCommandTests {
    static func json(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    @Test("the table puts the panicking build's crash first and says what stands out")
    func table() throws {
        let result = try CommandRunner.run(["group", "fixtures/fleet"])
        #expect(result.status == 0)
        let lines = result.stdout.split(separator: "\n")
        #expect(lines.first?.hasPrefix("hosts") == true)
        #expect(lines.dropFirst().first?.hasPrefix("13 ") == true)
        #expect(lines.dropFirst().first?.contains("6.1.0-18-amd64 100% vs 23%") == true)
        #expect(result.stdout.contains("46 crashes in 6 groups on 26 of 64 hosts"))
        // No raw escape byte from the hostile comm reaches the terminal.
        #expect(!result.stdout.contains("\u{1B}"))
    }

    @Test("--format json carries ids, statistics and the reasons")
    func jsonDocument() throws {
        let result = try CommandRunner.run(["group", "fixtures/fleet", "--format", "json"])
        #expect(result.status == 0)
        let document = try Self.json(result.stdout)
        #expect(document["schema"] as? Int == 2)
        let groups = try #require(document["groups"] as? [[String: Any]])
        let top = try #require(groups.first)
        #expect(top["hosts_affected"] as? Int == 13)
        #expect((top["record_ids"] as? [String])?.count == top["crashes"] as? Int)
        let finding = try #require((top["over_represented"] as? [[String: Any]])?.first)
        #expect(finding["value"] as? String == "6.1.0-18-amd64")
        #expect((finding["p_value"] as? Double ?? 1) < 1e-6)
        #expect((top["why"] as? [String: Any])?["normalised_title"] as? String == top["title"] as? String)
    }

    @Test("node events are grouped apart from crashes; --class picks one; report leaves them out")
    func eventClass() throws {
        let log = "fixtures/events/operator-syslog-no-crash.log"
        let table = try CommandRunner.run(["group", log])
        #expect(table.status == 0)
        #expect(table.stdout.contains("node events:"))
        #expect(table.stdout.contains("0 crashes and "))
        let events = try Self.json(
            try CommandRunner.run(["group", log, "--format", "json", "--class", "event"]).stdout)
        let groups = try #require(events["groups"] as? [[String: Any]])
        #expect(groups.contains { $0["title"] as? String == "OOM kill in system memory" })
        #expect(groups.allSatisfy { $0["class"] as? String == "event" })
        let totals = try #require(events["totals"] as? [String: Any])
        #expect(totals["events"] as? Int == totals["records"] as? Int)
        #expect(totals["hosts_with_crashes"] as? Int == 0)
        let crashes = try Self.json(
            try CommandRunner.run(["group", log, "--format", "json", "--class", "crash"]).stdout)
        #expect((crashes["groups"] as? [[String: Any]])?.isEmpty == true)
        // A bug report is about crashes: an operator's log with only node events has none.
        let report = try CommandRunner.run(["report", log])
        #expect(report.status == 1)
        #expect(report.stderr.contains("no crash reports found"))
        let eventReport = try CommandRunner.run(["report", "--class", "event", "--group", "OOM kill", log])
        #expect(eventReport.status == 0)
        #expect(eventReport.stdout.contains("OOM kill in system memory"))
    }

    @Test("--by kernel pivots signatures against releases")
    func pivot() throws {
        let result = try CommandRunner.run(["group", "fixtures/fleet", "--by", "kernel"])
        #expect(result.status == 0)
        #expect(result.stdout.split(separator: "\n").first?.contains("6.1.0-18-amd64") == true)
    }

    @Test("scan ndjson shards grouped with --from-ndjson give the same groups as the logs")
    func fromNDJSON() throws {
        let folder = Fixtures.temporaryFolder("ktriage-ndjson")
        var shards: [String] = []
        for (index, part) in ["fixtures/fleet/hosts", "fixtures/fleet/rack", "fixtures/fleet/journal"].enumerated() {
            let scan = try CommandRunner.run(["scan", "--format", "ndjson", part])
            #expect(scan.status == 0)
            let path = folder + "/shard\(index).ndjson"
            Fixtures.write(Array(scan.stdout.utf8), to: path)
            shards += ["--from-ndjson", path]
        }
        let viaNDJSON = try Self.json(try CommandRunner.run(["group", "--format", "json"] + shards).stdout)
        let direct = try Self.json(try CommandRunner.run(["group", "--format", "json", "fixtures/fleet"]).stdout)
        func digest(_ document: [String: Any]) -> [String] {
            ((document["groups"] as? [[String: Any]]) ?? []).map {
                "\($0["signature"] ?? "") \($0["crashes"] ?? "") \($0["hosts_affected"] ?? "")"
            }
        }
        #expect(digest(viaNDJSON) == digest(direct))
        #expect(digest(direct).count == 6)
    }

    @Test("partial groupings of shards merge into the result of one run")
    func mergePartials() throws {
        let folder = Fixtures.temporaryFolder("ktriage-merge")
        var merges: [String] = []
        for (index, part) in ["fixtures/fleet/hosts", "fixtures/fleet/rack", "fixtures/fleet/journal"].enumerated() {
            let path = folder + "/part\(index).json"
            let result = try CommandRunner.run(["group", "--format", "partial", "--output", path, part])
            #expect(result.status == 0)
            merges += ["--merge", path]
        }
        let merged = try CommandRunner.run(["group", "--format", "json"] + merges)
        let direct = try CommandRunner.run(["group", "--format", "json", "fixtures/fleet"])
        #expect(merged.status == 0)
        #expect(merged.stdout == direct.stdout)
    }

    @Test("report --group writes a Markdown bug report")
    func report() throws {
        let result = try CommandRunner.run(["report", "--group", "5cd10486", "fixtures/fleet"])
        #expect(result.status == 0)
        #expect(
            result.stdout.hasPrefix("# BUG: unable to handle kernel NULL pointer dereference in nf\\_tables\\_commit"))
        for section in [
            "## Kernel", "## Taint", "## Hardware", "## Decoded trace", "## Modules", "## Hosts affected",
            "## What stands out",
        ] {
            #expect(result.stdout.contains(section), "\(section)")
        }
        let missing = try CommandRunner.run(["report", "--group", "ffffffffffff", "fixtures/fleet"])
        #expect(missing.status == 1)
        #expect(missing.stderr.contains("no crash group matches"))
    }

    @Test("ingest twice counts each crash once; group --db reads it; --since filters")
    func ingest() throws {
        let db = Fixtures.temporaryFolder("ktriage-ingest") + "/crashes.sqlite"
        let first = try CommandRunner.run(["ingest", "--db", db, "fixtures/fleet"])
        #expect(first.status == 0)
        #expect(first.stdout.contains("46 new crashes"))
        let second = try CommandRunner.run(["ingest", "--db", db, "fixtures/fleet"])
        #expect(second.stdout.contains("0 new crashes, 46 already in the database"))
        let grouped = try CommandRunner.run(["group", "--db", db])
        #expect(grouped.status == 0)
        #expect(grouped.stdout.contains("46 crashes in 6 groups on 26 of 64 hosts"))
        let recent = try CommandRunner.run(["group", "--db", db, "--since", "2026-11-01"])
        #expect(recent.stdout.contains("outside the time filter"))
    }

    @Test("ingest --from-ndjson stores scan's records from stdin; a bad line is named, exit 1")
    func ingestNDJSON() throws {
        let db = Fixtures.temporaryFolder("ktriage-ingest-ndjson") + "/crashes.sqlite"
        let scanned = try CommandRunner.run(["scan", "--format", "ndjson", "fixtures/fleet"])
        let stored = try CommandRunner.run(
            ["ingest", "--db", db, "--from-ndjson", "-"], stdin: Array(scanned.stdout.utf8))
        #expect(stored.status == 0)
        #expect(stored.stdout.contains("17 inputs: 46 new crashes"))
        let grouped = try CommandRunner.run(["group", "--db", db])
        #expect(grouped.stdout.contains("46 crashes in 6 groups on 26 of 26 hosts"))
        let damaged = try CommandRunner.run(
            ["ingest", "--db", db, "--from-ndjson", "-"], stdin: Array(("{}\n" + scanned.stdout).utf8))
        #expect(damaged.status == 1)
        #expect(damaged.stdout.contains("0 new crashes, 46 already in the database"))
        #expect(damaged.stderr.contains("-: 1 lines are not crash records (first: line 1)"))
        let nothing = try CommandRunner.run(["ingest", "--db", db])
        #expect(nothing.status != 0 && nothing.stderr.contains("--from-ndjson"))
    }

    @Test("group --merge of the same partial twice says the partials overlap")
    func overlappingMerge() throws {
        let partial = Fixtures.temporaryFolder("ktriage-overlap") + "/fleet.json"
        let written = try CommandRunner.run(["group", "--format", "partial", "--output", partial, "fixtures/fleet"])
        #expect(written.status == 0)
        let once = try CommandRunner.run(["group", "--merge", partial])
        #expect(once.status == 0 && once.stderr.isEmpty)
        let twice = try CommandRunner.run(["group", "--merge", partial, "--merge", partial])
        #expect(twice.stderr.contains("--merge: at least 46 crashes are in more than one source"))
        #expect(twice.stdout.contains("92 crashes"))
    }

    /// Counts merged from many partials reach 2^62; the chart bars were `280 × count / largest`
    /// and trapped past `Int.max`.
    @Test("group --merge of a partial with huge counts, 120 times, draws its charts (regression)")
    func hugeCountCharts() throws {
        let partial = Fixtures.path("regressions/partial-chart-count-overflow.json")
        let merges = Array(repeating: ["--merge", partial], count: 120).flatMap { $0 }
        let page = try CommandRunner.run(["group", "--format", "html"] + merges)
        #expect(page.status == 0)
        #expect(page.stdout.contains("width=\"280\" height=\"16\""))
    }

    /// GRDB's non-optional column subscript traps (`try!`) on NULL, and a database whose schema
    /// another tool rewrote holds NULL where ktriage's schema says NOT NULL.
    @Test("group --db of a crash row whose host is NULL skips the row and names it (regression)")
    func nullHostRow() throws {
        let db = Fixtures.temporaryFolder("ktriage-null-host") + "/crashes.sqlite"
        Fixtures.write(try #require(Fixtures.read(Fixtures.path("regressions/store-null-host.sqlite"))), to: db)
        let result = try CommandRunner.run(["group", "--db", db])
        #expect(result.status == 1)
        #expect(result.stderr.contains("crash a81a37332fcf6f89 has no host or record (NULL); skipped"))
        #expect(result.stdout.contains("0 crashes in 0 groups"))
    }

    /// The follow-up counts of the stored crashes are summed: two rows of `Int.max` trapped.
    @Test("group --db of crashes claiming Int.max follow-ups each groups them and names the counts (regression)")
    func followUpsOverflowRows() throws {
        let db = Fixtures.temporaryFolder("ktriage-follow-ups") + "/crashes.sqlite"
        Fixtures.write(
            try #require(Fixtures.read(Fixtures.path("regressions/store-follow-ups-overflow.sqlite"))), to: db)
        let result = try CommandRunner.run(["group", "--db", db])
        #expect(result.status == 1)
        #expect(
            result.stderr.contains(
                "crash df5ffedfc9f4a749 claims 9223372036854775807 follow-up reports, more than any fleet; not counted")
        )
        #expect(result.stdout.contains("2 crashes in 2 groups on 2 of 2 hosts"))
    }

    /// A partial's signature was written into Markdown as it was: a backtick ended its code span,
    /// and a quote ended the `id` attribute of the group's anchor.
    @Test("a partial's signature with markup stays text in Markdown output (regression)")
    func markupSignature() throws {
        let partial = Fixtures.path("regressions/partial-markup-signature.json")
        let span = "`4d58'<img src=x onerror=alert(1)>\\x1B[31m`"
        let markdown = try CommandRunner.run(["group", "--merge", partial, "--format", "markdown"])
        #expect(markdown.status == 0)
        #expect(markdown.stdout.contains("- signature: \(span) (rules v1)"))
        #expect(markdown.stdout.contains("<a id=\"g-4d58__img_src_x_onerror_alert_1____31m\"></a>"))
        #expect(markdown.stdout.contains("](#g-4d58__img_src_x_onerror_alert_1____31m)"))
        #expect(!markdown.stdout.contains("\u{1B}"))
        let report = try CommandRunner.run(["report", "--merge", partial])
        #expect(report.status == 0)
        #expect(report.stdout.contains("Signature \(span) (rules v1)"))
    }

    /// The totals line names the hosts whose clock is wrong; Markdown output wrote it unescaped.
    @Test("a host name with markup in the totals line stays text in Markdown output (regression)")
    func markupClockHost() throws {
        let partial = Fixtures.path("regressions/partial-markup-clock-host.json")
        let markdown = try CommandRunner.run(["group", "--merge", partial, "--format", "markdown"])
        #expect(markdown.status == 0)
        #expect(
            markdown.stdout.contains(
                "clock wrong on web&lt;img src=x onerror=alert(1)&gt;\\|\\[x\\](javascript:alert(1)))"))
    }

    /// The page's pivot had a column per release: G groups of R releases made G × R cells (3,000
    /// groups of one release each wrote a 190 MB page). Past 20 releases the rest share a column.
    @Test("the HTML page's pivot shows the 20 releases with most crashes and sums the others (regression)")
    func pivotReleaseColumns() throws {
        let log = Fixtures.path("regressions/many-releases-pivot.log")
        let page = try CommandRunner.run(["group", "--format", "html", log])
        #expect(page.status == 0)
        let pivot = try #require(
            page.stdout.range(of: "<table class=\"pivot\">.*?</table>", options: .regularExpression))
        let table = page.stdout[pivot]
        #expect(table.components(separatedBy: "<th>").count - 1 == 22)
        #expect(table.contains("<th>6.1.7-pivot</th><th>2 other releases</th>"))
        #expect(!table.contains("6.1.8-pivot") && !table.contains("6.1.9-pivot"))
        #expect(table.contains("<td class=\"num\">2</td></tr>"))
    }

    /// `--by kernel` printed a column per release too (3,000 × 3,000: 155 MB of table). The table
    /// and Markdown now have the page's columns; JSON, for machines, still lists every release.
    @Test("--by kernel: 20 release columns and the rest summed in table and Markdown, all in JSON (regression)")
    func pivotReleaseColumnsByKernel() throws {
        let log = Fixtures.path("regressions/many-releases-pivot.log")
        let table = try CommandRunner.run(["group", "--by", "kernel", log])
        #expect(table.status == 0)
        let header = try #require(table.stdout.split(separator: "\n").first)
        #expect(header.contains("6.1.7-pivot") && header.contains("2 other releases"))
        #expect(!table.stdout.contains("6.1.8-pivot") && !table.stdout.contains("6.1.9-pivot"))
        let markdown = try CommandRunner.run(["group", "--by", "kernel", "--format", "markdown", log])
        let markdownHeader = try #require(markdown.stdout.split(separator: "\n").first)
        #expect(markdownHeader.components(separatedBy: " | ").count == 22)
        #expect(markdownHeader.hasSuffix("| 2 other releases |"))
        let json = try CommandRunner.run(["group", "--by", "kernel", "--format", "json", log])
        #expect(json.stdout.contains("6.1.8-pivot") && json.stdout.contains("6.1.9-pivot"))
    }

    @Test("bad input: a missing path and a corrupted database are named on stderr, exit 1")
    func badInput() throws {
        let missing = try CommandRunner.run(["group", "fixtures/fleet/journal", "fixtures/no-such-folder"])
        #expect(missing.status == 1)
        #expect(missing.stderr.contains("fixtures/no-such-folder"))
        #expect(missing.stdout.contains("INFO: task hung"))
        let bad = Fixtures.temporaryFolder("ktriage-corrupt") + "/bad.sqlite"
        Fixtures.write(Array(repeating: 0x41, count: 4096), to: bad)
        let corrupted = try CommandRunner.run(["group", "--db", bad])
        #expect(corrupted.status == 1)
        #expect(corrupted.stderr.contains("bad.sqlite"))
        #expect(corrupted.stderr.split(separator: "\n").count == 1)
        let date = try CommandRunner.run(["group", "--since", "last week", "fixtures/fleet"])
        #expect(date.status != 0)
    }
}
