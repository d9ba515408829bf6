import FuzzSupport
import KernelLog

/// pstore joining alone: the input is split at NUL bytes (which line framing drops anyway) into
/// up to four parts, read from memory as one pstore record the way efi-pstore's part files are
/// joined (`KernelLogReader.read(pstoreParts:path:)`): part headers (`Panic#1 Part2`), ramoops headers
/// (`====<sec>.<usec>-D`), the joining order, the buffered-bytes limit, then the dmesg prefixes
/// of the joined lines.
func fuzzOne(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let bytes = UnsafeRawBufferPointer(start: start, count: count)
    let parts = bytes.split(separator: 0, maxSplits: 3, omittingEmptySubsequences: false).map {
        UnsafeRawBufferPointer(rebasing: $0)
    }
    var total = 0
    _ = try? KernelLogReader.read(pstoreParts: parts, path: "pstore") { line in total &+= line.text.count }
    return 0
}

runFuzzer(fuzzOne)
