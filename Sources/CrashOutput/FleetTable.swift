import CrashFleet

/// The terminal table of `group`: presentation only.
public enum FleetTable {
    public static func lines(_ summary: FleetSummary, width: Int) -> [String] {
        let header = ["hosts", "crashes", "title", "kernel", "stands out (hosts: group vs fleet)", "last seen"]
        let rows = summary.groups.map { group in
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
        return TextTable.lines(header: header, rows: rows, width: width) + [FleetMarkdown.totalsLine(summary.totals)]
    }

    /// `group --by kernel`: crashes per signature and kernel release.
    public static func pivotLines(_ summary: FleetSummary, width: Int) -> [String] {
        let pivot = summary.releasePivot
        let header = ["title"] + pivot.releases.map(TerminalText.clean)
        let rows = pivot.rows.map { row in
            [TerminalText.clean(row.group.title)] + row.counts.map { $0 == 0 ? "." : String($0) }
        }
        return TextTable.lines(header: header, rows: rows, width: width) + [FleetMarkdown.totalsLine(summary.totals)]
    }
}
