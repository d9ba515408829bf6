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
}
