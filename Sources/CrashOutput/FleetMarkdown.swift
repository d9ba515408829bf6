import CrashFleet
import KernelLog

/// `group --format markdown`: the group table and one section per group, for a wiki or a
/// ticket. Every log-derived string is escaped (`MarkupText.markdown`).
public enum FleetMarkdown {
    public static func render(_ summary: FleetSummary) -> String {
        var out = "# Crash groups\n\n"
        // The line names hosts whose clock is wrong: log-derived, escaped like every other.
        out += MarkupText.markdown(totalsLine(summary.totals)) + "\n\n"
        let crashes = summary.crashGroups
        let events = summary.eventGroups
        if !crashes.isEmpty || events.isEmpty { out += groupTable(crashes, count: "crashes") }
        for group in crashes {
            out += "\n" + section(group, level: 2)
        }
        if !events.isEmpty {
            // Node-health events (OOM kills, hardware, filesystem and I/O errors) apart from crashes.
            out += "\n## Node events\n\n" + groupTable(events, count: "events")
            for group in events { out += "\n" + section(group, level: 3) }
        }
        if !summary.errors.isEmpty {
            out += "\n## Inputs not read\n\n"
            for error in summary.errors { out += "- " + MarkupText.markdown(error) + "\n" }
        }
        return out
    }

    static func groupTable(_ groups: [FleetSummary.GroupSummary], count: String) -> String {
        var out = "| hosts | \(count) | kind | title | kernel releases | over-represented | last seen |\n"
        out += "|---:|---:|---|---|---|---|---|\n"
        for group in groups {
            let cells = [
                String(group.hostsAffected), String(group.crashes), group.kind,
                "[\(MarkupText.markdown(group.title))](#\(anchor(group)))",
                MarkupText.markdown(releasesText(group, limit: 3)),
                MarkupText.markdown(group.overRepresented.first.map(findingText) ?? "-"),
                group.lastSeen ?? "-",
            ]
            out += "| " + cells.joined(separator: " | ") + " |\n"
        }
        return out
    }

    /// `--by kernel`: crashes per signature and kernel release, the releases past
    /// `FleetHTML.pivotReleaseLimit` summed in one column.
    public static func renderPivot(_ summary: FleetSummary) -> String {
        let pivot = summary.releasePivot(limit: FleetHTML.pivotReleaseLimit)
        let other = pivot.otherReleases > 0 ? ["\(pivot.otherReleases) other releases"] : []
        let columns = pivot.releases.map(MarkupText.markdown) + other
        var out = "| title | " + columns.joined(separator: " | ") + " |\n"
        out += "|---|" + columns.map { _ in "---:|" }.joined() + "\n"
        for row in pivot.rows {
            let counts = row.counts + (other.isEmpty ? [] : [row.other])
            out +=
                "| " + MarkupText.markdown(row.group.title) + " | "
                + counts.map { $0 == 0 ? "" : String($0) }.joined(separator: " | ") + " |\n"
        }
        return out
    }

