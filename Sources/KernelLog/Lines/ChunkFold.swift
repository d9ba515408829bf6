import KernelFacts
import KtriageBytes

/// Step 3 of a chunked reading (see ``ChunkedLogReader``): the chunks added up in input order,
/// after checking that no chunk read something whose meaning depends on lines before it.
/// Holds the one-pass state at the end of the chunks accepted so far, which a
/// reading continued in one pass starts from.
struct ChunkFold {
    /// The first chunk's stripper with every later accepted chunk's counts, hosts and times.
    private(set) var merged: LogLineStripper?
    /// Whether one pass decided for `journalctl -o short-monotonic` (`nil` before the first chunk).
    private(set) var shortMonotonic: Bool?
    /// Stamped lines one pass has probed so far (all failed, while `shortMonotonic` is false).
    private(set) var probes = 0
    /// The month of the last BSD-syslog line so far; the year has not moved on.
    private(set) var lastMonth = 0
    /// The longest line with a wrapper so far.
    private(set) var longestWrappedLine = 0

    /// The probe state every line that matters is read again with: a line reads the same under
    /// it as one pass read it (failed probes read a line as no probe does).
    var rereadingProbe: LinePrefixParser.ProbeState {
        LinePrefixParser.ProbeState(
            monotonicJournal: shortMonotonic ?? false, probes: LinePrefixParser.monotonicProbeLines)
    }

    /// One pass's probe state after the accepted chunks.
    var onePassProbe: LinePrefixParser.ProbeState {
        LinePrefixParser.ProbeState(
            monotonicJournal: shortMonotonic ?? false,
            probes: shortMonotonic == true ? LinePrefixParser.monotonicProbeLines : probes)
    }

    /// Adds chunks, or returns `false` (and changes nothing) when one pass would read
    /// some line of them otherwise.
    mutating func accept(_ chunks: [ChunkReading]) -> Bool {
        guard
            chunks.allSatisfy({ chunk in
                !chunk.failed && !chunk.framerRepaired && !chunk.stripper.judgedContinuation
                    && chunk.stripper.summary.diagnostics.isEmpty && chunk.stripper.summary.bootIDs.isEmpty
                    && !chunk.stripper.journalMode && !chunk.stripper.prefixParser.sawReltimeMinute
            })
        else { return false }
        if merged == nil, chunks.first?.stripper.mode != .text { return false }
        guard let decision = decideProbes(chunks), sameYear(chunks) else { return false }
        var folded = merged
        for chunk in chunks {
            if folded == nil { folded = chunk.stripper } else { folded?.absorb(chunk.stripper) }
        }
        // Past the summary's host cap, one pass numbers hosts the summary no longer lists.
        guard let folded, folded.summary.hosts.count < 10_000 else { return false }
        merged = folded
        shortMonotonic = decision
        for chunk in chunks {
            let parser = chunk.stripper.prefixParser
            probes = min(LinePrefixParser.monotonicProbeLines, probes + parser.probeState.probes)
            if parser.lastMonth != 0 { lastMonth = parser.lastMonth }
            longestWrappedLine = max(longestWrappedLine, chunk.stripper.longestWrappedLine)
        }
        return true
    }

    /// One pass probes the first 32 stamped lines of an input for short-monotonic's
    /// `host kernel: ` and keeps what it found; each chunk probed its own. They agree when no
    /// chunk found it (every probe failed), or when every chunk that probed found it at its first
    /// probe — and what the first chunks found, later chunks find too.
    private func decideProbes(_ chunks: [ChunkReading]) -> Bool? {
        let states = chunks.map(\.stripper.prefixParser.probeState)
        let found = states.contains(where: \.monotonicJournal)
        if let shortMonotonic, shortMonotonic != found, states.contains(where: { $0.probes > 0 }) { return nil }
        if found, !states.allSatisfy({ $0.probes == 0 || ($0.monotonicJournal && $0.probes == 1) }) { return nil }
        if found, shortMonotonic == false { return nil }
        return shortMonotonic ?? found
    }

    /// BSD syslog's year moves on from December to January: inside a chunk or across a cut, a
    /// chunk would read the wrong year.
    private func sameYear(_ chunks: [ChunkReading]) -> Bool {
        var lastMonth = self.lastMonth
        for chunk in chunks {
            let parser = chunk.stripper.prefixParser
            if parser.yearRollovers > 0 || (lastMonth == 12 && parser.firstMonth == 1) { return false }
            if parser.lastMonth != 0 { lastMonth = parser.lastMonth }
        }
        return true
    }

    /// Adds the rest of the input, read in one pass from where the chunks stopped.
    mutating func absorb(continuation: LogLineStripper) {
        guard var folded = merged else { return }
        folded.absorb(continuation)
        folded.journalMode = folded.journalMode || continuation.journalMode
        if continuation.sawCarriageReturns { folded.sawCarriageReturns = true }
        merged = folded
    }

    /// The input's summary, as one pass gives it.
    mutating func finish() -> LogReadSummary? {
        try? merged?.finish { _ in }
        return merged?.summary
    }
}
