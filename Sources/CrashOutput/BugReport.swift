import CrashFleet
import KernelLog

/// `ktriage report`: a bug report for one group, as Markdown for a tracker or as plain text for a
/// mailing list.
///
/// Says what a kernel developer asks first — which kernels, tainted or not, which hardware, the
/// decoded trace, the registers and `Code:` line, which modules — and what the fleet adds: how many
/// hosts, since when, and which attribute stands out.
public enum BugReport {
    /// How the two formats differ: Markdown escapes text and fences the trace; plain text (what
    /// kernel mailing lists want) keeps every line as the kernel printed it.
    struct Style: Sendable {
        var text: @Sendable (String) -> String
        var strong: @Sendable (String) -> String
        var code: @Sendable (String) -> String
        var title: @Sendable (String) -> String
        var heading: @Sendable (String) -> String
        var block: @Sendable ([String]) -> String
        /// Rows of a table: a Markdown table, or aligned plain lines.
        var table: @Sendable (_ header: [String], _ rows: [[String]]) -> String

        static let markdown = Style(
            text: MarkupText.markdown, strong: { "**\($0)**" }, code: MarkupText.codeSpan,
            title: { "# " + MarkupText.markdown($0) }, heading: { "## \($0)" },
            block: { lines in
                let trace = lines.map(MarkupText.codeLine)
                let fence = MarkupText.fence(for: trace)
                return fence + "\n" + trace.joined(separator: "\n") + "\n" + fence + "\n"
            },
            table: { header, rows in
                let alignment = "|" + header.indices.map { $0 < 2 ? "---|" : "---:|" }.joined()
                let lines = ([header] + rows.map { $0.map(MarkupText.markdown) }).map {
                    "| " + $0.joined(separator: " | ") + " |"
                }
                return ([lines[0], alignment] + lines.dropFirst()).joined(separator: "\n") + "\n"
            })

        static let plain = Style(
            text: { $0 }, strong: { $0 }, code: { $0 },
            title: { $0 + "\n" + String(repeating: "=", count: $0.count) },
            heading: { $0 + "\n" + String(repeating: "-", count: $0.count) },
            block: { lines in lines.joined(separator: "\n") + "\n" },
            table: { header, rows in
                let all = [header] + rows
                let widths = header.indices.map { column in all.map { $0[column].count }.max() ?? 0 }
                return all.map { row in
                    row.indices.map { column in
                        row[column] + String(repeating: " ", count: widths[column] - row[column].count)
                    }.joined(separator: "  ").trimmingTrailingSpaces()
                }.joined(separator: "\n") + "\n"
            })
    }

    public static func markdown(_ group: FleetSummary.GroupSummary, totals: FleetSummary.Totals) -> String {
        render(group, totals: totals, style: .markdown)
    }

    /// Plain text for a mailing list: no Markdown escapes, trace lines as printed.
    public static func plainText(_ group: FleetSummary.GroupSummary, totals: FleetSummary.Totals) -> String {
        render(group, totals: totals, style: .plain)
    }

