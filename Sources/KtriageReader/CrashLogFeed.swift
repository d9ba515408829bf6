import KernelLog
import KtriageBytes

/// A kernel log pushed into the front door in chunks of any size — a pipe, a socket, a
/// decompressor's output — with one crash parser per host stream, as for a file.
///
/// ```swift
/// var feed = CrashReader().feed(name: "console")
/// while let chunk = nextChunk() {
///     feed.feed(chunk)
///     for record in feed.takeRecords() { print(record.title) }   // reports that have ended
/// }
/// let report = feed.finish()                                    // the rest, and the summary
/// ```
///
/// The records do not depend on how the bytes were cut. After the first failure (the first
/// bytes are not a log) further chunks are ignored and ``finish()`` reports it.
public struct CrashLogFeed {
    public let name: String
    private let symbolizer: RecordSymbolizer?
    private var log: KernelLogFeed
    private var streams: StreamParsers
    private var failure: ReadError?

    init(name: String, reader: CrashReader) {
        self.name = name
        symbolizer = reader.symbolizer
        log = KernelLogFeed(path: name, options: reader.options)
        streams = StreamParsers(options: reader.parserOptions)
    }

    /// Reads the lines `chunk` completes.
    public mutating func feed(_ chunk: UnsafeRawBufferPointer) {
        guard failure == nil else { return }
        do {
            try log.feed(chunk, wants: { streams.wants($0) }) { line in streams.consume(line) }
        } catch {
            failure = ReadError(other: error, path: name)
        }
    }

    /// Reads the lines `chunk` completes.
    public mutating func feed(_ chunk: [UInt8]) {
        chunk.withUnsafeBytes { feed($0) }
    }

    /// The records whose reports have ended so far, in the order they ended; each is handed out
    /// once, so a long stream keeps only the reports in progress.
    public mutating func takeRecords() -> [CrashRecord] {
        var records = streams.takeRecords(file: name)
        if let symbolizer { _ = symbolizer.symbolize(&records) }
        return records
    }

    /// Ends the input: the records not taken yet, the summary, and the failure if any.
    public mutating func finish() -> InputReport {
        var report = InputReport(path: name)
        if failure == nil {
            do {
                report.summary = try log.finish(wants: { streams.wants($0) }) { line in streams.consume(line) }
            } catch {
                failure = ReadError(other: error, path: name)
            }
        }
        report.failure = failure
        report.records = streams.finish(file: name)
        report.symbolize(with: symbolizer)
        return report
    }
}
