import FuzzSupport
import KernelLog

/// pstore joining alone: the input is split at NUL bytes (which line framing drops anyway) into
/// up to four files, read as one pstore record the way efi-pstore stores its parts
/// (`KernelLogReader.read(pstoreFiles:)`): part headers (`Panic#1 Part2`), ramoops headers
/// (`====<sec>.<usec>-D`), the joining order, the buffered-bytes limit, then the dmesg prefixes
/// of the joined lines.
let scratch = ScratchFile("pstore")

func fuzzOne(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let bytes = UnsafeRawBufferPointer(start: start, count: count)
    let parts = bytes.split(separator: 0, maxSplits: 3, omittingEmptySubsequences: false).map {
        UnsafeRawBufferPointer(rebasing: $0)
    }
    let paths = scratch.write(parts: parts)
    var total = 0
    _ = try? KernelLogReader.read(pstoreFiles: paths) { line in total &+= line.text.count }
    return 0
}

runFuzzer(fuzzOne)
