import FuzzLineSupport
import FuzzSupport
import KernelLog

/// journald's JSON export (`journalctl -o json`) alone: the input is read with the source forced
/// to journald, so every line goes to the JSON scanner (strings, escapes, `\u` sequences and
/// surrogates, byte arrays, arrays of values, nesting, numbers, `null`), the field decoding
/// (`MESSAGE`, `_TRANSPORT`, `_HOSTNAME`, `_BOOT_ID`, timestamps, `PRIORITY`) and the kernel
/// transport filter.
func fuzzOne(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let bytes = UnsafeRawBufferPointer(start: start, count: count)
    let options = LogReaderOptions(maxLineLength: 65_536, includeOtherPrograms: true, source: .journald)
    var total = 0
    _ = try? KernelLogReader.read(bytes: bytes, path: "fuzz.json", options: options) { line in
        total &+= line.text.count
    }
    return 0
}

LineMutator.grammar = .journalJSON
runFuzzer(fuzzOne)
