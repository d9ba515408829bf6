import FuzzDumpSupport
import FuzzSupport

/// ELF vmcores: the input is the core with `\x7fELF` forced over its first 4 bytes, so every
/// input goes through libelf (ELF32 and ELF64, `PN_XNUM`), `PT_LOAD` physical and virtual
/// lookups, `PT_NOTE` notes, `NT_PRSTATUS` and VMCOREINFO; then the log walk.
let scratch = ScratchFile("elf")
let magic: [UInt8] = [0x7f, 0x45, 0x4c, 0x46]

func fuzzOne(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    guard scratch.write(UnsafeRawBufferPointer(start: start, count: count), magic: magic) else { return 0 }
    DumpExercise.run(scratch.path)
    return 0
}

runFuzzer(fuzzOne)
