import FuzzDumpSupport
import FuzzSupport

/// makedumpfile's flattened stream: the input is the stream with the NUL-terminated
/// `makedumpfile` signature forced over its first 13 bytes, so every input is indexed
/// (`FlattenedIndex`: header type and version, records, overlaps, a cut last record) and the
/// kdump dump it rebuilds is read in place through the index.
nonisolated(unsafe) var input = ForcedMagic(Array("makedumpfile".utf8) + [0])

func fuzzOne(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    input.with(UnsafeRawBufferPointer(start: start, count: count)) { DumpExercise.run($0) }
    return 0
}

runFuzzer(fuzzOne)
