import KernelDump
import KernelFacts
import KernelLog
import KernelSymbols
import KtriageBytes
import KtriageNative

/// The front door: turns kernel logs and vmcores into crash records, by the path the `ktriage`
/// command takes — every log container of ``KernelLogReader``, one crash parser per host when a
/// syslog stream mixes hosts, the kernel log read out of a dump, frames symbolized when a
/// ``RecordSymbolizer`` is given.
///
/// ```swift
/// let reader = CrashReader()
/// for record in try reader.records(path: "/var/log/kern.log") { print(record.title) }
/// ```
///
/// Entry points: ``records(path:)`` (throws the first ``ReadError``), ``read(paths:_:)`` (one
/// ``InputReport`` per input, handed out as each is finished, folders walked), ``read(bytes:name:)``
/// and ``read(text:name:)`` for bytes in memory (a log or a dump alike), and ``feed(name:)`` for
/// a log pushed in chunks of any size (a pipe, a socket), which hands out each record as soon as
/// its report has ended.
public struct CrashReader: Sendable {
    public var options: LogReaderOptions
    public var parserOptions: ParserOptions
    /// When set, frames gain their run-time addresses (only when the map fits the report).
    public var symbolizer: RecordSymbolizer?
    /// Threads for one large log file (``ChunkedLogReader``); the records and summary are those
    /// of one thread.
    public var jobs = 1
    /// The smallest chunk of a log read on several threads: a smaller file is read on one.
    public var chunkBytes = ChunkedLogReader.minimumChunkBytes

    public init(
        options: LogReaderOptions = LogReaderOptions(), parserOptions: ParserOptions = ParserOptions(),
        symbolizer: RecordSymbolizer? = nil
    ) {
        self.options = options
        self.parserOptions = parserOptions
        self.symbolizer = symbolizer
    }

    /// Every crash record of the inputs at `path` (a log, a gzip log, a vmcore, a folder of them,
    /// `-` for standard input), in input order.
    /// - Throws: the first input's ``ReadError`` (the path is missing, a log is binary, a dump is
    ///   damaged); use ``read(paths:_:)`` to go on past failed inputs.
    public func records(path: String) throws(ReadError) -> [CrashRecord] {
        var records: [CrashRecord] = []
        var failure: ReadError?
        let notes = read(paths: [path]) { report in
            records += report.records
            if failure == nil { failure = report.failure }
        }
        if let error = notes.first(where: \.isError) {
            throw ReadError(kind: .unreadable, path: error.path, message: error.message)
        }
        if let failure { throw failure }
        return records
    }

    /// Reads every input under `paths` in order (folders walked as ``InputWalker`` does) and hands
    /// each one's report to `body` as soon as it is read, so memory holds one input at a time.
    /// - Returns: the paths that were skipped or could not be used (`isError` for an argument
    ///   that is itself unusable).
    @discardableResult
    public func read(paths: [String], _ body: (InputReport) throws -> Void) rethrows -> [InputWalker.Note] {
        var walker = InputWalker()
        walker.add(paths)
        for item in walker.items { try body(read(item)) }
        return walker.notes
    }

    /// Reads bytes held in memory: a kernel log in any container, or a vmcore (by its magic).
    /// `name` stands for the path in records and messages.
    public func read(bytes: UnsafeRawBufferPointer, name: String) -> InputReport {
        if InputKind.sniff(UnsafeRawBufferPointer(rebasing: bytes.prefix(4096))).isDump {
            do {
                return VmcoreScanner.scan(
                    try Vmcore(bytes: bytes, name: name), host: options.host, parserOptions: parserOptions,
                    symbolizer: symbolizer)
            } catch {
                var report = InputReport(path: name)
                report.failure = ReadError(other: error, path: name)
                return report
            }
        }
        if let report = readInChunks(bytes: bytes, name: name) { return report }
        var session = feed(name: name)
        session.feed(bytes)
        return session.finish()
    }

    /// Reads bytes held in memory (see ``read(bytes:name:)-(UnsafeRawBufferPointer,_)``).
    public func read(bytes: [UInt8], name: String) -> InputReport {
        bytes.withUnsafeBytes { read(bytes: $0, name: name) }
    }

