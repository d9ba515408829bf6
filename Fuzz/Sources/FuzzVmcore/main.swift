import FuzzSupport
import KernelDump

/// Dump detection, ELF / kdump-compressed / flattened headers, notes, VMCOREINFO, page reads and
/// all three printk layouts, on arbitrary bytes written to a file in /dev/shm (the reader maps
/// files by path).
let scratch = ScratchFile("vmcore")

func fuzzOne(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let bytes = UnsafeRawBufferPointer(start: start, count: count)
    guard scratch.write(bytes) else { return 0 }
    _ = VMCoreInfo(text: Array(bytes))
    if let dump = try? Vmcore(path: scratch.path) {
        _ = try? dump.memoryUtsname()
        _ = (try? dump.kernelLog()).map { DmesgFormatter().format($0.records) }
        _ = VmcoreSummary.make(dump)
    }
    return 0
}

runFuzzer(fuzzOne)
