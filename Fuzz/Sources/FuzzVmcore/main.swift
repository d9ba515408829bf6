import FuzzSupport
import KernelDump
import KernelFacts
import KtriageReader

/// The front door on arbitrary bytes held in memory (`CrashReader.read(bytes:name:)`): input
/// detection (for anything but a dump, its first 4 KiB through the log path), then for a dump
/// ELF / kdump-compressed / flattened headers, notes, VMCOREINFO, page reads, all three printk
/// layouts, the summary and the crash records of its log. Then what `ktriage vmcore info`,
/// `dmesg`, `ps` and `bt` read besides.
func fuzzOne(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let bytes = UnsafeRawBufferPointer(start: start, count: count)
    // A dump is opened once and handed to the scanner the front door would call, so the
    // execution's time goes to the readers, not to parsing the same headers twice.
    let head = UnsafeRawBufferPointer(rebasing: bytes.prefix(4096))
    guard InputKind.sniff(head).isDump else {
        // Not a dump (most mutations of a magic): the detection's answer and the start of the
        // log path only. Whole logs are FuzzLogReader's; here they took two thirds of the time
        // and crowded the corpus with log inputs.
        _ = CrashReader().read(bytes: head, name: "fuzz").records.count
        return 0
    }
    let dump: Vmcore
    do { dump = try Vmcore(bytes: bytes, name: "fuzz") } catch {
        _ = String(describing: error)
        return 0
    }
    let report = VmcoreScanner.scan(dump, host: nil)
    for record in report.records { _ = (record.title, record.signature) }
    _ = try? dump.memoryUtsname()
    _ = (try? dump.kernelLog()).map { DmesgFormatter().format($0.records) }
    // What `vmcore info`, `ps` and `bt` read from memory: BTF, the task list, the ORC unwind.
    _ = dump.facts()
    _ = dump.backtraces()
    return 0
}

runFuzzer(fuzzOne)
