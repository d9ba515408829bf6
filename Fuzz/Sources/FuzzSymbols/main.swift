import FuzzLineSupport
import FuzzSupport
import KernelSymbols

/// System.map and kallsyms loading, lookups and log symbolization on arbitrary bytes. The first
/// byte picks the loader; the rest is the file, also fed line by line to the symbolizer.
func fuzzOne(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let bytes = UnsafeRawBufferPointer(start: start, count: count)
    guard count > 1 else { return 0 }
    let body = UnsafeRawBufferPointer(rebasing: bytes[1...])
    let table: SymbolTable?
    if bytes[0] & 1 == 0 {
        table = try? SymbolTable.parse(systemMap: body, path: "fuzz.map")
    } else {
        table = try? SymbolTable.parse(kallsyms: body, path: "fuzz.kallsyms")
    }
    guard let table else { return 0 }
    for probe: UInt64 in [0, 0xffff_ffff_8100_0000, 0xffff_ffff_ffff_ffff, 0xffff_ffff_c000_0000] {
        _ = table.lookup(probe)
    }
    let symbolizer = LogSymbolizer(table: table, kernelOffsetKnown: bytes[0] & 2 != 0, trusted: true)
    for line in body.split(separator: 0x0A).prefix(256) { _ = symbolizer.symbolize(Array(line)) }
    return 0
}

LineMutator.grammar = .symbolMap
runFuzzer(fuzzOne)
