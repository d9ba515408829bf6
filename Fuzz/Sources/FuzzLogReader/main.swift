import FuzzSupport
import KernelLog
import KtriageBytes

/// Line framing, wrapper stripping (every container, chosen by the first byte of the input) and
/// the crash report parser, on arbitrary bytes; bit 2 of the first byte lets the parser decline
/// lines from their shape, as a crash scan does.
func fuzzOne(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let bytes = UnsafeRawBufferPointer(start: start, count: count)
    let sources: [LogSource?] = [nil, .journald, .pstore, .syslog]
    let selector = count > 0 ? Int(bytes[0]) % sources.count : 0
    let options = LogReaderOptions(maxLineLength: 4096, includeOtherPrograms: true, source: sources[selector])
    let declining = count > 0 && bytes[0] & 4 != 0
    var parser = CrashReportParser()
    _ = try? KernelLogReader.read(
        bytes: bytes, path: "fuzz", options: options, wants: { declining ? parser.wants($0) : true }
    ) { line in
        parser.consume(line)
    }
    _ = parser.finish()
    return 0
}

runFuzzer(fuzzOne)
