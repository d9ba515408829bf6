import KernelDump
import KernelFacts
import KtriageReader

/// What `ktriage vmcore info`, `vmcore dmesg` and `ktriage scan` do with a dump, shared by the
/// container targets (FuzzKdump, FuzzFlattened, FuzzELFDump) so each differs only in the reader
/// it forces. The dump is read from memory (`Vmcore(bytes:name:)`): no file per execution.
public enum DumpExercise {
    /// Opens the dump held in `bytes` and, when it opens, builds the summary (utsname, the log
    /// walk, kallsyms), formats the log, parses its crash reports as the front door does, and
    /// reads the first pages of the kernel image directly, so page descriptors and page data are
    /// decoded even when VMCOREINFO locates nothing.
    public static func run(_ bytes: UnsafeRawBufferPointer) {
        guard let dump = try? Vmcore(bytes: bytes, name: "fuzz") else { return }
        let (summary, log) = VmcoreSummary.make(dump)
        if let log {
            _ = DmesgFormatter(showCallerID: true, wallClockAnchor: 1).format(log.records)
            let parsed = VmcoreScanner.records(
                from: log, path: "fuzz", host: summary.nodename, crashTime: summary.crashTime)
            for record in parsed.records { _ = (record.title, record.signature) }
        }
        for page: UInt64 in 0..<8 {
            _ = try? dump.readKernel(0xffff_ffff_8000_0000 &+ page &* 4096, count: 16)
        }
    }
}