    /// Reads a log given as text.
    public func read(text: String, name: String = "text") -> InputReport {
        var text = text
        return text.withUTF8 { read(bytes: UnsafeRawBufferPointer($0), name: name) }
    }

    /// A log to be pushed in chunks; see ``CrashLogFeed``.
    public func feed(name: String) -> CrashLogFeed {
        CrashLogFeed(name: name, reader: self)
    }

    /// Reads one input found by ``InputWalker``, as the `ktriage` commands do.
    ///
    /// A syslog stream that mixes hosts gets one parser per host, so one host's lines cannot
    /// break into another host's report. Only lines a crash parser wants, or that `alsoWants`
    /// accepts, are converted and reach `onLine`; pass `{ _ in true }` to see every kernel line.
    public func read(
        _ item: InputWalker.Item, alsoWants: @escaping @Sendable (LineSketch) -> Bool = { _ in false },
        onLine: (LogLine) throws -> Void = { _ in }
    ) -> InputReport {
        if item.kind.isDump {
            let report = VmcoreScanner.scan(
                path: item.path, host: options.host, parserOptions: parserOptions, symbolizer: symbolizer)
            guard report.records.isEmpty, !item.companions.isEmpty else { return report }
            return readCompanions(of: item, dumpReport: report, alsoWants: alsoWants, onLine: onLine)
        }
        var result = InputReport(path: item.path)
        var streams = StreamParsers(options: parserOptions)
        // The closures are written at each call, not stored: a stored closure escapes, and every
        // line's access to `streams` would then pay a dynamic exclusivity check.
        do {
            if let summary = try readInChunks(item, streams: &streams, alsoWants: alsoWants, onLine: onLine) {
                result.summary = summary
            } else if item.pstoreParts.isEmpty {
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
        } catch {
            result.failure = ReadError(other: error, path: item.path)
        }
        // Reports found before a read error (a truncated gzip) are kept.
        result.records = streams.finish(file: item.path)
        result.symbolize(with: symbolizer)
        return result
    }
}

extension CrashReader {
    /// One large plain log file on ``jobs`` threads, or `nil` when it is read in one pass.
    func readInChunks(
        _ item: InputWalker.Item, streams: inout StreamParsers, alsoWants: @escaping @Sendable (LineSketch) -> Bool,
        onLine: (LogLine) throws -> Void
    ) throws -> LogReadSummary? {
        guard jobs > 1, item.kind == .text, item.pstoreParts.isEmpty, item.path != "-",
            let file = try? MappedFile(path: item.path), file.bytes.count >= 2 * chunkBytes
        else { return nil }
        // The walk's thread parses the lines that matter; records are assembled beside it.
        streams.assemblyPool = RecordAssemblyPool()
        let summary = try ChunkedLogReader.read(
            bytes: file.bytes, path: item.path, options: options, jobs: jobs, minimumChunkBytes: chunkBytes,
            consumer: &streams, mayMatter: CrashReportParser.mayStartReport, alsoWants: alsoWants,
            release: { file.dropPages($0) }, onLine: onLine)
        if let error = file.cutShortError() { throw error }
        return summary
    }

    /// A large log in memory on ``jobs`` threads, or `nil` when it is read in one pass.
    func readInChunks(bytes: UnsafeRawBufferPointer, name: String) -> InputReport? {
        guard jobs > 1, bytes.count >= 2 * chunkBytes else { return nil }
        var streams = StreamParsers(options: parserOptions)
        streams.assemblyPool = RecordAssemblyPool()
        guard
            let summary = try? ChunkedLogReader.read(
                bytes: bytes, path: name, options: options, jobs: jobs, minimumChunkBytes: chunkBytes,
                consumer: &streams, mayMatter: CrashReportParser.mayStartReport, alsoWants: { _ in false },
                onLine: { _ in })
        else { return nil }
        var report = InputReport(path: name)
        report.summary = summary
        report.records = streams.finish(file: name)
        report.symbolize(with: symbolizer)
        return report
    }

