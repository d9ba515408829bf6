import ArgumentParser
import CrashFleet
import Foundation
import KernelFacts
import KernelLog
import KernelSymbols
import KtriageBytes
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
        let options = LogReaderOptions(host: host, referenceYear: year, includeOtherPrograms: allPrograms)
        let symbolizer = try systemMap.map { path in
            do { return RecordSymbolizer(table: try SymbolTable.load(systemMap: path)) } catch {
                throw ValidationError("\(error)")
            }
        }
        let scanner = CrashReader(options: options, symbolizer: symbolizer)
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
            if verbose, let summary = result.summary {
                for diagnostic in summary.diagnostics { Output.warn("note: " + diagnostic.description) }
            }
            // NDJSON streams: each input's records are written and dropped, so memory stays flat
            // however many inputs there are.
            if format == .ndjson && !summary && !lines {
                try ScanJSON.renderRecords([result], into: output)
                result.records = []
            }
            results.append(result)
        }
        progress.finish()
        if summary {
            switch format {
            case .table: ScanTable.render(results, into: output)
            case .json, .ndjson: try ScanJSON.render(results, format: format, into: output)
            }
        } else if !lines {
            switch format {
            case .table: RecordTable.render(results, into: output)
            case .json: try ScanJSON.renderDocument(results, into: output)
            case .ndjson: break  // written per input above
            }
        }
        output.flush()
        if failed { throw ExitCode(1) }
    }
}

/// `--lines --format table`: the text with a short metadata column.
enum TableLine {
    static func render(_ line: LogLine) -> String {
        var prefix = ""
        if let host = line.metadata.host { prefix += host + " " }
        if let mono = line.metadata.monotonicMicros { prefix += "[" + TimeText.seconds(micros: mono) + "] " }
        return prefix + ByteEscaping.displayString(line.text)
    }
}

/// The per-input summary table.
enum ScanTable {
    static func render(_ results: [InputReport], into output: Output) {
        let header = ["input", "source", "lines", "kernel", "other", "hosts", "notes"]
        var rows: [[String]] = []
        for result in results {
            guard let summary = result.summary else {
                rows.append([result.path, "-", "-", "-", "-", "-", "unreadable"])
                continue
            }
            var notes: [String] = []
            if summary.compressed { notes.append("gzip") }
            if summary.cutLines > 0 { notes.append("\(summary.cutLines) long lines cut") }
            if summary.droppedMessages > 0 { notes.append("\(summary.droppedMessages) messages dropped") }
            if summary.malformedLines > 0 { notes.append("\(summary.malformedLines) malformed") }
            rows.append([
                summary.path, summary.source.rawValue, String(summary.lines), String(summary.kernelLines),
                String(summary.otherProgramLines),
                summary.hosts.prefix(3).joined(separator: ",")
                    + (summary.hosts.count > 3 ? ",…" : ""), notes.joined(separator: "; "),
            ])
        }
        TextTable.render(header: header, rows: rows, width: Terminal.width, into: output)
    }
}

/// The crash records as a table: where, host, kind, title, kernel.
enum RecordTable {
    static func render(_ results: [InputReport], into output: Output) {
        let header = ["location", "host", "kind", "title", "kernel"]
        var rows: [[String]] = []
        var total = 0
        for result in results {
            for record in result.records {
                total += 1
                var title = record.title
                if record.corrupted { title += " (corrupted)" }
                if record.linkedTo != nil { title += " (follow-up)" }
                rows.append([
                    "\(result.path):\(record.line)", record.host ?? "-", record.kind.rawValue, title,
                    record.kernel?.release ?? "-",
                ])
            }
        }
        if !rows.isEmpty { TextTable.render(header: header, rows: rows, width: Terminal.width, into: output) }
        let lines = results.compactMap(\.summary).reduce(0) { $0 + $1.lines }
        output.line(
            "\(total) crash report\(total == 1 ? "" : "s") in \(results.count) input\(results.count == 1 ? "" : "s") (\(lines) lines)"
        )
    }
}

/// `--format json|ndjson` for records and per-input summaries.
enum ScanJSON {
    static func makeEncoder(pretty: Bool) -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting =
            pretty ? [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes] : [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }

    /// One record per line.
    static func renderRecords(_ results: [InputReport], into output: Output) throws {
        let encoder = makeEncoder(pretty: false)
        for result in results {
            for record in result.records { output.line(String(decoding: try encoder.encode(record), as: UTF8.self)) }
        }
    }

    /// `{"schema": 1, "records": [...], "inputs": [...], "errors": [...]}`.
    static func renderDocument(_ results: [InputReport], into output: Output) throws {
        struct Document: Encodable {
            var schema: Int
            var records: [CrashRecord]
            var inputs: [LogReadSummary]
            var errors: [String]
        }
        let document = Document(
            schema: CrashRecord.schemaVersion, records: results.flatMap(\.records),
            inputs: results.compactMap(\.summary), errors: results.compactMap(\.error))
        output.line(String(decoding: try makeEncoder(pretty: true).encode(document), as: UTF8.self))
    }

    static func render(_ results: [InputReport], format: ScanFormat, into output: Output) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting =
            format == .json
            ? [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes] : [.sortedKeys, .withoutEscapingSlashes]
        let summaries = results.compactMap(\.summary)
        if format == .json {
            let document = ScanDocument(schema: 1, inputs: summaries, errors: results.compactMap(\.error))
            output.line(String(decoding: try encoder.encode(document), as: UTF8.self))
        } else {
            for summary in summaries {
                output.line(String(decoding: try encoder.encode(summary), as: UTF8.self))
            }
        }
    }

    struct ScanDocument: Encodable {
        var schema: Int
        var inputs: [LogReadSummary]
        var errors: [String]
    }
}
