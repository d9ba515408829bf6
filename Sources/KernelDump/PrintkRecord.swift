import KernelFacts

/// One record of the crashed kernel's printk buffer.
public struct PrintkRecord: Sendable, Equatable {
    /// printk sequence number (lockless ring only).
    public var sequence: UInt64?
    /// `ts_nsec`: local clock at the time of the printk, in nanoseconds (`nil` for pre-3.5 lines
    /// without a `[sec.usec]` prefix).
    public var timestampNanoseconds: UInt64?
    /// The message bytes as stored (may hold `\n` for multi-line records, and any byte value).
    public var text: [UInt8]
    /// `caller_id` (5.1+ with `CONFIG_PRINTK_CALLER`; always recorded since 5.10): bit 31 set
    /// = CPU id, else thread id.
    public var callerID: UInt32?
    /// printk level 0–7 when the layout exposes it (pre-3.5 `<N>` prefixes only: the level bits
    /// of newer layouts are not described by VMCOREINFO).
    public var level: UInt8?
    /// A lockless-ring record without a text block (`FAILED_LPOS`, or an intentionally empty line).
    public var isDataless: Bool

    public init(
        sequence: UInt64? = nil, timestampNanoseconds: UInt64?, text: [UInt8], callerID: UInt32? = nil,
        level: UInt8? = nil, isDataless: Bool = false
    ) {
        self.sequence = sequence
        self.timestampNanoseconds = timestampNanoseconds
        self.text = text
        self.callerID = callerID
        self.level = level
        self.isDataless = isDataless
    }

    /// ``callerID`` decoded.
    public var caller: CallerID? { callerID.map(CallerID.init(printkCallerID:)) }

    /// The text as a string (invalid UTF-8 replaced).
    public var string: String { String(decoding: text, as: UTF8.self) }
}

/// Which printk buffer layout a dump's log was read from.
public enum KernelLogLayout: String, Sendable, Codable {
    /// Lockless `printk_ringbuffer`, 5.10+.
    case ringBuffer = "printk_ringbuffer"
    /// Variable-length `struct printk_log` records, 3.5–5.9 (`struct log` until 3.10).
    case structured = "printk_log"
    /// Plain character ring, before 3.5.
    case characters = "log_buf"
}

/// The kernel log read from a dump, with what could not be read.
public struct KernelLogExtract: Sendable, Equatable {
    /// The buffer layout that was read.
    public var layout: KernelLogLayout
    /// The records, oldest first.
    public var records: [PrintkRecord]
    /// Problems met while walking (corrupt records skipped, walk cut short); empty when clean.
    public var problems: [String]
    /// The walk stopped early: the records are a prefix (or a part) of the log.
    public var isIncomplete: Bool { !problems.isEmpty }
}
