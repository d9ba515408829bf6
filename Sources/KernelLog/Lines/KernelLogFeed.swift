import KernelFacts
import KtriageBytes

/// A kernel log read in pieces pushed by the caller: bytes from a socket, a pipe, a decompressor
/// or a buffer, in chunks of any size. The lines and the summary do not depend on how the bytes
/// were cut (the framer carries a partial line over to the next chunk).
///
/// ``KernelLogReader`` drives one of these for files and buffers; use it directly when the bytes
/// do not come from a file.
public struct KernelLogFeed {
    /// The name used in diagnostics and summaries (a path, or any label).
    public let path: String
    private let isGzip: Bool
    private var stripper: LogLineStripper
    private var framer: LineFramer
    private let checksFormat: Bool
    private var sniffed = false

    /// - Parameters:
    ///   - isGzip: the bytes were inflated from gzip (named in the refusal of a compressed dump
    ///     and kept in the summary).
    ///   - checksFormat: refuse input whose first bytes are binary data, a dump or another
    ///     compression; off for text already known to be a log (a dump's own kernel log).
    public init(
        path: String, options: LogReaderOptions = LogReaderOptions(), isGzip: Bool = false, checksFormat: Bool = true
    ) {
        self.path = path
        self.isGzip = isGzip
        self.checksFormat = checksFormat
        stripper = LogLineStripper(path: path, options: options)
        framer = LineFramer(maxLineLength: options.maxLineLength)
    }

    /// Frames `chunk` and hands out each complete line, with its wrapper removed, to `body`.
    ///
    /// - Parameter wants: asked first about each kernel line, from its shape alone; a line it
    ///   declines is counted but not converted and never reaches `body`.
    /// - Throws: `InputError` when the first chunk shows the input is not a log (binary data, a
    ///   vmcore, another compression); errors thrown by `body` propagate.
    public mutating func feed(
        _ chunk: UnsafeRawBufferPointer, wants: (LineSketch) -> Bool = { _ in true },
        _ body: (LogLine) throws -> Void
    ) throws {
        if !sniffed, !chunk.isEmpty {
            sniffed = true
            if checksFormat { try KernelLogFeed.refuseNonLog(chunk, path: path, isGzip: isGzip) }
            stripper.peerOutput = PeerToolOutput.recognise(UnsafeRawBufferPointer(rebasing: chunk.prefix(8192)))
            // Serial console captures end lines with CR: judge that before the first line.
            // memchr: the generic `contains` is a witness call per byte in a debug build (15% of
            // the journal fuzzer's time).
            let head = UnsafeRawBufferPointer(rebasing: chunk.prefix(64 * 1024))
            if ByteScanning.memchrIndex(ASCII.carriageReturn, in: head, from: 0) != nil {
                stripper.sawCarriageReturns = true
            }
        }
        try framer.feed(chunk) { line in try stripper.process(line, wants: wants, body) }
    }

    /// Flushes the last line and returns what the reading found: container, counts, hosts, time
    /// range, diagnostics.
    public mutating func finish(
        wants: (LineSketch) -> Bool = { _ in true }, _ body: (LogLine) throws -> Void
    ) throws -> LogReadSummary {
        try framer.finish { line in try stripper.process(line, wants: wants, body) }
        if framer.crBreaks > 0 { stripper.sawCarriageReturns = true }
        try stripper.finish(body)
        var summary = stripper.summary
        summary.addRepairs(of: framer)
        summary.compressed = isGzip
        return summary
    }

    /// Throws when the first bytes say the input is something other than a log.
    static func refuseNonLog(_ head: UnsafeRawBufferPointer, path: String, isGzip: Bool) throws(InputError) {
        let kind = InputKind.sniff(head)
        switch kind {
        case .elf, .kdumpCompressed, .flattened:
            // Dumps are read in place (random access); a compressed one must be unpacked.
            let advice = isGzip ? "decompress it first: dumps are read in place" : "use 'ktriage vmcore'"
            throw InputError(
                path: path, offset: 0,
                message: "is a \(isGzip ? "gzip-compressed " : "")vmcore (\(kind.rawValue)), not a log: \(advice)",
                kind: .notKernelLog)
        case .binary:
            let offset = InputKind.firstControlByte(head).map(Int64.init) ?? 0
            throw InputError(path: path, offset: offset, message: "binary data, not a kernel log", kind: .notKernelLog)
        case .gzip:
            throw InputError(path: path, offset: 0, message: "gzip inside gzip is not supported", kind: .notKernelLog)
        case .otherCompression:
            let name = InputKind.compressionName(head) ?? "another format"
            throw InputError(
                path: path, offset: 0, message: "compressed with \(name): decompress it first", kind: .notKernelLog)
        case .text, .empty:
            break
        }
    }
}
