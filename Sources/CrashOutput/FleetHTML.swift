import CrashFleet
import KernelLog

/// `group --format html`: one self-contained page — styles, charts (inline SVG) and a few lines
/// of script for sortable columns are inline, nothing is fetched. Every log-derived string is
/// escaped with `MarkupText.html`, so a `comm` or device name can never become markup.
public enum FleetHTML {
    public static func render(_ summary: FleetSummary, title: String = "ktriage: crash groups") -> String {
        var out = "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        out +=
            "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:\">"
        out += "<title>\(MarkupText.html(title))</title><style>\(style)</style></head><body>\n"
        out += "<h1>\(MarkupText.html(title))</h1>\n"
        out += "<p id=\"totals\">\(MarkupText.html(FleetMarkdown.totalsLine(summary.totals)))</p>\n"
        out += charts(summary)
        out += table(summary)
        out += pivot(summary)
        out += "<h2>Groups</h2>\n"
        for group in summary.groups { out += detail(group) }
        if !summary.errors.isEmpty {
            out += "<h2>Inputs not read</h2><ul class=\"errors\">"
            for error in summary.errors { out += "<li>\(MarkupText.html(error))</li>" }
            out += "</ul>"
        }
        out += "<script>\(script)</script>\n</body></html>\n"
        return out
    }

    static func charts(_ summary: FleetSummary) -> String {
        var releases: [String: Int] = [:]
        var days: [String: Int] = [:]
        for group in summary.groups {
            for release in group.kernelReleases { releases[release.name, default: 0] += release.crashes }
            for day in group.timeline { days[day.name, default: 0] += day.crashes }
        }
        let top = summary.groups.first?.overRepresented.first { $0.category == "kernel" }?.value
        let releaseBars = FleetSummary.counts(releases).prefix(12).map { ($0.name, $0.crashes, $0.name == top) }
        let dayBars = days.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
        var out = "<div class=\"charts\"><figure><figcaption>Crashes per kernel release</figcaption>"
        out += SVGChart.horizontalBars(releaseBars) + "</figure>"
        out += "<figure><figcaption>Crashes per day</figcaption>" + SVGChart.timeline(dayBars) + "</figure></div>\n"
        return out
    }

    /// Crashes per signature and kernel release (what `--by kernel` prints), hottest cells marked.
    static func pivot(_ summary: FleetSummary) -> String {
        let pivot = summary.releasePivot
        guard pivot.releases.count > 1 else { return "" }
        var out = "<details><summary>Crashes per signature and kernel release</summary>"
        out += "<table class=\"pivot\"><thead><tr><th>title</th>"
        for release in pivot.releases { out += "<th>\(MarkupText.html(release))</th>" }
        out += "</tr></thead><tbody>"
        for row in pivot.rows {
            out += "<tr><td>\(MarkupText.html(row.group.title))</td>"
            let total = max(1, row.counts.reduce(0, +))
            for count in row.counts {
                let hot = count * 2 > total && count > 0 ? " hotcell" : ""
                out += "<td class=\"num\(hot)\">\(count == 0 ? "" : String(count))</td>"
            }
            out += "</tr>"
        }
        return out + "</tbody></table></details>\n"
    }

    static func table(_ summary: FleetSummary) -> String {
        var out = "<table id=\"groups\" class=\"sortable\"><thead><tr>"
        let headers: [(String, String)] = [
            ("hosts", "num"), ("crashes", "num"), ("kind", "text"), ("title", "text"), ("kernel releases", "text"),
            ("most over-represented", "text"), ("first seen", "text"), ("last seen", "text"),
        ]
        for (name, type) in headers { out += "<th data-type=\"\(type)\" tabindex=\"0\">\(name)</th>" }
        out += "</tr></thead><tbody>\n"
        for group in summary.groups {
            out += "<tr data-signature=\"\(MarkupText.html(group.signature))\">"
            out += "<td class=\"num\">\(group.hostsAffected)</td><td class=\"num\">\(group.crashes)</td>"
            out += "<td>\(MarkupText.html(group.kind))</td>"
            out += "<td><a href=\"#g-\(MarkupText.html(group.signature))\">\(MarkupText.html(group.title))</a></td>"
            out += "<td>\(MarkupText.html(FleetMarkdown.releasesText(group, limit: 2)))</td>"
            out += "<td>\(MarkupText.html(group.overRepresented.first.map(shortFinding) ?? "–"))</td>"
            let first = group.firstSeen.map { String($0.prefix(10)) } ?? "–"
            let last = group.lastSeen.map { String($0.prefix(10)) } ?? "–"
            out +=
                "<td class=\"date\">\(MarkupText.html(first))</td><td class=\"date\">\(MarkupText.html(last))</td></tr>\n"
        }
        return out + "</tbody></table>\n"
    }

