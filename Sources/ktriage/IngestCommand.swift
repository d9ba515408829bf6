import ArgumentParser
import CrashFleet
import CrashStore
import KernelLog
import KtriageBytes
import KtriageReader

struct IngestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ingest",
        abstract: "Add the crashes in logs to a SQLite crash database, each crash once.",
        discussion: """
            Creates the database if needed (schema migrations are applied on open). A crash is \
            keyed by host, boot, the kernel's timestamp and its signature, so ingesting the same \
            log twice, or a log that grew since the last run, adds each crash once. Each input is \
            written in one transaction: a run killed mid-way leaves the database consistent and \
            running it again completes it. Boot banners and DMI lines of hosts without crashes \
            are stored too, for the fleet-wide shares of `group --db`.

            --from-ndjson stores records already read elsewhere (`scan --format ndjson` output, \
            e.g. from shards of a fleet job): each line as written, consecutive records of one \
            `file` as one input, written 2,000 records per transaction; a line that is not a \
            record is counted and named on stderr. Host facts come only from the records then \
            (boot banners of hosts without crashes are not in scan's output).

            Exit status: 0 when every input was read and stored, 1 otherwise.

            Examples:
              ktriage ingest --db crashes.sqlite /srv/logs
              ktriage scan --format ndjson /srv/logs | ktriage ingest --db crashes.sqlite --from-ndjson -
              ktriage group --db crashes.sqlite --since 2026-11-01
            """)

    @Option(help: "The SQLite database file (created if missing).")
    var db: String

    @Argument(help: "Log files, folders (walked recursively), .gz files, or - for stdin.")
    var inputs: [String] = []

    @Option(
        name: .customLong("from-ndjson"),
        help: "Store records from `scan --format ndjson` output (repeatable; - for stdin, .gz accepted).")
    var fromNDJSON: [String] = []

    @Option(help: "Host name for logs that do not name one (default: from the file or folder name).")
    var host: String?

    @Option(help: "Year for syslog timestamps, which carry none (default: this year).")
    var year: Int?

    @Option(help: "Worker threads for reading inputs (default: all cores).")
    var jobs: Int?

    @OptionGroup var logInput: LogInputFlags

    func validate() throws {
        if inputs.isEmpty && fromNDJSON.isEmpty { throw ValidationError("give inputs or --from-ndjson FILE") }
        try JobsOption.validate(jobs)
    }

    func run() throws {
        var walker = InputWalker()
        walker.add(inputs)
        var failed = false
        for note in walker.notes where note.isError {
            Output.warn(note.description)
            failed = true
        }
        let store: CrashStore
        do {
            store = try CrashStore(path: db)
        } catch {
            Output.warn(error.description)
            throw ExitCode(1)
        }
        let scanner = FleetScanner(
            reader: CrashReader(
                options: LogReaderOptions(host: host, referenceYear: year, timeZone: try logInput.timeZone())),
            context: GroupingContext(hostNaming: logInput.hostNaming), workers: jobs)
        var stats = IngestStatistics()
        do {
            for path in fromNDJSON { stats.add(try store.ingest(ndjsonPath: path)) }
            if !walker.items.isEmpty { stats.add(try store.ingest(walker.items, scanner: scanner)) }
        } catch {
            Output.warn(error.description)
            throw ExitCode(1)
        }
        for error in stats.errors {
            Output.warn(error)
            failed = true
        }
        let total = (try? store.count()) ?? 0
        let out = Output()
        out.line(
            "\(stats.inputs) inputs: \(stats.added) new crashes, \(stats.alreadyKnown) already in the database, "
                + "\(stats.followUps) follow-up reports counted once; \(total) crashes in \(db)")
        out.flush()
        if failed { throw ExitCode(1) }
    }
}
