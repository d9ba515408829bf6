import KernelFacts

/// What the wrappers of one line said, as offsets into the line and plain values.
struct LinePrefix {
    enum Kind: Equatable {
        /// Kernel text starts at `textStart`.
        case kernel
        /// A syslog or journal line written by another program (`tag` names it).
        case otherProgram
        /// A journalctl separator such as `-- Boot 0a1b… --` or `-- Logs begin at … --`.
        case journalMarker
    }

    var kind: Kind = .kernel
    /// The layout of the outermost wrapper. (The one-byte fields sit next to `kind`, in the
    /// padding before `textStart`: the struct is copied per line and must not grow.)
    var format: LogFormat = .bare
    /// `wallClockMicros` was read from a local time without a zone (BSD syslog, `dmesg -T`),
    /// taken as UTC unless a zone is given.
    var zoneless = false
    var textStart = 0
    /// Host name bytes in the line, from a syslog or journal wrapper.
    var host: Range<Int>?
    var wallClockMicros: Int64?
    var monotonicMicros: Int64?
    /// A `[seconds.micros]` stamp is there (also known when the shape pass did not convert it).
    var hasMonotonicStamp = false
    var caller: CallerID?
    var level: UInt8?
    /// The wrapper was a syslog or journal one (it carried a host and a program tag).
    var hadSyslogWrapper = false
    /// `dmesg -T` style wall clock.
    var hadHumanTime = false
    /// Boot id bytes from a `-- Boot <id> --` journal marker.
    var bootID: Range<Int>?
}
