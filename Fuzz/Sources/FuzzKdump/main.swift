import FuzzDumpSupport
import FuzzSupport

/// kdump-compressed reading alone: the input is the dump with `KDUMP   ` forced over its first
/// 8 bytes, so every input reaches the header, sub-header, bitmaps (ranking), page descriptors,
/// zlib and raw pages, the note blob and the sub-header's VMCOREINFO; then the log walk.
nonisolated(unsafe) var input = ForcedMagic(Array("KDUMP   ".utf8))

func fuzzOne(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    input.with(UnsafeRawBufferPointer(start: start, count: count)) { DumpExercise.run($0) }
    return 0
}

runFuzzer(fuzzOne)
