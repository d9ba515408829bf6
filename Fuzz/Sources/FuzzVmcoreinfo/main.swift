import FuzzSupport
@_spi(Fuzzing) import KernelDump
import KernelFacts
import KernelSymbols

/// VMCOREINFO text and what consumes its values: `VMCoreInfo(text:)` with every typed accessor
/// on the keys the text names (`SYMBOL` hex, `SIZE`/`OFFSET`/`LENGTH` bounded decimals, `NUMBER`
/// decimal or hex), the map fit against a small System.map (`OSRELEASE`, `SYMBOL(_stext)`,
/// `KERNELOFFSET`), the KASLR offset, and the printk readers' key lookups and layout checks
/// (over an empty memory image, so they stop at the first memory read).
let map = Array(
    """
    ffffffff81000000 T _stext
    ffffffff81000000 T _text
    ffffffff81000100 T do_work
    ffffffff81000580 T _etext
    ffffffff81200000 D linux_banner
    ffffffff81200100 D init_uts_ns
    ffffffff81200200 B prb
    ffffffff81200300 B log_buf
    ffffffff81300000 B _end

    """.utf8)
let table = map.withUnsafeBytes { try? SymbolTable.parse(systemMap: $0, path: "fuzz.map") }

func fuzzOne(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: start, count: count))
    let info = VMCoreInfo(text: bytes)
    _ = (info.osRelease, info.buildID, info.pageSize, info.crashTime, info.kernelOffset, info.fiveLevelPaging)
    for entry in info.entries.prefix(1024) {
        _ = VMCoreInfo.parseNumber(entry.value)
        guard let open = entry.key.firstIndex(of: "("), entry.key.hasSuffix(")") else { continue }
        let name = String(entry.key[entry.key.index(after: open)..<entry.key.index(before: entry.key.endIndex)])
        switch entry.key[..<open] {
        case "SYMBOL": _ = info.symbol(name)
        case "SIZE": _ = info.size(name)
        case "OFFSET": _ = info.offset(name)
        case "LENGTH": _ = info.length(name)
        default: _ = info.number(name)
        }
    }
    if let text = info["KERNELOFFSET"] { _ = KASLROffset.fromVmcoreinfo(text)?.description }
    if let table { _ = table.fit(vmcoreinfo: info, dumpRelease: info.osRelease).rejection }
    _ = try? KernelLogExtract.read(memoryImage: [], vmcoreinfo: info, path: "fuzz")
    return 0
}

runFuzzer(fuzzOne)
