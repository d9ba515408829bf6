import KernelLog
import KtriageBytes
import KtriageNative

/// The outcome of reading one input.
public struct InputScanResult: Sendable {
    public var path: String
    public var summary: LogReadSummary?
    /// The crash reports found, in order of their first line (per host stream, streams in order
    /// of their first report). `file` is set to the input path.
    public var records: [CrashRecord] = []
    /// Why the input could not be read (the message names the file and, for binary input, the
    /// byte offset). Inputs after a failed one are still read.
    public var error: String?

    public init(path: String) {
        self.path = path
    }
}

/// Reads inputs into per-input results. The single place where scan, group and report turn a
/// path into records, so every command treats inputs alike.
public struct InputScanner: Sendable {
    public var options: LogReaderOptions
    public var parserOptions: ParserOptions

    public init(options: LogReaderOptions = LogReaderOptions(), parserOptions: ParserOptions = ParserOptions()) {
        self.options = options
        self.parserOptions = parserOptions
    }

    /// Reads one input and parses its crash reports; `onLine` sees every kernel line.
    ///
    /// A syslog stream that mixes hosts gets one parser per host, so one host's lines cannot
    /// break into another host's report.
    ///
    /// Only lines a crash parser wants, or that `alsoWants` accepts, are converted and reach
    /// `onLine`; pass `{ _ in true }` to see every kernel line.
    public func scan(
        _ item: InputWalker.Item, alsoWants: (LineSketch) -> Bool = { _ in false },
        onLine: (LogLine) throws -> Void = { _ in }
    ) -> InputScanResult {
        var result = InputScanResult(path: item.path)
        if item.kind.isDump {
            return VmcoreScanner.scan(path: item.path, host: options.host, parserOptions: parserOptions)
        }
        var streams = StreamParsers(options: parserOptions)
        // The closures are written at each call, not stored: a stored closure escapes, and every
        // line's access to `streams` would then pay a dynamic exclusivity check.
        do {
            if item.pstoreParts.isEmpty {
                result.summary = try KernelLogReader.read(
                    path: item.path, options: options, wants: { streams.wants($0) || alsoWants($0) }
                ) { line in
                    streams.consume(line)
                    try onLine(line)
                }
            } else {
                result.summary = try KernelLogReader.read(
                    pstoreFiles: [item.path] + item.pstoreParts, options: options,
                    wants: { streams.wants($0) || alsoWants($0) }
                ) { line in
                    streams.consume(line)
                    try onLine(line)
                }
            }
        } catch let error as InputError {
            result.error = error.description
        } catch {
            result.error = "\(item.path): \(error)"
        }
        // Reports found before a read error (a truncated gzip) are kept.
        result.records = streams.finish(file: item.path)
        return result
    }
}

/// One crash parser per host stream of an input. Lines carry a small host number from the
/// reader, so finding a line's parser is an array index, not a hash of the host name.
struct StreamParsers {
    private let options: ParserOptions
    private var parsers: [CrashReportParser] = []
    /// Parser index for each host number (-1: none yet).
    private var byNumber: [Int] = []
    /// Parser for lines without a host (plain dmesg, console, `--host`).
    private var unnamed: Int?

    init(options: ParserOptions) {
        self.options = options
    }

    mutating func wants(_ sketch: LineSketch) -> Bool {
        parsers[parserIndex(host: sketch.hostNumber)].wants(sketch)
    }

    mutating func consume(_ line: LogLine) {
        parsers[parserIndex(host: line.metadata.hostNumber)].consume(line)
    }

    /// The parser of a host number (or of lines without a host), made on first sight.
    private mutating func parserIndex(host number: Int?) -> Int {
        if let number {
            if number >= byNumber.count {
                byNumber.append(contentsOf: repeatElement(-1, count: number + 1 - byNumber.count))
            }
            if byNumber[number] < 0 {
                byNumber[number] = parsers.count
                parsers.append(CrashReportParser(options: options))
            }
            return byNumber[number]
        }
        if let unnamed { return unnamed }
        unnamed = parsers.count
        parsers.append(CrashReportParser(options: options))
        return parsers.count - 1
    }

    mutating func finish(file: String) -> [CrashRecord] {
        var records: [CrashRecord] = []
        for index in parsers.indices {
            let base = records.count
            for var record in parsers[index].finish() {
                record.file = file
                // Links point into this parser's output; shift them to the merged list.
                if let link = record.linkedTo { record.linkedTo = link + base }
                records.append(record)
            }
        }
        return records
    }
}
