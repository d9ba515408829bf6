/// Page-granular access to the physical memory saved in a dump.
protocol PhysicalMemory: AnyObject {
    /// Page size of the dumped kernel.
    var pageSize: Int { get }
    /// Copies physical page `pfn` into `buffer` (`pageSize` bytes).
    /// - Throws: `VmcoreError` when the page is not in the dump (a hole, excluded by the dump level,
    ///   past the end of a truncated file) or cannot be decoded.
    func readPage(_ pfn: UInt64, into buffer: UnsafeMutableRawBufferPointer) throws
    /// Copies `buffer.count` bytes at a kernel virtual address the container maps directly (ELF
    /// `p_vaddr`); `false` when it does not map all of them.
    func readMappedVirtual(_ address: UInt64, into buffer: UnsafeMutableRawBufferPointer) -> Bool
    /// One past the highest page frame number the dump describes.
    var pageFrameLimit: UInt64 { get }
    /// Whether page `pfn` is in the dump (cheap: no decompression).
    func hasPage(_ pfn: UInt64) -> Bool
}

extension PhysicalMemory {
    /// Whether page `pfn` starts in bytes the dump stores (not in memory it only declares, which
    /// reads as zeros). Containers that store every page they describe answer as `hasPage`.
    func holdsPageData(_ pfn: UInt64) -> Bool { hasPage(pfn) }
}
