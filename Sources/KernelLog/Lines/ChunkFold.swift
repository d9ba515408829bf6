import KernelFacts
import KtriageBytes

/// Step 3 of a chunked reading (see ``ChunkedLogReader``): the chunks' findings added up in
/// input order, or `nil` when a chunk read something whose meaning depends on lines before it.
struct ChunkFold {
    /// The input's summary, as one pass would give it.
    var summary: LogReadSummary
    /// The short-monotonic probe state every line that matters is read again with.
    var probe: LinePrefixParser.ProbeState

    init?(_ chunks: [ChunkReading]) {
        guard let first = chunks.first, first.stripper.mode == .text,
            chunks.allSatisfy({ chunk in
                !chunk.failed && !chunk.framerRepaired && !chunk.stripper.judgedContinuation
                    && chunk.stripper.summary.diagnostics.isEmpty && chunk.stripper.summary.bootIDs.isEmpty
                    && !chunk.stripper.journalMode && !chunk.stripper.prefixParser.sawReltimeMinute
            }),
            let probe = Self.probe(chunks), Self.sameYear(chunks)
        else { return nil }
        self.probe = probe
        var merged = first.stripper
        for chunk in chunks.dropFirst() { merged.absorb(chunk.stripper) }
        // Past the summary's host cap, one pass numbers hosts the summary no longer lists.
        guard merged.summary.hosts.count < 10_000 else { return nil }
        try? merged.finish { _ in }
        summary = merged.summary
    }

    /// One pass probes the first 32 stamped lines of an input for `journalctl -o
    /// short-monotonic`'s `host kernel: ` and keeps what it found; each chunk probed its own. They
    /// agree when no chunk found it (every probe failed: a line reads the same probed or not), or
    /// when every chunk that probed found it at its first probe. The state returned makes every
    /// line read as one pass read it.
    static func probe(_ chunks: [ChunkReading]) -> LinePrefixParser.ProbeState? {
        let states = chunks.map(\.stripper.prefixParser.probeState)
        if !states.contains(where: \.monotonicJournal) {
            return LinePrefixParser.ProbeState(monotonicJournal: false, probes: LinePrefixParser.monotonicProbeLines)
        }
        guard states.allSatisfy({ $0.probes == 0 || ($0.monotonicJournal && $0.probes == 1) }) else { return nil }
        return LinePrefixParser.ProbeState(monotonicJournal: true, probes: LinePrefixParser.monotonicProbeLines)
    }

    /// BSD syslog's year moves on from December to January: inside a chunk or across a cut, a
    /// chunk would read the wrong year.
    static func sameYear(_ chunks: [ChunkReading]) -> Bool {
        var lastMonth = 0
        for chunk in chunks {
            let parser = chunk.stripper.prefixParser
            if parser.yearRollovers > 0 || (lastMonth == 12 && parser.firstMonth == 1) { return false }
            if parser.lastMonth != 0 { lastMonth = parser.lastMonth }
        }
        return true
    }
}
