import ArgumentParser
import CrashFleet
import CrashOutput
import KernelSymbols
import KtriageReader

enum ReportFormat: String, ExpressibleByArgument, CaseIterable {
    case markdown, text
}

struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Write a bug report (Markdown or plain text) for one crash group or one input file.",
        discussion: """
            With --group SIGNATURE (a signature or a unique prefix of one, or a title substring) \
            the report covers that group across all sources given (logs, --db, --from-ndjson, \
            --merge). With one input file and no --group, it covers every crash group in that \
            file, most hosts first, separated by `---`. Node events (OOM kills, hardware, \
            filesystem and I/O errors) are left out unless --class event or --class all.

            The report holds the title, kernel release(s), taint letters explained, hardware, the \
            decoded trace of the representative report, its registers and Code: line, modules, \
            hosts affected, first/last seen and the attributes over-represented in the group \
            compared with all hosts seen. --format text writes plain text for a mailing list: no \
            Markdown escapes, every trace line as the kernel printed it.

            Examples:
              ktriage report --group 5cd10486 fixtures/fleet
              ktriage report /var/log/kern.log
              ktriage report --format text --group 5cd10486 fixtures/fleet
              ktriage report --db crashes.sqlite --group "NULL pointer dereference in nf_tables_commit"
            """)

    @OptionGroup var source: FleetSourceOptions

    @Option(help: "The group: signature, signature prefix, or a piece of the title.")
    var group: String?

    @Option(help: "markdown (a tracker) or text (a mailing list).")
    var format: ReportFormat = .markdown

    @Option(
        name: .customLong("system-map"),
        help: "System.map of the crashed kernel: trace frames gain their run-time addresses when it fits.")
    var systemMap: String?

    func run() throws {
        var failed = false
        let symbolizer = try systemMap.map { path in
            do { return RecordSymbolizer(table: try SymbolTable.load(systemMap: path)) } catch {
                throw ValidationError("\(error)")
            }
        }
        let fleet = try source.aggregate(failed: &failed)
        // Bug reports are about crashes; node events only when asked for (`--class event|all`).
        let summary = FleetSummary(fleet, classes: (source.recordClass ?? .crash).classes)
        var chosen: [FleetSummary.GroupSummary]
        if let wanted = group {
            let exact = summary.groups.filter { $0.signature == wanted }
            let prefixed = summary.groups.filter { $0.signature.hasPrefix(wanted.lowercased()) }
            let titled = summary.groups.filter { $0.title.lowercased().contains(wanted.lowercased()) }
            let matches = !exact.isEmpty ? exact : (!prefixed.isEmpty ? prefixed : titled)
            guard let first = matches.first else {
                Output.warn("no crash group matches \(wanted) (\(summary.groups.count) groups read)")
                throw ExitCode(1)
            }
            if matches.count > 1 && exact.isEmpty {
                Output.warn(
                    "\(matches.count) groups match \(wanted); reporting the one with most hosts (\(first.signature)). Give a longer signature to choose another."
                )
            }
            chosen = [first]
        } else {
            guard source.inputs.count == 1 || source.db != nil || !source.fromNDJSON.isEmpty || !source.merge.isEmpty
            else {
                throw ValidationError("without --group, give one input file")
            }
            chosen = summary.groups
        }
        if chosen.isEmpty {
            Output.warn("no crash reports found")
            throw ExitCode(1)
        }
        if let symbolizer {
            for index in chosen.indices {
                guard var record = chosen[index].representative else { continue }
                if let note = symbolizer.symbolize(&record) { Output.warn("--system-map: " + note) }
                chosen[index].representative = record
            }
        }
        let out = Output()
        for (index, item) in chosen.enumerated() {
            if index > 0 { out.line("\n---\n") }
            switch format {
            case .markdown: out.write(BugReport.markdown(item, totals: summary.totals))
            case .text: out.write(BugReport.plainText(item, totals: summary.totals))
            }
        }
        out.flush()
        if failed { throw ExitCode(1) }
    }
}
