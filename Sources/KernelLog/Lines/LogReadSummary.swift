import KtriageBytes

/// A problem found while reading one input that did not stop the reading.
public struct LogDiagnostic: Sendable, Codable, Equatable, CustomStringConvertible {
    public var path: String
    public var line: Int?
    public var offset: Int64?
    public var message: String

    public init(path: String, line: Int? = nil, offset: Int64? = nil, message: String) {
        self.path = path
        self.line = line
        self.offset = offset
        self.message = message
    }

    public var description: String {
        var text = path
        if let line { text += ":\(line)" }
        if let offset { text += " (byte \(offset))" }
        return text + ": " + message
    }
}

/// What reading one input found, besides its lines.
public struct LogReadSummary: Sendable, Codable, Equatable {
    public var path: String
    /// The container the log was in (the most specific one seen).
    public var source: LogSource
    /// The input was gzip-compressed.
    public var compressed = false
    public var lines = 0
    public var kernelLines = 0
    /// Lines of other programs in a syslog or journal, kept out of kernel text.
    public var otherProgramLines = 0
    /// Lines that looked like the container's format but could not be read (bad JSON).
    public var malformedLines = 0
    /// Host names seen, in first-seen order.
    public var hosts: [String] = []
    /// Boot IDs seen (journal `-- Boot` markers, `_BOOT_ID`), in first-seen order, at most
    /// `LogReadSummary.maxBootIDs`.
    public var bootIDs: [String] = []
    public var firstWallClockMicros: Int64?
    public var lastWallClockMicros: Int64?
    public var firstMonotonicMicros: Int64?
    public var lastMonotonicMicros: Int64?
    /// Sum of `** N printk messages dropped **` counts (serial consoles).
    public var droppedMessages = 0
    /// Lines cut at the line-length limit.
    public var cutLines = 0
    public var nulBytes = 0
    /// At most `LogReadSummary.maxDiagnostics` problems, in order.
    public var diagnostics: [LogDiagnostic] = []
    /// The layout of the input's first wrapped line (`nil` when no line had a wrapper).
    public var format: LogFormat?
    /// Problems a user must hear of even without `--verbose`: an input with no kernel lines, or
    /// mostly other programs' lines, instead of a silent zero.
    public var warnings: [LogDiagnostic] = []

    enum CodingKeys: String, CodingKey {
        case path, source, compressed, lines, hosts, diagnostics
        case kernelLines = "kernel_lines"
        case otherProgramLines = "other_program_lines"
        case malformedLines = "malformed_lines"
        case bootIDs = "boot_ids"
        case firstWallClockMicros = "first_wall_clock_micros"
        case lastWallClockMicros = "last_wall_clock_micros"
        case firstMonotonicMicros = "first_monotonic_micros"
        case lastMonotonicMicros = "last_monotonic_micros"
        case droppedMessages = "dropped_messages"
        case cutLines = "cut_lines"
        case nulBytes = "nul_bytes"
    }

    /// Cap on kept diagnostics per input.
    public static let maxDiagnostics = 100
    /// Cap on boot IDs listed per input (like the host list's): damaged input with a new id on
    /// every line must not grow the list without bound.
    public static let maxBootIDs = 10_000

    public init(path: String, source: LogSource) {
        self.path = path
        self.source = source
    }

    /// What the framer repaired: lines cut at the length limit (the first ten named) and NUL
    /// bytes dropped.
    mutating func addRepairs(of framer: LineFramer) {
        cutLines = framer.cutLineCount
        nulBytes = framer.nulBytes
        for cut in framer.cutLines.prefix(10) {
            note(
                LogDiagnostic(
                    path: path, line: cut.number, offset: cut.offset,
                    message: "line longer than \(framer.maxLineLength) bytes: cut"))
        }
    }

    mutating func note(_ diagnostic: LogDiagnostic) {
        if diagnostics.count < LogReadSummary.maxDiagnostics { diagnostics.append(diagnostic) }
    }
}
