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
    /// Whether page `pfn` starts in bytes the dump stores (not in memory it only declares, which
    /// reads as zeros). A requirement, not only an extension method, so that a container's own
    /// answer is the one called through `any PhysicalMemory`.
    func holdsPageData(_ pfn: UInt64) -> Bool
    /// The first page at or after `pfn` (and below `limit`) whose data the dump stores, or nil.
    func nextPageHoldingData(from pfn: UInt64, below limit: UInt64) -> UInt64?
}

extension PhysicalMemory {
    /// Containers that store every page they describe answer as `hasPage`.
    func holdsPageData(_ pfn: UInt64) -> Bool { hasPage(pfn) }

    /// Page by page; containers that know their stored ranges skip the gaps.
    func nextPageHoldingData(from pfn: UInt64, below limit: UInt64) -> UInt64? {
        var candidate = pfn
        while candidate < limit {
            if holdsPageData(candidate) { return candidate }
            candidate += 1
        }
        return nil
    }
}
