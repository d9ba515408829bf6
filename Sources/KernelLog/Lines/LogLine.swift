import KernelFacts

/// Which log container a line came from.
public enum LogSource: String, Sendable, Codable, CaseIterable {
    /// `dmesg` output: `[    1.234567] text`, `<6>[ 1.2] text`, `dmesg -T`, or bare text.
    case dmesg
    /// A syslog file: BSD (`Nov 12 15:06:31 host kernel: `), RFC 3339 or RFC 5424.
    case syslog
    /// `journalctl -k` text output (short, short-iso, short-precise).
    case journal
    /// `journalctl -o json` export.
    case journald
    /// A serial console capture (CR line ends, dropped-message markers).
    case console
    /// A pstore record (`Oops#1 Part1` header).
    case pstore
    /// A kdump dmesg file (`vmcore-dmesg.txt`, `dmesg.YYYYMMDDhhmm`).
    case kdump
    /// The kernel log extracted from a vmcore.
    case vmcore
}

/// What a log wrapper said about one line, kept after the wrapper is removed.
public struct LineMetadata: Sendable, Equatable {
    public var source: LogSource
    /// Host name from syslog or journald (`nil` for plain dmesg).
    public var host: String?
    /// journald `_BOOT_ID`.
    public var bootID: String?
    /// Wall-clock time in microseconds since the Unix epoch, UTC, when the wrapper gives one.
    public var wallClockMicros: Int64?
    /// The kernel's monotonic `[seconds.micros]` stamp, in microseconds.
    public var monotonicMicros: Int64?
    public var caller: CallerID?
    /// printk level 0–7 when given (`<3>`, journald PRIORITY, syslog PRI).
    public var level: UInt8?
    /// `false` for lines of other programs in a syslog or journal: they are not kernel text.
    public var isKernel: Bool
    /// A small number standing for `host` within one input (0, 1, 2 … in first-seen order), so
    /// per-host work can be kept in arrays instead of hashing the name on every line; `nil`
    /// when the line names no host.
    public var hostNumber: Int?
    /// The line carries no wrapper of its own and continues the line before it: a mail client's
    /// hard wrap of a syslog line, or journalctl's indented continuation of a multi-line entry.
    public var continuesPrevious = false

    public init(
        source: LogSource, host: String? = nil, bootID: String? = nil, wallClockMicros: Int64? = nil,
        monotonicMicros: Int64? = nil, caller: CallerID? = nil, level: UInt8? = nil, isKernel: Bool = true
    ) {
        self.source = source
        self.host = host
        self.bootID = bootID
        self.wallClockMicros = wallClockMicros
        self.monotonicMicros = monotonicMicros
        self.caller = caller
        self.level = level
        self.isKernel = isKernel
    }
}

/// One kernel log line with its wrapper removed.
///
/// `text` is borrowed: it points into the reader's buffers and is valid only during the callback
/// that receives the line. Copy what must be kept (`String(decoding:as:)` or `Array`).
public struct LogLine {
    /// The kernel's text without timestamps, host names or levels, and without the line end.
    public var text: UnsafeRawBufferPointer
    /// 1-based line number in the input (for journald JSON: the JSON line).
    public var number: Int
    /// Byte offset of the line's start in the (decompressed) input.
    public var offset: Int64
    public var metadata: LineMetadata
    /// The line was longer than the framing limit and was cut.
    public var truncated: Bool

    public init(
        text: UnsafeRawBufferPointer, number: Int, offset: Int64, metadata: LineMetadata,
        truncated: Bool = false
    ) {
        self.text = text
        self.number = number
        self.offset = offset
        self.metadata = metadata
        self.truncated = truncated
    }

    /// The text as a Swift string (invalid UTF-8 replaced); allocates, for rare lines only.
    public var string: String { String(decoding: text, as: UTF8.self) }
}

/// What the reader knows of a kernel line before converting its wrapper: enough for a consumer
/// to decline it cheaply (see `KernelLogReader.read(_:options:wants:_:)`).
public struct LineSketch {
    /// The kernel's text, as `LogLine.text` would hold it; valid only during the call.
    public var text: UnsafeRawBufferPointer
    public var number: Int
    /// `LineMetadata.hostNumber` of the line.
    public var hostNumber: Int?
    /// The line carries a `[seconds.micros]` stamp.
    public var hasMonotonicStamp: Bool

    public init(text: UnsafeRawBufferPointer, number: Int, hostNumber: Int?, hasMonotonicStamp: Bool) {
        self.text = text
        self.number = number
        self.hostNumber = hostNumber
        self.hasMonotonicStamp = hasMonotonicStamp
    }
}
