import FuzzSupport
import KernelDump
import KernelFacts
import KtriageReader

/// The front door on arbitrary bytes held in memory (`CrashReader.read(bytes:name:)`): input
/// detection (for anything but a dump, its first KiB through the log path), then for a dump
/// ELF / kdump-compressed / flattened headers, notes, VMCOREINFO, page reads, all three printk
/// layouts, the summary and the crash records of its log. Then what `ktriage vmcore info`,
/// `dmesg`, `ps` and `bt` read besides.
func fuzzOne(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let bytes = UnsafeRawBufferPointer(start: start, count: count)
    // A dump is opened once and handed to the scanner the front door would call, so the
    // execution's time goes to the readers, not to parsing the same headers twice.
    guard InputKind.sniff(UnsafeRawBufferPointer(rebasing: bytes.prefix(4096))).isDump else {
        // Not a dump (most mutations of a magic): the detection's answer and the log path's
        // first kilobyte (its refusal of binary and compressed input) only. Whole logs are
        // FuzzLogReader's; here they took two thirds of the time and crowded the corpus.
        _ = CrashReader().read(bytes: UnsafeRawBufferPointer(rebasing: bytes.prefix(1024)), name: "fuzz").failure
        return 0
    }
    let dump: Vmcore
    do { dump = try Vmcore(bytes: bytes, name: "fuzz") } catch {
        _ = String(describing: error)
        return 0
    }
    // The summary and log read once, for the scanner and the `dmesg` formatter both.
    let (summary, extract) = VmcoreSummary.make(dump)
    let report = VmcoreScanner.scan(dump, summary: summary, extract: extract, host: nil)
    for record in report.records { _ = (record.title, record.signature) }
    _ = try? dump.memoryUtsname()
    _ = extract.map { DmesgFormatter().format($0.records) }
    // What `vmcore info`, `ps` and `bt` read from memory: BTF, the task list, the ORC unwind.
    _ = dump.facts()
    _ = dump.backtraces()
    return 0
}

runFuzzer(fuzzOne)