    /// `kernel 6.1.0-18-amd64: 100% vs 22%, p=1e-9`.
    public static func shortFinding(_ finding: OverRepresented) -> String {
        "\(finding.category) \(finding.value): \(FleetMarkdown.percent(finding.groupShare)) vs \(FleetMarkdown.percent(finding.fleetShare)), p=\(FleetMarkdown.pValueText(finding.pValue))"
    }

    static func detail(_ group: FleetSummary.GroupSummary) -> String {
        let e = MarkupText.html
        var out = "<section class=\"group\" id=\"g-\(e(group.signature))\"><h3>\(e(group.title))</h3>\n<dl>"
        func item(_ key: String, _ value: String) { out += "<dt>\(key)</dt><dd>\(value)</dd>" }
        item(
            "signature", "<code>\(e(group.signature))</code> (rules v\(group.signatureVersion)), kind \(e(group.kind))")
        var counts =
            "\(FleetMarkdown.count(group.crashes, "crash", "crashes")) on \(FleetMarkdown.count(group.hostsAffected, "host", "hosts"))"
        if group.followUps > 0 { counts += ", \(group.followUps) follow-up reports counted once" }
        if group.panicked > 0 { counts += ", \(group.panicked) panicked" }
        if group.corrupted > 0 { counts += ", \(group.corrupted) corrupted" }
        item("crashes", counts)
        var seen = "\(e(group.firstSeen ?? "unknown")) – \(e(group.lastSeen ?? "unknown"))"
        if group.futureClock > 0 { seen += " (\(group.futureClock) stamped in the future, left out)" }
        item("first – last seen", seen)
        item(
            "hardware",
            group.hardware.isEmpty
                ? "unknown" : group.hardware.prefix(6).map { e("\($0.name) ×\($0.crashes)") }.joined(separator: "<br>"))
        if !group.taint.isEmpty {
            item("taint", group.taint.map { e(TaintText.explain(String($0))) }.joined(separator: "<br>"))
        }
        if !group.modulesInEveryReport.isEmpty {
            item("modules in every report", e(group.modulesInEveryReport.joined(separator: " ")))
        }
        item(
            "grouped because",
            "same normalised title; frames in every trace: "
                + (group.why.sharedFrames.isEmpty
                    ? "none" : "<code>" + e(group.why.sharedFrames.prefix(10).joined(separator: " ← ")) + "</code>"))
        item(
            "hosts",
            group.hosts.prefix(60).map { e("\($0.name) (\($0.crashes))") }.joined(separator: ", ")
                + (group.hosts.count > 60 ? " and \(group.hosts.count - 60) more" : ""))
        out += "</dl>\n"
        if !group.overRepresented.isEmpty {
            out +=
                "<table class=\"findings\"><thead><tr><th>over-represented</th><th>value</th><th>group hosts</th><th>fleet hosts</th><th>p</th></tr></thead><tbody>"
            for finding in group.overRepresented {
                out += "<tr><td>\(e(finding.category))</td><td>\(e(finding.value))</td>"
                out +=
                    "<td class=\"num\">\(finding.groupHosts)/\(finding.groupKnown) (\(FleetMarkdown.percent(finding.groupShare)))</td>"
                out +=
                    "<td class=\"num\">\(finding.fleetHosts)/\(finding.fleetKnown) (\(FleetMarkdown.percent(finding.fleetShare)))</td>"
                out += "<td class=\"num\">\(FleetMarkdown.pValueText(finding.pValue))</td></tr>"
            }
            out += "</tbody></table>\n"
        }
        out += "<div class=\"charts\"><figure><figcaption>kernel releases</figcaption>"
        out += SVGChart.horizontalBars(group.kernelReleases.prefix(8).map { ($0.name, $0.crashes, false) }, width: 460)
        out += "</figure><figure><figcaption>crashes per day</figcaption>"
        out +=
            SVGChart.timeline(group.timeline.map { ($0.name, $0.crashes) }, width: 460, height: 90)
            + "</figure></div>\n"
        if let record = group.representative {
            var where_ = record.host ?? "?"
            if let file = record.file { where_ += ", " + file + ":\(record.line)" }
            if let comm = record.comm { where_ += ", comm " + comm }
            out += "<p class=\"muted\">representative report: \(e(where_))</p>"
            out +=
                "<pre class=\"trace\">\(e(record.message))\n\(TraceText.lines(record).map(e).joined(separator: "\n"))</pre>\n"
            if !record.text.isEmpty {
                out +=
                    "<details><summary>report text (\(record.text.count) lines)</summary><pre class=\"trace\">\(record.text.map(e).joined(separator: "\n"))</pre></details>"
            }
        }
        out +=
            "<details><summary>record ids (\(group.recordIDs.count)\(group.recordIDsComplete ? "" : " of \(group.crashes)"))</summary><p class=\"ids\">\(group.recordIDs.prefix(500).map(e).joined(separator: " "))</p></details>"
        return out + "</section>\n"
    }

