import FuzzLineSupport
import FuzzSupport
import KernelLog
import KtriageReader

/// Line framing, wrapper stripping (every container) and the crash report parser, on arbitrary
/// bytes held in memory. The first byte picks how:
/// - bits 0–1: the container (0 auto-detection, 1 journald JSON, 2 pstore, 3 syslog);
/// - bit 2: through the front door (`CrashReader`: the format check, one parser per syslog host,
///   lines declined from their shape as a crash scan does), else every line to one parser;
/// - bit 3: pushed in chunks of 2^(bits 4–7) bytes (`CrashLogFeed`, `KernelLogFeed`), else in
///   one piece.
func fuzzOne(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let bytes = UnsafeRawBufferPointer(start: start, count: count)
    guard let flags = bytes.first else { return 0 }
    let sources: [LogSource?] = [nil, .journald, .pstore, .syslog]
    let options = LogReaderOptions(maxLineLength: 4096, includeOtherPrograms: true, source: sources[Int(flags & 3)])
    let chunkSize = flags & 8 != 0 ? 1 << Int(flags >> 4) : max(count, 1)
    let chunks = stride(from: 0, to: count, by: chunkSize).map {
        UnsafeRawBufferPointer(rebasing: bytes[$0..<min($0 + chunkSize, count)])
    }
    if flags & 4 != 0 {
        var feed = CrashReader(options: options).feed(name: "fuzz")
        for (index, chunk) in chunks.enumerated() {
            feed.feed(chunk)
            if index % 4 == 3 { _ = feed.takeRecords() }
        }
        for record in feed.finish().records { _ = (record.title, record.signature) }
    } else {
        var parser = CrashReportParser()
        var feed = KernelLogFeed(path: "fuzz", options: options)
        for chunk in chunks { try? feed.feed(chunk) { parser.consume($0) } }
        _ = try? feed.finish { parser.consume($0) }
        for record in parser.finish() { _ = (record.title, record.signature) }
    }
    return 0
}

LineMutator.grammar = .wrappedKernelLog
runFuzzer(fuzzOne)
