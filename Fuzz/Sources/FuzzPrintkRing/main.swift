import FuzzSupport
@_spi(Fuzzing) import KernelDump
import KernelFacts

/// The three printk layouts walked directly, with no dump container: the input is the crashed
/// machine's physical memory from address 0, and page 0 starts with the VMCOREINFO text (up to
/// the first NUL, as the kernel keeps it in a page of its own) that locates and describes the
/// buffer: `SYMBOL(prb)` for the lockless ring (5.10+), `SYMBOL(log_first_idx)` for
/// `printk_log` records (3.5–5.9), `SYMBOL(log_end)` for the character ring (before 3.5).
/// Addresses are translated as on x86-64 (kernel image map, page tables at `init_top_pgt`). A
/// `WORDSIZE=4` line (read by this harness only) selects 32-bit longs and pointers.
func fuzzOne(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let memory = Array(UnsafeBufferPointer(start: start, count: count))
    let info = VMCoreInfo(text: Array(memory.prefix(4096)))
    let wordSize = info["WORDSIZE"] == "4" ? 4 : 8
    if let log = try? KernelLogExtract.read(memoryImage: memory, vmcoreinfo: info, wordSize: wordSize, path: "fuzz") {
        _ = DmesgFormatter(showCallerID: true, wallClockAnchor: 1).format(log.records)
    }
    return 0
}

runFuzzer(fuzzOne)
