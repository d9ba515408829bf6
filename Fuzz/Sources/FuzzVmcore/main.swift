import FuzzSupport
import KernelDump

#if canImport(Glibc)
    import Glibc
#endif

/// Dump detection, ELF / kdump-compressed / flattened headers, notes, VMCOREINFO, page reads and
/// all three printk layouts, on arbitrary bytes written to a file in /dev/shm (the reader maps
/// files by path).
let scratch = "/dev/shm/ktriage-fuzz-vmcore-\(getpid())"

func fuzzOne(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    guard let file = fopen(scratch, "wb") else { return 0 }
    if let start, count > 0 { fwrite(start, 1, count, file) }
    fclose(file)
    _ = VMCoreInfo(text: Array(UnsafeBufferPointer(start: start, count: count)))
    if let dump = try? Vmcore(path: scratch) {
        _ = try? dump.memoryUtsname()
        _ = try? dump.dmesgText()
        _ = VmcoreSummary.make(dump)
    }
    return 0
}

runFuzzer(fuzzOne)
