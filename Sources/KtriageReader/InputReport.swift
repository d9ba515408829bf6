import KernelLog

/// What reading one input gave: its crash records, what the reading found, and why it failed
/// if it did.
public struct InputReport: Sendable {
    public var path: String
    /// Container, line counts, hosts, time range and diagnostics (nil when nothing was read).
    public var summary: LogReadSummary?
    /// The crash reports found, in order of their first line (per host stream, streams in order
    /// of their first report). `file` is set to the input path.
    public var records: [CrashRecord] = []
    /// Why the input could not be read (or, for a dump, why its log could not be). Records
    /// found before the trouble (a truncated gzip) are kept. Inputs after a failed one are still
    /// read.
    public var failure: ReadError?
    /// Why records were left unsymbolized although a map was given (the map is of another
    /// build, the KASLR offset is unknown), each once.
    public var symbolizationNotes: [String] = []

    public init(path: String) {
        self.path = path
    }

    /// `failure` as one line naming the file and, where known, the byte offset.
    public var error: String? { failure?.description }

    /// Gives the records' frames their run-time addresses when a map is given.
    mutating func symbolize(with symbolizer: RecordSymbolizer?) {
        guard let symbolizer else { return }
        symbolizationNotes = symbolizer.symbolize(&records)
    }
}
