import FuzzSupport
import KernelLog
import KtriageBytes

/// Line framing, wrapper stripping (every container, chosen by the first byte of the input) and
/// the crash report parser, on arbitrary bytes.
func fuzzOne(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let bytes = UnsafeRawBufferPointer(start: start, count: count)
    let sources: [LogSource?] = [nil, .journald, .pstore, .syslog]
    let selector = count > 0 ? Int(bytes[0]) % sources.count : 0
    let options = LogReaderOptions(maxLineLength: 4096, includeOtherPrograms: true, source: sources[selector])
    var parser = CrashReportParser()
    _ = try? KernelLogReader.read(bytes: bytes, path: "fuzz", options: options) { line in
        parser.consume(line)
    }
    _ = parser.finish()
    return 0
}

runFuzzer(fuzzOne)
