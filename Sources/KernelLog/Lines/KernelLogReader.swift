import KernelFacts
import KtriageBytes
import KtriageNative

/// Reads kernel logs in any common container and hands out kernel lines with their wrappers
/// removed and what the wrappers said kept as metadata.
///
/// Containers (detected per input, wrappers per line): raw dmesg (`[ 1.234567] `, `<6>`),
/// `dmesg -T`, BSD / RFC 3339 / RFC 5424 syslog, `journalctl -k` short / short-iso /
/// short-precise, `journalctl -o json`, serial console captures, pstore records (parts joined in
/// order) and kdump dmesg files. Lines of other programs in a syslog are counted and left out
/// unless `includeOtherPrograms` is set. Memory stays bounded: lines are handed out in place,
/// long lines are cut at `maxLineLength`.
public enum KernelLogReader {
    /// Reads `input` (a file, a pipe, stdin, gzip or not) line by line.
    ///
    /// - Parameter wants: asked first about each kernel line, from its shape alone; a line it
    ///   declines is counted but not converted (no times, no metadata) and never reaches `body`.
    ///   A crash scan declines the ordinary lines of a log this way.
    /// - Parameter body: called for every line in order. The line's `text` is valid only during
    ///   the call.
    /// - Returns: what the reading found: container, counts, hosts, time range, diagnostics.
    /// - Throws: `InputError` when the input cannot be read, is not a log (binary data, a vmcore),
    ///   or its gzip data is corrupt or truncated (the lines before the damage are delivered
    ///   first); errors thrown by `body` propagate.
    public static func read(
        _ input: ByteInput, options: LogReaderOptions = LogReaderOptions(),
        wants: (LineSketch) -> Bool = { _ in true }, _ body: (LogLine) throws -> Void
    ) throws -> LogReadSummary {
        var feed = KernelLogFeed(path: input.path, options: options, isGzip: input.isGzip)
        try input.forEachChunk { chunk in try feed.feed(chunk, wants: wants, body) }
        return try feed.finish(wants: wants, body)
    }

    /// Opens `path` (`-` for stdin) and reads it.
    public static func read(
        path: String, options: LogReaderOptions = LogReaderOptions(), wants: (LineSketch) -> Bool = { _ in true },
        _ body: (LogLine) throws -> Void
    ) throws -> LogReadSummary {
        try read(ByteInput(path: path), options: options, wants: wants, body)
    }

    /// Reads the files of one pstore record (one file per part, as efi-pstore stores them) as one
    /// input, joining the parts in order. The summary carries the first path.
    public static func read(
        pstoreFiles paths: [String], options: LogReaderOptions = LogReaderOptions(),
        wants: (LineSketch) -> Bool = { _ in true }, _ body: (LogLine) throws -> Void
    ) throws -> LogReadSummary {
        try readPstore(paths.map(PstorePart.file), name: paths.first, options: options, wants: wants, body)
    }

    /// The parts of one pstore record held in memory (a backend read without files, a fuzzer's
    /// input), joined as `read(pstoreFiles:)` joins files; `path` names them in the summary.
    public static func read(
        pstoreParts parts: [UnsafeRawBufferPointer], path: String, options: LogReaderOptions = LogReaderOptions(),
        wants: (LineSketch) -> Bool = { _ in true }, _ body: (LogLine) throws -> Void
    ) throws -> LogReadSummary {
        try readPstore(parts.map(PstorePart.memory), name: path, options: options, wants: wants, body)
    }

    private enum PstorePart {
        case file(String)
        case memory(UnsafeRawBufferPointer)
    }

    /// Frames each part into one stripper, so pstore headers join across parts.
    private static func readPstore(
        _ parts: [PstorePart], name: String?, options: LogReaderOptions, wants: (LineSketch) -> Bool,
        _ body: (LogLine) throws -> Void
    ) throws -> LogReadSummary {
        guard !parts.isEmpty, let name else { return LogReadSummary(path: name ?? "", source: .pstore) }
        var pstoreOptions = options
        pstoreOptions.source = .pstore
        var stripper = LogLineStripper(path: name, options: pstoreOptions)
        var cut = 0
        for part in parts {
            var framer = LineFramer(maxLineLength: options.maxLineLength)
            switch part {
            case .file(let path):
                try ByteInput(path: path).forEachChunk { chunk in
                    try framer.feed(chunk) { line in try stripper.process(line, wants: wants, body) }
                }
            case .memory(let bytes):
                try framer.feed(bytes) { line in try stripper.process(line, wants: wants, body) }
            }
            try framer.finish { line in try stripper.process(line, wants: wants, body) }
            cut += framer.cutLineCount
        }
        try stripper.finish(body)
        var summary = stripper.summary
        summary.cutLines = cut
        return summary
    }

    /// Reads a log held in memory that is known to be text (no check of its first bytes).
    public static func read(
        bytes: UnsafeRawBufferPointer, path: String, options: LogReaderOptions = LogReaderOptions(),
        wants: (LineSketch) -> Bool = { _ in true }, _ body: (LogLine) throws -> Void
    ) throws -> LogReadSummary {
        var feed = KernelLogFeed(path: path, options: options, checksFormat: false)
        try feed.feed(bytes, wants: wants, body)
        return try feed.finish(wants: wants, body)
    }
}
