import CrashFleet
import KernelLog

/// `ktriage report`: a Markdown bug report for one group, for a tracker or a mailing list.
///
/// Says what a kernel developer asks first — which kernels, tainted or not, which hardware, the
/// decoded trace, which modules — and what the fleet adds: how many hosts, since when, and which
/// attribute stands out.
public enum BugReport {
    public static func markdown(_ group: FleetSummary.GroupSummary, totals: FleetSummary.Totals) -> String {
        let md = MarkupText.markdown
        var out = "# \(md(group.title))\n\n"
        out +=
            "**\(group.crashes) crash\(group.crashes == 1 ? "" : "es") on \(group.hostsAffected) of \(totals.hosts) hosts**"
        out += ", first seen \(group.firstSeen ?? "unknown"), last seen \(group.lastSeen ?? "unknown")."
        if group.panicked > 0 { out += " \(group.panicked) of them panicked." }
        out += "\n\nSignature `\(group.signature)` (rules v\(group.signatureVersion)), kind `\(group.kind)`.\n"

        out += "\n## Kernel\n\n"
        for release in group.kernelReleases {
            out += "- \(md(release.name)): \(release.crashes) crash\(release.crashes == 1 ? "" : "es")\n"
        }
        if let info = group.representative?.kernel?.buildInfo { out += "\nBuild: \(md(info))\n" }

        out += "\n## Taint\n\n"
        if group.taint.isEmpty {
            out += "Not tainted in any report.\n"
        } else {
            out += "Letters seen: `\(group.taint)`\n\n"
            for letter in group.taint { out += "- " + md(TaintText.explain(String(letter))) + "\n" }
        }

        out += "\n## Hardware\n\n"
        if group.hardware.isEmpty { out += "Not printed in the reports.\n" }
        for hw in group.hardware.prefix(10) { out += "- \(md(hw.name)): \(hw.crashes)\n" }
        for bios in group.bios.prefix(5) { out += "- BIOS \(md(bios.name)): \(bios.crashes)\n" }

        if let record = group.representative {
            out += "\n## Decoded trace\n\n"
            var header = "From \(md(record.host ?? "an unnamed host"))"
            if let file = record.file {
                header += ", `\(MarkupText.codeLine(file).replacingBackticks())` line \(record.line)"
            }
            if let comm = record.comm { header += ", comm \(md(comm))" }
            out += header + ":\n\n"
            let lines = [record.message] + TraceText.lines(record)
            let trace = lines.map(MarkupText.codeLine)
            let fence = MarkupText.fence(for: trace)
            out += fence + "\n" + trace.joined(separator: "\n") + "\n" + fence + "\n"

            out += "\n## Modules\n\n"
            if record.modules.isEmpty {
                out += "No module list in the report.\n"
            } else {
                out +=
                    "Linked in: "
                    + md(
                        record.modules.map { module in module.taint.map { "\(module.name)(\($0))" } ?? module.name }
                            .joined(separator: " ")) + "\n"
                if let unloaded = record.lastUnloaded { out += "\nLast unloaded: \(md(unloaded))\n" }
            }
            if !group.modulesInEveryReport.isEmpty {
                out += "\nIn every report of the group: " + md(group.modulesInEveryReport.joined(separator: " ")) + "\n"
            }
        }

        out += "\n## Hosts affected\n\n"
        out += md(group.hosts.prefix(50).map { "\($0.name) (\($0.crashes))" }.joined(separator: ", "))
        out += group.hosts.count > 50 ? " and \(group.hosts.count - 50) more\n" : "\n"

        out += "\n## What stands out\n\n"
        if group.overRepresented.isEmpty {
            out += "No attribute is significantly more common among these hosts than in the fleet (p ≤ 0.05).\n"
        } else {
            out +=
                "| attribute | value | hosts in this group | hosts in the fleet | p (Fisher, one-sided) |\n|---|---|---:|---:|---:|\n"
            for finding in group.overRepresented {
                out +=
                    "| \(finding.category) | \(md(finding.value)) | "
                    + "\(finding.groupHosts)/\(finding.groupKnown) (\(FleetMarkdown.percent(finding.groupShare))) | "
                    + "\(finding.fleetHosts)/\(finding.fleetKnown) (\(FleetMarkdown.percent(finding.fleetShare))) | "
                    + "\(FleetMarkdown.pValueText(finding.pValue)) |\n"
            }
        }
        out += "\nGrouped because every report has the same normalised title"
        if !group.why.sharedFrames.isEmpty {
            out += " and these frames in its trace: " + md(group.why.sharedFrames.prefix(8).joined(separator: " ← "))
        }
        out += ".\n"
        return out
    }
}

extension String {
    func replacingBackticks() -> String { String(unicodeScalars.map { $0 == "`" ? "'" : Character($0) }) }
}
