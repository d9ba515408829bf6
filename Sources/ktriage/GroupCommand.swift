import ArgumentParser
import CrashFleet
import CrashOutput
import CrashStore
import Foundation
import KernelFacts
import KernelLog
import KtriageBytes
import KtriageReader

/// Output formats of `group`.
enum GroupFormat: String, ExpressibleByArgument, CaseIterable {
    case table, json, markdown, html, partial
}

/// `group --by`.
enum GroupPivot: String, ExpressibleByArgument, CaseIterable {
    case signature, kernel
}

/// `--class`: which records' groups to show.
enum ClassChoice: String, ExpressibleByArgument, CaseIterable {
    case crash, event, all

    var classes: Set<RecordClass> {
        switch self {
        case .crash: return [.crash]
        case .event: return [.event]
        case .all: return Set(RecordClass.allCases)
        }
    }
}

/// Where `group` and `report` take their records from, and the options they share.
struct FleetSourceOptions: ParsableArguments {
    @Argument(help: "Log files, folders (walked recursively), .gz files, or - for stdin.")
    var inputs: [String] = []

    @Option(help: "Read crashes from this SQLite database (written by ingest) instead of logs.")
    var db: String?

    @Option(
        name: .customLong("from-ndjson"),
        help: "Read records from `scan --format ndjson` output (repeatable; - for stdin).")
    var fromNDJSON: [String] = []

    @Option(help: "Merge partial groupings written by `group --format partial` (repeatable).")
    var merge: [String] = []

    @Option(help: "Only crashes at or after this UTC time (YYYY-MM-DD or YYYY-MM-DDThh:mm[:ss]).")
    var since: String?

    @Option(help: "Only crashes before this UTC time.")
    var until: String?

    @Option(help: "Host name for logs that do not name one (default: from the file or folder name).")
    var host: String?

    @Option(help: "Year for syslog timestamps, which carry none (default: this year).")
    var year: Int?

    @Option(help: "Worker threads for reading inputs (default: all cores).")
    var jobs: Int?

    @Option(help: "Record ids listed per group.")
    var maxIds = 10_000

    @Option(
        name: .customLong("class"),
        help: ArgumentHelp(
            "crash, event or all: groups of crash reports, of node events, or both in sections of their own.",
            discussion: "Default: all for group, crash for report."))
    var recordClass: ClassChoice?

    @OptionGroup var logInput: LogInputFlags

    func validate() throws {
        if inputs.isEmpty && db == nil && fromNDJSON.isEmpty && merge.isEmpty {
            throw ValidationError("give inputs, --db FILE, --from-ndjson FILE or --merge FILE")
        }
        if let since, FleetTime.parse(since) == nil { throw ValidationError("--since: not a date: \(since)") }
        if let until, FleetTime.parse(until) == nil { throw ValidationError("--until: not a date: \(until)") }
        try JobsOption.validate(jobs)
    }

    var context: GroupingContext {
        GroupingContext(
            idLimit: max(0, maxIds), since: since.flatMap(FleetTime.parse), until: until.flatMap(FleetTime.parse),
            hostNaming: logInput.hostNaming)
    }

    /// Reads every source into one aggregate; `failed` is set when an input could not be read.
    func aggregate(failed: inout Bool) throws -> FleetAggregate {
        let context = self.context
        var fleet = FleetAggregate(idLimit: context.idLimit)
        if let db {
            // Reading commands never create a database: a mistyped path must not read as "0 crashes".
            guard FileManager.default.fileExists(atPath: db) else {
                Output.warn("\(db): no such database (only 'ktriage ingest' creates one)")
                throw ExitCode(1)
            }
            do {
                fleet.merge(try CrashStore(path: db).aggregate(context: context))
            } catch {
                Output.warn(error.description)
                throw ExitCode(1)
            }
        }
        if !fromNDJSON.isEmpty {
            var grouper = NDJSONGrouper(context: context)
            grouper.jobs = jobs ?? ChunkedLogReader.availableCores
            for path in fromNDJSON { grouper.read(path: path) }
            fleet.merge(grouper.finish())
        }
        let overlapBefore = fleet.overlappingRecords
        for path in merge {
            do {
                fleet.merge(
                    try PartialFile.read(path: path, jobs: jobs ?? ChunkedLogReader.availableCores), source: path)
            } catch {
                Output.warn(error.description)
                failed = true
            }
        }
        if fleet.overlappingRecords > overlapBefore {
            // Partials carry counts, not every crash, so a crash in two of them cannot be taken
            // out again: said, not hidden.
            Output.warn(
                "--merge: at least \(fleet.overlappingRecords - overlapBefore) crashes are in more than one source "
                    + "(the partials were made from overlapping inputs); each is counted once per source")
        }
        if !inputs.isEmpty {
            var walker = InputWalker()
            walker.add(inputs)
            for note in walker.notes where note.isError {
                Output.warn(note.description)
                fleet.addError(note.description, unreadable: true)
                failed = true
            }
            let options = LogReaderOptions(host: host, referenceYear: year, timeZone: try logInput.timeZone())
            let scanner = FleetScanner(reader: CrashReader(options: options), context: context, workers: jobs)
            let progress = SharedProgress(total: walker.items.count)
            fleet.merge(
                scanner.group(
                    walker.items, progress: { done in progress.update(done: done) },
                    onWarning: { warning in Output.warn(warning) }))
            progress.finish()
        }
        for error in fleet.errors {
            Output.warn(error)
            failed = true
        }
        return fleet
    }
}

