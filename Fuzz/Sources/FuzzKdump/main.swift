import FuzzDumpSupport
import FuzzSupport

/// kdump-compressed reading alone: the input is the dump with `KDUMP   ` forced over its first
/// 8 bytes, so every input reaches the header, sub-header, bitmaps (ranking), page descriptors,
/// zlib and raw pages, the note blob and the sub-header's VMCOREINFO; then the log walk.
let scratch = ScratchFile("kdump")
let magic = Array("KDUMP   ".utf8)

func fuzzOne(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    guard scratch.write(UnsafeRawBufferPointer(start: start, count: count), magic: magic) else { return 0 }
    DumpExercise.run(scratch.path)
    return 0
}

runFuzzer(fuzzOne)
