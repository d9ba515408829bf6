import KernelFacts

extension KernelLogExtract {
    /// Reads the kernel log, choosing the layout from VMCOREINFO: `SYMBOL(prb)` → lockless ring,
    /// `SYMBOL(log_first_idx)` → `printk_log` records, `SYMBOL(log_end)` → character ring.
    static func read(memory: KernelMemory, info: VMCoreInfo, wordSize: Int) throws -> KernelLogExtract {
        if info.symbol("prb") != nil {
            return try PrintkRingBuffer(memory: memory, info: info, wordSize: wordSize).read()
        }
        if info.symbol("log_first_idx") != nil {
            return try StructuredLogBuffer(memory: memory, info: info, wordSize: wordSize).read()
        }
        if info.symbol("log_end") != nil {
            return try CharacterLogBuffer(memory: memory, info: info, wordSize: wordSize).read()
        }
        throw VmcoreError(
            path: memory.path, offset: nil, field: "VMCOREINFO",
            message:
                "has none of SYMBOL(prb), SYMBOL(log_first_idx), SYMBOL(log_end): cannot locate the log buffer"
        )
    }

    /// Reads the kernel log from `memoryImage` taken as the crashed machine's physical memory from
    /// address 0 (x86-64 rules: kernel-image addresses through `NUMBER(phys_base)`, the rest
    /// through the page tables at `SYMBOL(init_top_pgt)`), with no dump container around it.
    ///
    /// For fuzzing and tests of the three printk layouts; dumps go through ``Vmcore/kernelLog()``.
    /// - Throws: `VmcoreError` as `Vmcore.kernelLog()` does.
    @_spi(Fuzzing)
    public static func read(
        memoryImage: [UInt8], vmcoreinfo: VMCoreInfo, wordSize: Int = 8, path: String = "memory image"
    ) throws -> KernelLogExtract {
        let physBase = vmcoreinfo.number("phys_base").map { UInt64(bitPattern: $0) } ?? 0
        let memory = KernelMemory(
            physical: MemoryImage(memoryImage, path: path), path: path, physBase: physBase, info: vmcoreinfo)
        return try read(memory: memory, info: vmcoreinfo, wordSize: wordSize == 4 ? 4 : 8)
    }
}
