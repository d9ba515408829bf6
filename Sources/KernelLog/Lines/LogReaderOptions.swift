/// How `KernelLogReader` reads an input.
public struct LogReaderOptions: Sendable {
    /// Lines longer than this are cut, with a diagnostic.
    public var maxLineLength: Int
    /// Host to use when the log itself names none (plain dmesg, console, kdump files).
    public var host: String?
    /// Year for BSD syslog timestamps, which carry none; defaults to the current year.
    public var referenceYear: Int?
    /// Also deliver other programs' syslog lines (with `isKernel == false`).
    public var includeOtherPrograms: Bool
    /// Treat the input as this container instead of detecting it.
    public var source: LogSource?
    /// The zone of wall-clock times written without one (BSD syslog, `journalctl -o short`,
    /// `dmesg -T`); `nil` reads them as UTC.
    public var timeZone: LocalTimeZone?

    public init(
        maxLineLength: Int = 1 << 20, host: String? = nil, referenceYear: Int? = nil,
        includeOtherPrograms: Bool = false, source: LogSource? = nil, timeZone: LocalTimeZone? = nil
    ) {
        self.timeZone = timeZone
        self.maxLineLength = maxLineLength
        self.host = host
        self.referenceYear = referenceYear
        self.includeOtherPrograms = includeOtherPrograms
        self.source = source
    }
}
