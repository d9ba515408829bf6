import KernelDump
import KernelFacts
import KtriageReader

/// What `ktriage vmcore info`, `dmesg`, `bt` and `ktriage scan` do with a dump, shared by the
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
        // The image's first pages: x86-64's kernel map, arm64's from `_stext` (through
        // swapper_pg_dir) and the linear map at PAGE_OFFSET.
        let starts: [UInt64] =
            dump.isARM64
            ? [
                dump.vmcoreinfo?.symbol("_stext"),
                dump.vmcoreinfo?.number("VA_BITS").map { 0 &- (1 << UInt64($0 & 63)) },
            ]
            .compactMap { $0 }
            : [0xffff_ffff_8000_0000]
        for start in starts {
            for page: UInt64 in 0..<8 {
                _ = try? dump.readKernel(start &+ page &* UInt64(dump.pageSize), count: 16)
            }
        }
        // What `vmcore info`, `ps` and `bt` read: the facts (BTF, task list) and every CPU's
        // backtrace (arm64: frame records from NT_PRSTATUS even without a task list).
        _ = dump.backtraces()
    }
}
