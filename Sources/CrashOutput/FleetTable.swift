import CrashFleet

/// The terminal table of `group`: presentation only.
public enum FleetTable {
    /// Crash groups, then node events in a table of their own.
    public static func lines(_ summary: FleetSummary, width: Int) -> [String] {
        let crashes = summary.crashGroups
        let events = summary.eventGroups
        var out: [String] = []
        if !crashes.isEmpty || events.isEmpty { out += table(crashes, count: "crashes", width: width) }
        if !events.isEmpty {
            if !out.isEmpty { out.append("") }
            out.append("node events:")
            out += table(events, count: "events", width: width)
        }
        return out + [FleetMarkdown.totalsLine(summary.totals)]
    }

    static func table(_ groups: [FleetSummary.GroupSummary], count: String, width: Int) -> [String] {
        let header = ["hosts", count, "title", "kernel", "stands out (hosts: group vs fleet)", "last seen"]
        let rows = groups.map { group in
            var kernel = group.kernelReleases.first?.name ?? "-"
            if group.kernelReleases.count > 1 { kernel += " +\(group.kernelReleases.count - 1)" }
            let standsOut = group.overRepresented.first.map { finding in
                let label =
                    ["kernel": "", "hardware": "", "bios": "BIOS ", "taint": "taint ", "module": "module "][
                        finding.category] ?? ""
                return
                    "\(label)\(finding.value) \(FleetMarkdown.percent(finding.groupShare)) vs \(FleetMarkdown.percent(finding.fleetShare))"
            }
            return [
                String(group.hostsAffected), String(group.crashes), TerminalText.clean(group.title),
                TerminalText.clean(kernel), TerminalText.clean(standsOut ?? "-"),
                group.lastSeen.map { String($0.prefix(10)) } ?? "-",
            ]
        }
        return TextTable.lines(header: header, rows: rows, width: width)
    }

    /// `group --by kernel`: crashes per signature and kernel release, the releases past
    /// `FleetHTML.pivotReleaseLimit` summed in one column.
    public static func pivotLines(_ summary: FleetSummary, width: Int) -> [String] {
        let pivot = summary.releasePivot(limit: FleetHTML.pivotReleaseLimit)
        let other = pivot.otherReleases > 0 ? ["\(pivot.otherReleases) other releases"] : []
        let header = ["title"] + pivot.releases.map(TerminalText.clean) + other
        let rows = pivot.rows.map { row in
            [TerminalText.clean(row.group.title)]
                + (row.counts + (other.isEmpty ? [] : [row.other])).map { $0 == 0 ? "." : String($0) }
        }
        return TextTable.lines(header: header, rows: rows, width: width) + [FleetMarkdown.totalsLine(summary.totals)]
    }
}