    static func render(_ group: FleetSummary.GroupSummary, totals: FleetSummary.Totals, style: Style) -> String {
        let md = style.text
        var out = style.title(group.title) + "\n\n"
        out += style.strong(
            "\(group.crashes) crash\(group.crashes == 1 ? "" : "es") on \(group.hostsAffected) of \(totals.hosts) hosts"
        )
        out += ", first seen \(group.firstSeen ?? "unknown"), last seen \(group.lastSeen ?? "unknown")."
        if group.panicked > 0 { out += " \(group.panicked) of them panicked." }
        out +=
            "\n\nSignature \(style.code(group.signature)) (rules v\(group.signatureVersion)), kind \(style.code(group.kind)).\n"

        out += "\n" + style.heading("Kernel") + "\n\n"
        for release in group.kernelReleases {
            out += "- \(md(release.name)): \(crashCount(release.crashes))\n"
        }
        if let info = group.representative?.kernel?.buildInfo { out += "\nBuild: \(md(info))\n" }

        out += "\n" + style.heading("Taint") + "\n\n"
        if group.taint.isEmpty {
            out += "Not tainted in any report.\n"
        } else {
            out += "Letters seen: \(style.code(group.taint))\n\n"
            for letter in group.taint { out += "- " + md(TaintText.explain(String(letter))) + "\n" }
        }

        out += "\n" + style.heading("Hardware") + "\n\n"
        if group.hardware.isEmpty { out += "Not printed in the reports.\n" }
        for hw in group.hardware.prefix(10) { out += "- \(md(hw.name)): \(crashCount(hw.crashes))\n" }
        for bios in group.bios.prefix(5) { out += "- BIOS \(md(bios.name)): \(crashCount(bios.crashes))\n" }

        if let record = group.representative {
            out += "\n" + style.heading("Decoded trace") + "\n\n"
            var header = "From \(md(record.host ?? "an unnamed host"))"
            if let file = record.file {
                header += ", \(style.code(MarkupText.codeLine(file).replacingBackticks())) line \(record.line)"
            }
            if let comm = record.comm { header += ", comm \(md(comm))" }
            out += header + ":\n\n"
            out += style.block([record.message] + TraceText.lines(record))
            let registers = registerLines(record)
            if !registers.isEmpty {
                out += "\n" + style.heading("Registers") + "\n\n" + style.block(registers)
            }

            out += "\n" + style.heading("Modules") + "\n\n"
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

        out += "\n" + style.heading("Hosts affected") + "\n\n"
        out += md(group.hosts.prefix(50).map { "\($0.name) (\(crashCount($0.crashes)))" }.joined(separator: ", "))
        out += group.hosts.count > 50 ? " and \(group.hosts.count - 50) more\n" : "\n"

        out += "\n" + style.heading("What stands out") + "\n\n"
        if group.overRepresented.isEmpty {
            out += "No attribute is significantly more common among these hosts than in the fleet (p ≤ 0.05).\n"
        } else {
            let header = ["attribute", "value", "hosts in this group", "hosts in the fleet", "p (Fisher, one-sided)"]
            let rows = group.overRepresented.map { finding in
                [
                    finding.category, finding.value,
                    "\(finding.groupHosts)/\(finding.groupKnown) (\(FleetMarkdown.percent(finding.groupShare)))",
                    "\(finding.fleetHosts)/\(finding.fleetKnown) (\(FleetMarkdown.percent(finding.fleetShare)))",
                    FleetMarkdown.pValueText(finding.pValue),
                ]
            }
            out += style.table(header, rows)
        }
        out += "\nGrouped because every report has the same normalised title"
        if !group.why.sharedFrames.isEmpty {
            out += " and these frames in its trace: " + md(group.why.sharedFrames.prefix(8).joined(separator: " ← "))
        }
        out += ".\n"
        return out
    }
}

extension BugReport {
    /// `1 crash`, `19 crashes`: counts of crashes are labelled, never bare next to host counts.
    static func crashCount(_ count: Int) -> String { "\(count) crash\(count == 1 ? "" : "es")" }

    /// The representative's registers in the order printed (`RIP: …` first on x86) and its
    /// `Code:` line, as the kernel printed them.
    static func registerLines(_ record: CrashRecord) -> [String] {
        let order = record.registerOrder ?? record.registers.keys.sorted()
        var lines: [String] = []
        var line = ""
        for name in order {
            guard let value = record.registers[name] else { continue }
            let pair = "\(name): \(value)"
            if !line.isEmpty, line.count + pair.count + 1 > 72 {
                lines.append(line)
                line = ""
            }
            line += (line.isEmpty ? "" : " ") + pair
        }
        if !line.isEmpty { lines.append(line) }
        if let code = record.code { lines.append("Code: " + code) }
        return lines
    }
}

extension String {
    func trimmingTrailingSpaces() -> String {
        var text = self
        while text.last == " " { text.removeLast() }
        return text
    }

    func replacingBackticks() -> String { String(unicodeScalars.map { $0 == "`" ? "'" : Character($0) }) }
}
