import KernelFacts

/// Which stream of output a line belongs to, for separating interleaved reports.
///
/// With `CONFIG_PRINTK_CALLER` the caller id separates tasks and CPUs exactly; without it, lines
/// that carry a timestamp are one stream (the console) and lines without one are another
/// (on a timestamped console those are user-space output). Syslog and journal lines are one
/// stream per host: their wrapper already separates kernel from user-space lines.
enum LineContext: Hashable, Sendable {
    case none
    case console
    case caller(CallerID)

    init(_ metadata: LineMetadata) {
        if let caller = metadata.caller {
            self = .caller(caller)
        } else if metadata.source == .syslog || metadata.source == .journal || metadata.source == .journald {
            // The wrapper already says which lines are the kernel's; the `[seconds]` stamp is
            // optional there (rsyslog templates drop it), so it does not separate streams.
            self = .console
        } else if metadata.monotonicMicros != nil {
            self = .console
        } else {
            self = .none
        }
    }

    var isCPU: Bool {
        if case .caller(.cpu) = self { return true }
        return false
    }
}
