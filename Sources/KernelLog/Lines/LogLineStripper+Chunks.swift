import KernelFacts
import KtriageBytes

extension LogLineStripper {
    /// Whether a chunk may start at `line`: a line with a syslog wrapper or a kernel stamp, so
    /// that its reading does not depend on the line before (a bare line may continue a wrapped one).
    static func canStartChunk(_ line: UnsafeRawBufferPointer, options: LogReaderOptions) -> Bool {
        guard MailQuote.textStart(line) == nil else { return false }
        var parser = LinePrefixParser(referenceYear: 2000, zone: options.timeZone)
        let prefix = parser.parse(line, values: false)
        guard prefix.hadSyslogWrapper || prefix.hasMonotonicStamp else { return false }
        return !PasteRepair.mayNeed(line, textStart: prefix.textStart)
    }

    /// Whether an input whose first non-blank line is `line` is read as text lines (not journal
    /// JSON or export, pstore or an apport report): only text is read in chunks.
    static func readsAsText(firstLine line: UnsafeRawBufferPointer, path: String, options: LogReaderOptions) -> Bool {
        var probe = LogLineStripper(path: path, options: options)
        probe.decideMode(line)
        return probe.mode == .text
    }

    /// A chunk: after the first, text mode as the input's first line decided; the input's guess
    /// of another tool's saved output.
    mutating func startChunk(first: Bool, peerOutput: PeerToolOutput?) {
        if !first { mode = .text }
        self.peerOutput = peerOutput
    }

    /// Adds a later chunk's counts, hosts and times to this (earlier) chunk's summary. The last
    /// declined lines' times are taken first, with each chunk's own state.
    mutating func absorb(_ later: LogLineStripper) {
        settleLastDeclined()
        var later = later
        later.settleLastDeclined()
        let other = later.summary
        summary.lines += other.lines
        summary.kernelLines += other.kernelLines
        summary.otherProgramLines += other.otherProgramLines
        summary.malformedLines += other.malformedLines
        var known = Set(summary.hosts)
        for host in other.hosts where summary.hosts.count < 10_000 && known.insert(host).inserted {
            summary.hosts.append(host)
        }
        if summary.firstWallClockMicros == nil { summary.firstWallClockMicros = other.firstWallClockMicros }
        if summary.firstMonotonicMicros == nil { summary.firstMonotonicMicros = other.firstMonotonicMicros }
        if let wall = other.lastWallClockMicros { summary.lastWallClockMicros = wall }
        if let mono = other.lastMonotonicMicros { summary.lastMonotonicMicros = mono }
        let (dropped, overflow) = summary.droppedMessages.addingReportingOverflow(other.droppedMessages)
        summary.droppedMessages = overflow ? .max : dropped
        if summary.format == nil { summary.format = other.format }
        for boot in other.bootIDs { noteBootID(boot) }
        for diagnostic in other.diagnostics { summary.note(diagnostic) }
        sawSyslog = sawSyslog || later.sawSyslog
    }

    /// Sets this stripper (the one that read the lines that matter again) up to read the rest of
    /// the input in one pass, from a line a chunk may start with, in the state one pass has there:
    /// a summary of its own (added to the chunks' afterwards) that already holds the first times.
    mutating func continueInOnePass(fold: ChunkFold, firstTimes summary: LogReadSummary?) {
        var fresh = LogReadSummary(path: self.summary.path, source: self.summary.source)
        fresh.firstWallClockMicros = summary?.firstWallClockMicros
        fresh.firstMonotonicMicros = summary?.firstMonotonicMicros
        fresh.format = summary?.format
        self.summary = fresh
        knownBootIDs = []
        sawSyslog = false
        wrappedLine = nil
        longestWrappedLine = fold.longestWrappedLine
        prefixParser.primeForRegion(fold.onePassProbe)
        prefixParser.primeMonth(fold.lastMonth)
    }

    /// Sets up the stripper that reads the lines that matter again, in order.
    mutating func startRereading(peerOutput: PeerToolOutput?) {
        mode = .text
        self.peerOutput = peerOutput
    }
}
