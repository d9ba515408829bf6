import KernelDump
import KernelLog
import KtriageBytes
import KtriageNative

/// Turns a vmcore into crash records: reads its kernel log (any supported dump format and printk
/// layout) and runs the crash report parser over it, so dumps and logs give the same records.
public enum VmcoreScanner {
    /// Parses the crash reports in a log read from a dump.
    ///
    /// Each record line becomes one `LogLine` (multi-line records give several), numbered as
    /// `ktriage vmcore dmesg` prints them. Wall-clock times are anchored on `crashTime` (the last
    /// record is taken to be printed at the crash), when the dump has one.
    public static func records(
        from extract: KernelLogExtract, path: String, host: String?, crashTime: Int64?,
        parserOptions: ParserOptions = ParserOptions()
    ) -> (records: [CrashRecord], lines: Int) {
        var parser = CrashReportParser(options: parserOptions)
        let lastStamp = extract.records.last { $0.timestampNanoseconds != nil }?.timestampNanoseconds
        var number = 0
        for record in extract.records {
            var metadata = LineMetadata(source: .vmcore, host: host)
            if let ts = record.timestampNanoseconds {
                metadata.monotonicMicros = Int64(truncatingIfNeeded: ts / 1000)
                if let crashTime, let lastStamp, lastStamp >= ts {
                    let back = Int64(truncatingIfNeeded: (lastStamp - ts) / 1000)
                    metadata.wallClockMicros = crashTime &* 1_000_000 &- back
                }
            }
            metadata.caller = record.caller
            metadata.level = record.level
            if record.isDataless {
                number += 1
                continue
            }
            record.text.withUnsafeBytes { text in
                var start = 0
                for index in 0...text.count where index == text.count || text[index] == 0x0A {
                    number += 1
                    let piece = UnsafeRawBufferPointer(rebasing: text[start..<index])
                    parser.consume(LogLine(text: piece, number: number, offset: 0, metadata: metadata))
                    start = index + 1
                }
            }
        }
        var records = parser.finish()
        for index in records.indices { records[index].file = path }
        return (records, number)
    }

    /// Reads one dump for `scan`/`group`: its records with `source: vmcore`, or the error.
    public static func scan(
        path: String, host: String?, parserOptions: ParserOptions = ParserOptions(),
        symbolizer: RecordSymbolizer? = nil
    ) -> InputReport {
        do {
            let dump = try Vmcore(path: path)
            var result = scan(dump, host: host, parserOptions: parserOptions, symbolizer: symbolizer)
            // Records read before are kept, as after a read error of a log.
            if let error = dump.cutShortError { result.failure = ReadError(error) }
            return result
        } catch {
            var result = InputReport(path: path)
            result.failure = ReadError(other: error, path: path)
            return result
        }
    }

    /// Reads an opened dump: its records with `source: vmcore`, or why its log could not be read.
    public static func scan(
        _ dump: Vmcore, host: String?, parserOptions: ParserOptions = ParserOptions(),
        symbolizer: RecordSymbolizer? = nil
    ) -> InputReport {
        let (summary, extract) = VmcoreSummary.make(dump)
        return scan(
            dump, summary: summary, extract: extract, host: host, parserOptions: parserOptions, symbolizer: symbolizer)
    }

    /// `scan(_:host:parserOptions:symbolizer:)` with the dump's summary and log already read
    /// (`VmcoreSummary.make`), for a caller that also shows them: the log is walked once.
    public static func scan(
        _ dump: Vmcore, summary: VmcoreSummary, extract: KernelLogExtract?, host: String?,
        parserOptions: ParserOptions = ParserOptions(), symbolizer: RecordSymbolizer? = nil
    ) -> InputReport {
        let path = dump.path
        var result = InputReport(path: path)
        guard let extract else {
            result.failure = ReadError(
                kind: .noKernelLog, path: path,
                message: "the kernel log could not be read: "
                    + (summary.logProblems.first ?? "no printk buffer described in VMCOREINFO"))
            return result
        }
        // A kernel that never set a host name reports "(none)".
        let nodename = summary.nodename.flatMap { $0 == "(none)" || $0.isEmpty ? nil : $0 }
        let parsed = records(
            from: extract, path: path, host: host ?? nodename, crashTime: summary.crashTime,
            parserOptions: parserOptions)
        result.records = parsed.records
        DumpRecordEnrichment.enrich(&result.records, from: dump, crashingCPU: summary.crashingCPU)
        var logSummary = LogReadSummary(path: path, source: .vmcore)
        logSummary.lines = parsed.lines
        logSummary.kernelLines = parsed.lines
        if let name = host ?? nodename { logSummary.hosts = [name] }
        for problem in summary.logProblems + summary.missing {
            logSummary.diagnostics.append(LogDiagnostic(path: path, message: problem))
        }
        result.summary = logSummary
        result.symbolize(with: symbolizer)
        return result
    }

    /// The report a dump is about: the first one that is not a follow-up of another.
    public static func mainRecord(_ records: [CrashRecord]) -> CrashRecord? {
        records.first { $0.linkedTo == nil } ?? records.first
    }
}