    /// `g-<signature>`. A signature read from a partial, NDJSON or a database may hold anything;
    /// characters other than ASCII letters and digits become `_`, so the anchor can end neither the
    /// link nor the `id` attribute it is written in.
    static func anchor(_ group: FleetSummary.GroupSummary) -> String {
        let safe = group.signature.unicodeScalars.map { scalar in
            scalar.isASCII && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar)) ? Character(scalar) : "_"
        }
        return "g-" + String(safe)
    }

    public static func totalsLine(_ totals: FleetSummary.Totals) -> String {
        let crashes = totals.records - totals.events
        let events = totals.events > 0 ? " and \(count(totals.events, "node event", "node events"))" : ""
        var text =
            "\(crashes) crash\(crashes == 1 ? "" : "es")\(events) in \(totals.groups) groups on \(totals.hostsWithCrashes) of \(totals.hosts) hosts, \(totals.inputs) inputs"
        var notes: [String] = []
        if totals.followUps > 0 { notes.append("\(totals.followUps) follow-up reports counted once") }
        if totals.duplicates > 0 { notes.append("\(totals.duplicates) duplicates counted once") }
        if totals.filteredOut > 0 { notes.append("\(totals.filteredOut) outside the time filter") }
        if totals.unreadableInputs > 0 { notes.append("\(totals.unreadableInputs) inputs unreadable") }
        if totals.futureClock > 0 {
            var hosts = totals.futureClockHosts.prefix(5).joined(separator: ", ")
            if totals.futureClockHosts.count > 5 { hosts += " and \(totals.futureClockHosts.count - 5) more" }
            notes.append("\(totals.futureClock) stamped in the future, clock wrong on \(hosts)")
        }
        if totals.withoutRelease > 0 { notes.append("\(totals.withoutRelease) without kernel release") }
        if totals.signatureVersions.count > 1 {
            notes.append("signature rules v" + totals.signatureVersions.map(String.init).joined(separator: ", v"))
        }
        if !notes.isEmpty { text += " (" + notes.joined(separator: "; ") + ")" }
        return text
    }

    public static func releasesText(_ group: FleetSummary.GroupSummary, limit: Int) -> String {
        var parts = group.kernelReleases.prefix(limit).map { "\($0.name) (\(count($0.crashes, "crash", "crashes")))" }
        if group.kernelReleases.count > limit { parts.append("+\(group.kernelReleases.count - limit) more") }
        return parts.joined(separator: ", ")
    }

    /// `kernel 6.1.0-18-amd64: 100% of group hosts vs 22% of fleet (p=1.2e-09)`.
    public static func findingText(_ finding: OverRepresented) -> String {
        "\(finding.category) \(finding.value): \(percent(finding.groupShare)) of group hosts vs \(percent(finding.fleetShare)) of fleet (p=\(pValueText(finding.pValue)))"
    }

    /// `1 crash`, `2 crashes`.
    public static func count(_ value: Int, _ one: String, _ many: String) -> String {
        "\(value) \(value == 1 ? one : many)"
    }

    public static func percent(_ share: Double) -> String {
        let value = share * 100
        if value >= 10 || value == 0 { return "\(Int(value.rounded()))%" }
        return "\(Double(Int(value * 10)) / 10)%"
    }

    public static func pValueText(_ p: Double) -> String {
        if p >= 0.001 { return String(Double(Int(p * 1000 + 0.5)) / 1000) }
        guard p > 0 else { return "<1e-300" }
        var exponent = 0
        var mantissa = p
        while mantissa < 1 { mantissa *= 10; exponent -= 1 }
        return "\(Double(Int(mantissa * 10 + 0.5)) / 10)e\(exponent)"
    }

    /// One group as a Markdown section (also the body of `ktriage report --group`).
    public static func section(_ group: FleetSummary.GroupSummary, level: Int) -> String {
        let h = String(repeating: "#", count: level)
        var out = "<a id=\"\(anchor(group))\"></a>\n\n"
        out += "\(h) \(MarkupText.markdown(group.title))\n\n"
        out +=
            "- signature: \(MarkupText.codeSpan(group.signature)) (rules v\(group.signatureVersion)), kind \(group.kind)\n"
        out += "- \(count(group.crashes, "crash", "crashes")) on \(count(group.hostsAffected, "host", "hosts"))"
        if group.followUps > 0 { out += ", \(group.followUps) follow-up reports counted once" }
        if group.panicked > 0 { out += ", \(group.panicked) panicked" }
        if group.corrupted > 0 { out += ", \(group.corrupted) corrupted" }
        out += "\n- first seen \(group.firstSeen ?? "unknown"), last seen \(group.lastSeen ?? "unknown")"
        if group.futureClock > 0 { out += " (\(group.futureClock) crashes stamped in the future left out)" }
        out += "\n- kernel releases: " + MarkupText.markdown(releasesText(group, limit: 8)) + "\n"
        if !group.hardware.isEmpty {
            out +=
                "- hardware: "
                + group.hardware.prefix(5).map {
                    MarkupText.markdown("\($0.name) (\(count($0.crashes, "crash", "crashes")))")
                }.joined(
                    separator: ", ") + "\n"
        }
        if !group.taint.isEmpty {
            out +=
                "- taint: "
                + group.taint.map { MarkupText.markdown(TaintText.explain(String($0))) }.joined(separator: "; ") + "\n"
        }
        if !group.modulesInEveryReport.isEmpty {
            out +=
                "- modules in every report: " + MarkupText.markdown(group.modulesInEveryReport.joined(separator: " "))
                + "\n"
        }
        out +=
            "- hosts: "
            + MarkupText.markdown(group.hosts.prefix(30).map { "\($0.name) (\($0.crashes))" }.joined(separator: ", "))
        out += group.hosts.count > 30 ? " and \(group.hosts.count - 30) more\n" : "\n"
        out +=
            "- grouped because: same normalised title; frames shared by every report: "
            + (group.why.sharedFrames.isEmpty
                ? "none" : MarkupText.markdown(group.why.sharedFrames.prefix(8).joined(separator: " ← ")))
            + "\n"
        if !group.overRepresented.isEmpty {
            out +=
                "\n\(h)# Over-represented attributes\n\n| attribute | value | group hosts | fleet hosts | p |\n|---|---|---:|---:|---:|\n"
            for finding in group.overRepresented {
                out +=
                    "| \(finding.category) | \(MarkupText.markdown(finding.value)) | "
                    + "\(finding.groupHosts)/\(finding.groupKnown) (\(percent(finding.groupShare))) | "
                    + "\(finding.fleetHosts)/\(finding.fleetKnown) (\(percent(finding.fleetShare))) | \(pValueText(finding.pValue)) |\n"
            }
        }
        if let record = group.representative {
            let trace = TraceText.lines(record).map(MarkupText.codeLine)
            if !trace.isEmpty {
                let fence = MarkupText.fence(for: trace)
                out +=
                    "\n\(h)# Decoded trace (\(MarkupText.markdown(record.host ?? "?")), \(MarkupText.markdown(record.kernel?.release ?? "unknown release")))\n\n"
                out += fence + "\n" + trace.joined(separator: "\n") + "\n" + fence + "\n"
            }
        }
        return out
    }
}
