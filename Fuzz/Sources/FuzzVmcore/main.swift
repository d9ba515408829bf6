import FuzzSupport
import KernelDump
import KtriageReader

/// The front door on arbitrary bytes held in memory (`CrashReader.read(bytes:name:)`): input
/// detection, then for a dump ELF / kdump-compressed / flattened headers, notes, VMCOREINFO, page
/// reads, all three printk layouts, the summary and the crash records of its log (for anything
/// else, the log path). Then what `ktriage vmcore info`, `dmesg`, `ps` and `bt` read besides.
func fuzzOne(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let bytes = UnsafeRawBufferPointer(start: start, count: count)
    let report = CrashReader().read(bytes: bytes, name: "fuzz")
    for record in report.records { _ = (record.title, record.signature) }
    guard Vmcore.detect(bytes) != nil, let dump = try? Vmcore(bytes: bytes, name: "fuzz") else { return 0 }
    _ = try? dump.memoryUtsname()
    _ = (try? dump.kernelLog()).map { DmesgFormatter().format($0.records) }
    // What `vmcore info`, `ps` and `bt` read from memory: BTF, the task list, the ORC unwind.
    _ = dump.facts()
    _ = dump.backtraces()
    return 0
}

runFuzzer(fuzzOne)
