import CrashFleet
import CrashOutput
import Foundation
import KtriageTestSupport
import Testing

@Suite("Fleet outputs: escaping, Markdown, HTML, bug report")
struct OutputTests {
    static let hostile = "<script>alert('x')</script>\"`q`\u{1B}[31m<img src=x onerror=alert(1)>\u{07}"

    @Test("log-derived text never becomes markup")
    func escaping() {
        let html = MarkupText.html(Self.hostile)
        #expect(!html.contains("<"))
        #expect(!html.contains(">"))
        #expect(!html.contains("\""))
        #expect(!html.contains("`"))
        #expect(!html.contains("\u{1B}"))
        #expect(html.contains("\\x1B[31m"))
        let md = MarkupText.markdown(Self.hostile)
        #expect(!md.contains("<") && !md.contains("\u{1B}") && !md.contains("\u{07}"))
        #expect(!md.contains("`") || md.contains("\\`"))
        #expect(MarkupText.fence(for: ["a ``` b"]) == "````")
    }

    @Test("the HTML page of the sample fleet is self-contained and shows the hostile comm as text")
    func htmlPage() {
        let summary = FleetSummary(FleetSupport.group(FleetSupport.items()))
        let page = FleetHTML.render(summary)
        #expect(page.hasPrefix("<!DOCTYPE html>"))
        #expect(!page.contains("http://") || !page.contains("src=\"http"))
        #expect(!page.contains("<script>alert"))
        #expect(!page.contains("<img"))
        #expect(page.contains("comm &lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&quot;&#96;q&#96;\\x1B[31m"))
        #expect(page.components(separatedBy: "<section class=\"group\"").count == summary.groups.count + 1)
        #expect(page.contains("<svg"))
        #expect(page.contains("class=\"bar hot\""))
    }

