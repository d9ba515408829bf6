import KernelDump

/// What `ktriage vmcore info` and `vmcore dmesg` do with a dump, shared by the container targets
/// (FuzzKdump, FuzzFlattened, FuzzELFDump) so each differs only in the reader it forces.
public enum DumpExercise {
    /// Opens the dump at `path` and, when it opens, builds the summary (utsname, the log walk,
    /// kallsyms), formats the log, and reads the first pages of the kernel image directly, so
    /// page descriptors and page data are decoded even when VMCOREINFO locates nothing.
    public static func run(_ path: String) {
        guard let dump = try? Vmcore(path: path) else { return }
        let (_, log) = VmcoreSummary.make(dump)
        if let log { _ = DmesgFormatter(showCallerID: true, wallClockAnchor: 1).format(log.records) }
        for page: UInt64 in 0..<8 {
            _ = try? dump.readKernel(0xffff_ffff_8000_0000 &+ page &* 4096, count: 16)
        }
    }
}
