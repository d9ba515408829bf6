import FuzzDumpSupport
import FuzzSupport

/// ELF vmcores: the input is the core with `\x7fELF` forced over its first 4 bytes, so every
/// input goes through libelf (ELF32 and ELF64, `PN_XNUM`), `PT_LOAD` physical and virtual
/// lookups, `PT_NOTE` notes, `NT_PRSTATUS` and VMCOREINFO; then the log walk.
nonisolated(unsafe) var input = ForcedMagic([0x7f, 0x45, 0x4c, 0x46])

func fuzzOne(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    input.with(UnsafeRawBufferPointer(start: start, count: count)) { DumpExercise.run($0) }
    return 0
}

runFuzzer(fuzzOne)