    /// The log files beside a dump that gave no report (no log in it, or a damaged one): the
    /// first of them with a report stands for the crash, named after the dump's host.
    func readCompanions(
        of item: InputWalker.Item, dumpReport: InputReport, alsoWants: @escaping @Sendable (LineSketch) -> Bool,
        onLine: (LogLine) throws -> Void
    ) -> InputReport {
        var companionReader = self
        if companionReader.options.host == nil { companionReader.options.host = dumpReport.summary?.hosts.first }
        for companion in item.companions {
            let report = companionReader.read(
                InputWalker.Item(path: companion, kind: .text, root: item.root), alsoWants: alsoWants, onLine: onLine)
            if !report.records.isEmpty { return report }
        }
        return dumpReport
    }
}

/// One crash parser per host stream of an input. Lines carry a small host number from the
/// reader, so finding a line's parser is an array index, not a hash of the host name.
struct StreamParsers: ChunkedLineConsumer {
    private let options: ParserOptions
    private var parsers: [CrashReportParser] = []
    /// Parser index for each host number (-1: none yet).
    private var byNumber: [Int] = []
    /// Parser for lines without a host (plain dmesg, console, `--host`).
    private var unnamed: Int?
    /// Parsers with a report in progress.
    private var parsersInReport = 0
    /// Where every parser's ended reports are assembled (a thread beside the walk), when set.
    var assemblyPool: RecordAssemblyPool? {
        didSet { for index in parsers.indices { parsers[index].assemblyPool = assemblyPool } }
    }
    /// Each parser's `busyLine`, kept beside it: the chunked walk asks `isQuiet` of every line
    /// while some stream is in a report, and this answers from one array.
    private var busyLines: [Int] = []

    init(options: ParserOptions) {
        self.options = options
    }

    mutating func wants(_ sketch: LineSketch) -> Bool {
        parsers[parserIndex(host: sketch.hostNumber)].wants(sketch)
    }

    mutating func consume(_ line: LogLine) {
        let index = parserIndex(host: line.metadata.hostNumber)
        let wasInReport = parsers[index].hasReportInProgress
        parsers[index].consume(line)
        if parsers[index].hasReportInProgress != wasInReport { parsersInReport += wasInReport ? -1 : 1 }
        busyLines[index] = parsers[index].busyLine
    }

    var everyStreamQuiet: Bool { parsersInReport == 0 }

    func isQuiet(stream host: Int?, beforeLine number: Int) -> Bool {
        let index = host.map { $0 < byNumber.count ? byNumber[$0] : -1 } ?? unnamed ?? -1
        return index < 0 || (busyLines[index] != .max && busyLines[index] != number)
    }

    mutating func openStream(host number: Int?) { _ = parserIndex(host: number) }

    mutating func noteTimestamps(host number: Int?) { parsers[parserIndex(host: number)].noteTimestamps() }

    /// The parser of a host number (or of lines without a host), made on first sight.
    private mutating func parserIndex(host number: Int?) -> Int {
        if let number {
            if number >= byNumber.count {
                byNumber.append(contentsOf: repeatElement(-1, count: number + 1 - byNumber.count))
            }
            if byNumber[number] < 0 {
                byNumber[number] = parsers.count
                parsers.append(newParser())
                busyLines.append(-1)
            }
            return byNumber[number]
        }
        if let unnamed { return unnamed }
        unnamed = parsers.count
        parsers.append(newParser())
        busyLines.append(-1)
        return parsers.count - 1
    }

    private func newParser() -> CrashReportParser {
        var parser = CrashReportParser(options: options)
        parser.assemblyPool = assemblyPool
        return parser
    }

    /// The records whose reports have ended, from every parser; links stay within each parser's
    /// own numbering, which counts the records taken earlier.
    mutating func takeRecords(file: String) -> [CrashRecord] {
        var records: [CrashRecord] = []
        for index in parsers.indices {
            for var record in parsers[index].takeRecords() {
                record.file = file
                records.append(record)
            }
        }
        return records
    }

    mutating func finish(file: String) -> [CrashRecord] {
        parsersInReport = 0
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