    @Test("the JSON document written a group at a time is the encoder's whole-tree document, byte for byte")
    func jsonWrittenByGroup() throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        var nothing = FleetAggregate()
        nothing.addError("a.log: cannot read", unreadable: true)
        let single = FleetSupport.record(title: "WARNING in x", host: "h", wall: 1)
        var one = FleetAggregate()
        one.add(single, id: "1", host: "h", context: FleetSupport.context)
        // Host names and ids with every escape, in the lists written beside the encoder.
        var awkward = FleetAggregate()
        let awkwardHosts = ["q\"uo\\te/sl\u{1}\u{8}\u{c}\n\r\t\u{1f}\u{7f} é \u{2028}", "node10", "node9", "Node1"]
        for (index, host) in awkwardHosts.enumerated() {
            let record = FleetSupport.record(title: "WARNING in x", host: host, wall: Int64(index + 1))
            awkward.add(record, id: "i\"d\\\(index)\u{1}", host: host, context: FleetSupport.context)
        }
        let summaries = [
            FleetSummary(FleetSupport.group(FleetSupport.items())),
            FleetSummary(FleetSupport.group(FleetSupport.items("events"))), FleetSummary(nothing),
            FleetSummary(one), FleetSummary(awkward),
        ]
        for summary in summaries {
            let whole = String(decoding: try encoder.encode(summary), as: UTF8.self) + "\n"
            var pieces: [String] = []
            try FleetJSON.write(summary) { pieces.append($0) }
            #expect(pieces.joined() == whole)
            #expect(pieces.count == (summary.groups.isEmpty ? 1 : summary.groups.count + 2))
        }
    }

    @Test("node events are listed after the crash groups, in a section of their own, and can be left out")
    func nodeEventSections() {
        let fleet = FleetSupport.group(FleetSupport.items("events"))
        let summary = FleetSummary(fleet)
        #expect(!summary.crashGroups.isEmpty && !summary.eventGroups.isEmpty)
        #expect(summary.totals.events == summary.eventGroups.reduce(0) { $0 + $1.crashes })
        let page = FleetHTML.render(summary)
        let heading = "<h2 id=\"node-events\">Node events</h2>"
        #expect(page.contains("<table id=\"groups\"") && page.contains("<table id=\"events\""))
        #expect(page.components(separatedBy: "<section class=\"group\"").count == summary.groups.count + 1)
        // Every event group's section comes after the heading, every crash group's before it.
        let sections = page.components(separatedBy: heading)
        #expect(sections.count == 2)
        for group in summary.eventGroups { #expect(sections[1].contains("id=\"g-\(group.signature)\"")) }
        for group in summary.crashGroups { #expect(sections[0].contains("id=\"g-\(group.signature)\"")) }
        #expect(FleetMarkdown.render(summary).contains("\n## Node events\n"))
        #expect(FleetTable.lines(summary, width: 200).contains("node events:"))
        let crashesOnly = FleetSummary(fleet, classes: [.crash])
        #expect(crashesOnly.eventGroups.isEmpty && crashesOnly.totals.events == 0)
        #expect(!FleetHTML.render(crashesOnly).contains(heading))
        #expect(FleetSummary(fleet, classes: [.event]).crashGroups.isEmpty)
        // Records of schema 1 carry no class: they read back as crashes.
        #expect(FleetSupport.record(title: "t", host: "h").recordClass == .crash)
    }

    @Test("group Markdown and the bug report match their reviewed golden files")
    func markdownGolden() {
        let summary = FleetSummary(FleetSupport.group(FleetSupport.items()))
        let snapshots = Fixtures.packageRoot + "/Tests/CrashFleetTests/Snapshots/"
        // Paths relative to the package root, so the files match in any checkout.
        func relative(_ text: String) -> String { text.replacingOccurrences(of: Fixtures.packageRoot + "/", with: "") }
        let failure = Golden.check(relative(FleetMarkdown.render(summary)), path: snapshots + "fleet.md")
        #expect(failure == nil, "\(failure ?? "")")
        if let top = summary.groups.first {
            let report = Golden.check(
                relative(BugReport.markdown(top, totals: summary.totals)), path: snapshots + "report.md")
            #expect(report == nil, "\(report ?? "")")
        }
    }

    @Test("the plain-text bug report keeps the kernel's lines: no Markdown escapes, registers and Code: line")
    func plainTextReport() throws {
        let summary = FleetSummary(FleetSupport.group(FleetSupport.items()))
        let top = try #require(summary.groups.first)
        let record = try #require(top.representative)
        let text = BugReport.plainText(top, totals: summary.totals)
        let markdown = BugReport.markdown(top, totals: summary.totals)
        #expect(text.hasPrefix(top.title + "\n" + String(repeating: "=", count: top.title.count)))
        #expect(!text.contains("\\_") && !text.contains("```") && !text.contains("**"))
        #expect(markdown.contains("nf\\_tables"))
        #expect(text.contains("Linked in: nf_tables"))
        // Every trace line as printed, at the start of a line.
        for line in [record.message] + TraceText.lines(record) { #expect(text.contains("\n" + line + "\n")) }
        let code = try #require(record.code)
        #expect(text.contains("\nCode: " + code + "\n"))
        #expect(text.contains("\nRegisters\n---------\n"))
        #expect(text.contains("hosts in this group"))
        #expect(!text.contains("|"))
    }

    @Test(
        "the HTML page: panicked column, labelled counts, a legend, a count axis, no chart for one crash, where it came from"
    )
    func pageDetails() throws {
        let summary = FleetSummary(FleetSupport.group(FleetSupport.items()))
        let provenance = FleetHTML.Provenance(
            tool: "ktriage test", generatedAt: "2026-12-04T22:00:00Z", sources: ["fixtures/fleet"])
        let page = FleetHTML.render(summary, provenance: provenance)
        #expect(page.contains("tabindex=\"0\">panicked</th>"))
        #expect(page.contains("<td class=\"releases\">"))
        #expect(page.contains("class=\"legend\""))
        #expect(page.contains("Generated by ktriage test at 2026-12-04T22:00:00Z from fixtures/fleet"))
        #expect(!page.contains(" ×"))
        let top = try #require(summary.groups.first)
        #expect(page.contains("\(top.crashes) crashes</text>") || page.contains(" crashes</text>"))
        let single = try #require(summary.groups.first { $0.crashes == 1 })
        let section = try #require(
            page.components(separatedBy: "<section class=\"group\" id=\"g-\(single.signature)\"").last?
                .components(separatedBy: "</section>").first)
        #expect(!section.contains("<svg"))
        #expect(section.contains("one crash, on"))
        #expect(section.contains("(1 crash)"))
    }
}
