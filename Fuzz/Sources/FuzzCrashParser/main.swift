import FuzzLineSupport
import FuzzSupport
import KernelFacts
import KernelLog

/// The crash report parser alone, on lines whose wrappers are already removed (no container
/// detection, no line framing): header matching, report assembly per stream, frames, fields,
/// titles and signatures, and the report limits.
///
/// Byte 0 sets what every line carries: bits 0–2 the source (`LogSource.allCases`), bit 3 a
/// monotonic stamp (1 ms apart), bit 4 caller ids, bit 5 a two-minute silence before lines whose
/// length is a multiple of 16 (reports end by silence), bit 6 drops report text, bit 7 takes the
/// records every 64 lines (``CrashReportParser/takeRecords()``). The rest is split at LF; with
/// caller ids on, a first byte 0x01–0x0f on a line is its caller (1–7 threads, 8–15 CPUs 0–7)
/// and is removed.
func fuzzOne(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let bytes = UnsafeRawBufferPointer(start: start, count: count)
    guard let flags = bytes.first else { return 0 }
    let sources = LogSource.allCases
    let source = sources[Int(flags & 7) % sources.count]
    var parser = CrashReportParser(options: ParserOptions(keepText: flags & 64 == 0))
    var monotonic: Int64 = 0
    var number = 0
    var lineStart = 1
    while lineStart <= count {
        var lineEnd = lineStart
        while lineEnd < count, bytes[lineEnd] != 0x0A { lineEnd += 1 }
        number += 1
        var textStart = lineStart
        var caller: CallerID?
        if flags & 16 != 0, textStart < lineEnd, bytes[textStart] > 0, bytes[textStart] < 0x10 {
            let id = Int32(bytes[textStart])
            caller = id < 8 ? .thread(id) : .cpu(id - 8)
            textStart += 1
        }
        if flags & 32 != 0, (lineEnd - lineStart) % 16 == 0 { monotonic += 120_000_001 }
        monotonic += 1000
        let metadata = LineMetadata(source: source, monotonicMicros: flags & 8 != 0 ? monotonic : nil, caller: caller)
        let text = UnsafeRawBufferPointer(rebasing: bytes[textStart..<lineEnd])
        parser.consume(LogLine(text: text, number: number, offset: Int64(lineStart - 1), metadata: metadata))
        if flags & 128 != 0, number % 64 == 0 { _ = parser.takeRecords() }
        lineStart = lineEnd + 1
    }
    for record in parser.finish() { _ = (record.title, record.signature, record.frames.count) }
    return 0
}

LineMutator.grammar = .strippedReport
runFuzzer(fuzzOne)
