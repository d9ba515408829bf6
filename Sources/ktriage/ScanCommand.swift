import ArgumentParser
import CrashOutput
import KernelLog
import KernelSymbols
import KtriageReader

struct ScanCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scan",
        abstract: "Find crash reports in logs: files, folders, .gz files, stdin, journald JSON.",
        discussion: """
            Reads every input, removes the log wrappers (dmesg timestamps, syslog and journal \
            headers, journald JSON, serial console line ends, pstore part headers, kdump dmesg \
            files) and finds every crash report: oops, BUG, WARNING, panic, lockup, RCU stall, \
            hung task, sanitizer reports and more. Each becomes a record with a kind, a \
            syzbot-style title and a stable signature (--format ndjson: one record per line). Folders are walked recursively in name \
            order; files that are not logs are skipped (listed with --verbose). A gzip file is \
            recognised by its magic bytes and inflated as it is read.

            With --inputs, prints what was read per input (container, line counts, hosts) \
            instead. With --lines, prints every kernel line with the wrapper removed and what the \
            wrapper said (host, wall-clock time, [seconds] stamp, caller id, level).

            Exit status: 0 when every input was read, 1 when any could not be (each named on \
            stderr; the others are still read).

            Examples:
              ktriage scan /var/log/kern.log /var/log/kern.log.2.gz
              journalctl -k -o json | ktriage scan --format ndjson -
              ktriage scan --lines --format ndjson console.log
            """)

    @Argument(help: "Log files, folders (walked recursively), .gz files, or - for stdin.")
    var inputs: [String]

    @Option(help: "Output format: table, ndjson or json.")
    var format: ScanFormat = .table

    @Flag(help: "Print the kernel lines with wrappers removed instead of crash reports.")
    var lines = false

    @Flag(name: .customLong("inputs"), help: "Print what was read per input instead of crash reports.")
    var summary = false

    @Option(help: "Host name for logs that do not name one (plain dmesg, console, kdump files).")
    var host: String?

    @Option(help: "Year for syslog timestamps, which carry none (default: this year).")
    var year: Int?

    @Flag(help: "Also print other programs' syslog lines (with --lines).")
    var allPrograms = false

    @Flag(name: .shortAndLong, help: "List skipped files and per-input notes on stderr.")
    var verbose = false

    @Option(help: "A System.map of the crashed kernel: frames gain their run-time addresses when it fits.")
    var systemMap: String?

    @Option(
        help: """
            Threads for one large log file (default: all cores); the output is the same for \
            any number.
            """)
    var jobs: Int?

    @Option(help: "Zone of log times written without one: an IANA name or an offset such as +05:30 (default: UTC).")
    var tz: String?

    func run() throws {
        var walker = InputWalker()
        walker.add(inputs)
        var failed = false
        for note in walker.notes {
            if note.isError {
                Output.warn(note.description)
                failed = true
            } else if verbose {
                Output.warn("note: " + note.description)
            }
        }
        let options = LogReaderOptions(
            host: host, referenceYear: year, includeOtherPrograms: allPrograms,
            timeZone: try LogInputFlags.timeZone(tz))
        let symbolizer = try systemMap.map { path in
            do { return RecordSymbolizer(table: try SymbolTable.load(systemMap: path)) } catch {
                throw ValidationError("\(error)")
            }
        }
        try JobsOption.validate(jobs)
        var scanner = CrashReader(options: options, symbolizer: symbolizer)
        // --lines hands out every line: nothing to skip, so chunks would only add a second pass.
        scanner.jobs = lines ? 1 : jobs ?? ChunkedLogReader.availableCores
        let output = Output()
        var results: [InputReport] = []
        var progress = Progress(total: walker.items.count)
        for (index, item) in walker.items.enumerated() {
            progress.update(done: index, current: item.path)
            var result: InputReport
            if lines {
                result = scanner.read(item, alsoWants: { _ in true }) { line in
                    switch format {
                    case .ndjson, .json: output.line(LineJSON.encode(line, file: item.path))
                    case .table: output.line(TableLine.render(line))
                    }
                }
            } else {
                result = scanner.read(item)
            }
            if let error = result.error {
                Output.warn(error)
                failed = true
            }
            for note in result.symbolizationNotes { Output.warn("\(item.path): --system-map: " + note) }
            // No kernel lines, or mostly other programs': said even without --verbose.
            for warning in result.summary?.warnings ?? [] { Output.warn(warning.description) }
            if verbose, let summary = result.summary {
                for diagnostic in summary.diagnostics { Output.warn("note: " + diagnostic.description) }
            }
            // NDJSON streams: each input's records are written and dropped, so memory stays flat
            // however many inputs there are.
            if format == .ndjson && !summary && !lines {
                for line in ScanJSON.recordLines(result) { output.line(line) }
                result.records = []
            }
            results.append(result)
        }
        progress.finish()
        if summary {
            switch format {
            case .table: for line in ScanTable.lines(results, width: Terminal.width) { output.line(line) }
            case .json: output.line(try ScanJSON.inputsDocument(results))
            case .ndjson: for line in try ScanJSON.inputLines(results) { output.line(line) }
            }
        } else if !lines {
            switch format {
            case .table: for line in RecordTable.lines(results, width: Terminal.width) { output.line(line) }
            case .json: output.line(try ScanJSON.document(results))
            case .ndjson: break  // written per input above
            }
        }
        output.flush()
        if failed { throw ExitCode(1) }
    }
}
