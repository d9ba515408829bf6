import KernelFacts

/// One report being collected: its lines in one context, from its header on.
struct ReportBuilder {
    let context: LineContext
    let metadata: LineMetadata
    let lineNumber: Int
    var lines: [String] = []
    var header: CrashHeader
    var headerRange: Range<String.Index>
    /// Index in `lines` of the header that drives the title (a lead message may come first).
    var headerIndex = 0
    /// The family of the lead message that opened the report, if any.
    var leadFamily: HeaderFamily?
    var panicked = false
    /// `---[ end trace …` seen: only panic lines still join.
    var ended = false
    var linesSinceEnd = 0
    var linkedTo: Int?
    /// An all-CPU backtrace was requested (`Sending NMI from CPU`): lines of any CPU context join.
    var allCPUs = false
    var lastMonotonic: Int64?
    var truncated = false
    /// Line number of the last line taken into the report.
    var endLineNumber: Int

    init(line: String, header: CrashHeader, range: Range<String.Index>, metadata: LineMetadata, number: Int) {
        self.context = LineContext(metadata)
        self.metadata = metadata
        self.lineNumber = number
        self.endLineNumber = number
        self.header = header
        self.headerRange = range
        self.lines = [line]
        self.lastMonotonic = metadata.monotonicMicros
        if header.role == .lead { leadFamily = header.family }
        if header.family == .kernelPanic { panicked = true }
    }

    static let forcedLineCap = CrashReportParser.maxReportLines + 16
    /// A machine check is printed in one burst (microseconds).
    static let machineCheckBurst: Int64 = 1_000_000

    var isLeadOnly: Bool { header.role == .lead && headerIndex == 0 }

    /// The last line is a module list (or its continuation) that may wrap onto the next line.
    var continuesModules: Bool {
        guard let last = lines.last else { return false }
        let trimmed = last.drop(while: { $0 == " " })
        return trimmed.hasBytePrefix("Modules linked in:") && !trimmed.containsBytes("[last unloaded:")
            || (FieldExtractor.isModuleContinuation(trimmed) && !trimmed.containsBytes("[last unloaded:"))
    }

    /// Go's runtime follows `fatal error:` with `goroutine N [running]:` or `runtime stack:`; a
    /// kernel message that merely contains the words (a wrapped `ALSA: seq fatal error:`) has neither.
    var isConfirmed: Bool {
        guard header.family == .goFatal else { return true }
        return lines.contains { $0.hasPrefix("goroutine ") || $0.hasPrefix("runtime stack:") }
    }

    /// A node-health event (OOM kill, machine check) that has not ended in a panic.
    var isEvent: Bool { header.family.isEvent && !panicked }

    /// An OOM report still waiting for its `Killed process` line: a long task dump must not end it.
    var awaitsOOMKill: Bool { header.family == .oomInvoked && !ended && !panicked }

    /// Whether a line that is no header still belongs to this event. Machine checks go on while
    /// the kernel prints `[Hardware Error]` lines (and EDAC's decoding), or — 2.6.x printed its
    /// `RIP`, `TSC`, `ADDR` lines bare — within a second of the last; an OOM report takes its
    /// dumps up to the kill line, then only the reaper's and 2.6.36–4.x's `Killed process` lines.
    func eventTakes(_ line: String, monotonic: Int64?) -> Bool {
        switch header.family {
        case .mce, .edac:
            if let monotonic, let last = lastMonotonic, monotonic >= last, monotonic - last <= Self.machineCheckBurst {
                return true
            }
            return line.containsBytes("[Hardware Error]") || line.containsBytes("mce: ") || line.containsBytes("EDAC ")
        case .oomInvoked, .oomKill:
            return !ended || line.containsBytes("oom_reaper: ") || line.containsBytes("Killed process ")
        case .allocFailure:
            // warn_alloc's stack and memory dump have no end line: the report goes on as a crash's would.
            return true
        default:
            return false
        }
    }

    /// Puts back together a line that a mail client or journalctl wrapped (the break took a space).
    /// A joined line stays within `CrashReportParser.maxLineBytes`: a long run of continuation
    /// lines becomes lines of its own instead of one ever longer line.
    mutating func continueLast(_ text: String, number: Int) {
        guard let last = lines.last, last.utf8.count + text.utf8.count < CrashReportParser.maxLineBytes else {
            append(text, monotonic: nil, number: number)
            return
        }
        lines[lines.count - 1] = last + " " + text.drop(while: { $0 == " " })
        endLineNumber = number
    }

    /// `force`: a header line (an OOM kill line after a long task dump) is kept past the line cap,
    /// by a few lines, so the record still names what happened.
    mutating func append(_ line: String, monotonic: Int64?, number: Int, force: Bool = false) {
        guard lines.count < CrashReportParser.maxReportLines || (force && lines.count < Self.forcedLineCap) else {
            truncated = true
            return
        }
        lines.append(line)
        endLineNumber = number
        if let monotonic, monotonic > (lastMonotonic ?? Int64.min) { lastMonotonic = monotonic }
        if ended { linesSinceEnd += 1 }
        if line.hasBytes("---[ end trace") || line.hasBytes("---[ end Kernel panic") { ended = true }
        if line.hasBytes("Sending NMI from CPU") || line.hasBytes("NMI backtrace for cpu") { allCPUs = true }
        if line.hasBytes("Kernel panic - not syncing") { panicked = true }
    }
}