struct GroupCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "group",
        abstract: "Group crashes across a fleet by signature, with statistics and what stands out.",
        discussion: """
            Reads every input on all cores (folders of per-host logs, syslog streams with many \
            hosts, journald exports), finds the crash reports and groups them by signature. Per \
            group: crashes, hosts, kernel releases, first/last seen, hardware, taint, modules in \
            every report, and the attributes (kernel release, hardware, BIOS, module, taint flag) \
            much more common among its hosts than among all hosts seen — including hosts without \
            a crash whose boot banner or DMI line says what they run — with both shares and a \
            one-sided Fisher exact p-value. Groups are sorted by hosts affected.

            Sources can be combined: logs, --db (history written by ingest), --from-ndjson \
            (records from `scan --format ndjson`, e.g. one file per shard) and --merge (partial \
            groupings written by `group --format partial` on other machines); partials merge to \
            the same result as one run over everything.

            Crashes and node-health events (OOM kills, machine checks, EDAC, filesystem and I/O \
            errors, NFS servers not responding) are grouped apart: the events follow the crash \
            groups in a section of their own (--class crash or --class event shows one of them).

            Exit status: 0 when every input was read, 1 when any could not be (each named on stderr).

            Examples:
              ktriage group /srv/logs
              ktriage group fixtures/fleet --format html --output fleet.html
              ktriage group fixtures/fleet --by kernel
              ktriage group --db crashes.sqlite --since 2026-11-01 --format markdown
            """)

    @OptionGroup var source: FleetSourceOptions

    @Option(help: "Output format: table, json, markdown, html, or partial (a mergeable aggregate).")
    var format: GroupFormat = .table

    @Option(
        help:
            "Rows by signature (default) or a signature × kernel release pivot (--by kernel: the 20 releases with most crashes as columns, the rest summed; JSON lists all)."
    )
    var by: GroupPivot = .signature

    @Option(name: .shortAndLong, help: "Write the output to this file instead of standard output.")
    var output: String?

    /// What the HTML page says it was generated from, and when.
    func provenance() -> FleetHTML.Provenance {
        var sources = source.inputs
        if let db = source.db { sources.append("--db " + db) }
        sources += source.fromNDJSON.map { "--from-ndjson " + $0 }
        sources += source.merge.map { "--merge " + $0 }
        let now = Int64(Date().timeIntervalSince1970 * 1_000_000)
        return FleetHTML.Provenance(
            tool: "ktriage \(Ktriage.release)", generatedAt: TimeText.iso8601(micros: now, fraction: false),
            sources: sources)
    }

    var classes: Set<RecordClass> { (source.recordClass ?? .all).classes }
    /// Threads summarising groups: `--jobs`, or every core.
    var summaryJobs: Int { source.jobs ?? ChunkedLogReader.availableCores }

    func run() throws {
        var failed = false
        let fleet = try source.aggregate(failed: &failed)
        if format == .table {
            guard output == nil else {
                Output.warn("--output needs --format json, markdown, html or partial")
                throw ExitCode(1)
            }
            let out = Output()
            let summary = FleetSummary(consume fleet, classes: classes, jobs: summaryJobs)
            let lines =
                by == .kernel
                ? FleetTable.pivotLines(summary, width: Terminal.width)
                : FleetTable.lines(summary, width: Terminal.width)
            for line in lines { out.line(line) }
            out.flush()
            if failed { throw ExitCode(1) }
            return
        }
        // Written in pieces: the JSON document a group at a time (see `FleetJSON.write`).
        let write: ((String) throws -> Void) throws -> Void
        if format == .partial {
            write = { sink in
                try FleetJSON.writePartial(fleet, to: sink)
                try sink("\n")
            }
        } else {
            let summary = FleetSummary(consume fleet, classes: classes, jobs: summaryJobs)
            switch (format, by) {
            case (.markdown, .signature): write = { sink in try sink(FleetMarkdown.render(summary)) }
            case (.markdown, .kernel): write = { sink in try sink(FleetMarkdown.renderPivot(summary)) }
            case (.html, _):
                let page = FleetHTML.render(summary, provenance: provenance())
                write = { sink in try sink(page) }
            case (.json, .kernel): write = { sink in try sink(try FleetJSON.pivot(summary)) }
            default: write = { sink in try FleetJSON.write(summary, to: sink) }
            }
        }
        var descriptor: Int32 = 1
        if let output {
            descriptor = open(output, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
            guard descriptor >= 0 else {
                Output.warn("\(output): cannot write the output file (\(String(cString: strerror(errno))))")
                throw ExitCode(1)
            }
        }
        let out = Output(descriptor: descriptor)
        try write { piece in out.write(piece) }
        out.flush()
        if descriptor != 1 {
            guard !out.failed, close(descriptor) == 0 else {
                Output.warn("\(output ?? ""): cannot write the output file")
                throw ExitCode(1)
            }
        }
        if failed { throw ExitCode(1) }
    }
}

/// Progress shared by worker threads (stderr on a terminal only).
final class SharedProgress: @unchecked Sendable {
    private let lock = NSLock()
    private var progress: Progress

    init(total: Int) { progress = Progress(total: total) }

    func update(done: Int) {
        lock.lock()
        defer { lock.unlock() }
        progress.update(done: done, current: "")
    }

    func finish() {
        lock.lock()
        defer { lock.unlock() }
        progress.finish()
    }
}