    static let style = """
        body{font:14px/1.45 system-ui,sans-serif;margin:24px;color:#1d232a;background:#fff}h1{font-size:22px;margin:0 0 4px}\
        h2{font-size:18px;margin-top:28px}h3{font-size:16px;margin:0 0 8px}#totals{color:#52606d}\
        table{border-collapse:collapse;margin:8px 0}th,td{padding:4px 8px;border-bottom:1px solid #e4e7eb;text-align:left;vertical-align:top}\
        th{background:#f5f7fa;cursor:pointer;user-select:none;white-space:nowrap}th[aria-sort=descending]::after{content:" ▼"}\
        th[aria-sort=ascending]::after{content:" ▲"}td.num{text-align:right;font-variant-numeric:tabular-nums}td.date{white-space:nowrap}\
        a{color:#0b57d0;text-decoration:none}.charts{display:flex;flex-wrap:wrap;gap:24px}figure{margin:8px 0}\
        figcaption{font-weight:600;margin-bottom:4px}.chart text{font-size:11px;fill:#3e4c59}.bar{fill:#7b93b8}.hot{fill:#d64545}\
        .axis{stroke:#9aa5b1}td.hotcell{background:#fde2e2;font-weight:600}.group{border:1px solid #e4e7eb;border-radius:6px;padding:12px 16px;margin:14px 0}\
        dl{display:grid;grid-template-columns:190px 1fr;gap:2px 12px;margin:0}dt{color:#52606d}dd{margin:0}\
        pre.trace{background:#f5f7fa;padding:8px;overflow-x:auto;font-size:12px}.muted{color:#7b8794}.ids{font:11px monospace;word-break:break-all}
        """

    /// Sorts the group table by the clicked column (numbers numerically), first by hosts.
    static let script = """
        (function(){var t=document.getElementById('groups');if(!t)return;var hs=t.tHead.rows[0].cells;\
        function sort(i,desc){var b=t.tBodies[0],rows=Array.prototype.slice.call(b.rows),num=hs[i].dataset.type==='num';\
        rows.sort(function(x,y){var a=x.cells[i].textContent,c=y.cells[i].textContent;\
        var r=num?(parseFloat(a)||0)-(parseFloat(c)||0):a.localeCompare(c);return desc?-r:r;});\
        rows.forEach(function(r){b.appendChild(r);});for(var j=0;j<hs.length;j++)hs[j].removeAttribute('aria-sort');\
        hs[i].setAttribute('aria-sort',desc?'descending':'ascending');t.dataset.sortedBy=hs[i].textContent;}\
        for(var i=0;i<hs.length;i++)(function(i){function go(){sort(i,hs[i].getAttribute('aria-sort')!=='descending');}\
        hs[i].addEventListener('click',go);hs[i].addEventListener('keydown',function(e){if(e.key==='Enter')go();});})(i);\
        sort(0,true);document.body.dataset.ready='1';})();
        """
}
