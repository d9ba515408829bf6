import KernelFacts

/// Finds VMCOREINFO in physical memory when a dump has no VMCOREINFO note (hypervisor dumps taken
/// without QEMU's `vmcoreinfo` device, `virsh dump`), as kdumpid and retrace-server do.
///
/// Format notes: since 4.x the kernel keeps the text in a page of its own
/// (`vmcoreinfo_data = get_zeroed_page()` in `kernel/crash_core.c`, `kernel/vmcore_info.c` ≥ 6.9),
/// starting with `OSRELEASE=`; so only page starts are compared, and the text runs to the first NUL.
/// `CRASHTIME=` is appended to it at crash time. The scan is bounded by
/// `VmcoreLimits.maxVmcoreinfoScanBytes` of physical memory from address 0 (the page is allocated
/// early at boot, in low memory) and skips pages the dump does not store.
enum VMCoreInfoScanner {
    static let marker = Array((VMCoreInfo.firstKey + "=").utf8)
    static let pageSizeKey = Array((VMCoreInfo.pageSizeKey + "=").utf8)

    static func scan(_ memory: PhysicalMemory) -> (text: [UInt8], address: UInt64)? {
        let pageSize = memory.pageSize
        guard pageSize > 0 else { return nil }
        let pages = min(UInt64(VmcoreLimits.maxVmcoreinfoScanBytes / pageSize), memory.pageFrameLimit)
        var buffer = [UInt8](repeating: 0, count: pageSize)
        // Only pages the file stores: declared-only memory reads as zeros and cannot hold the text,
        // and a damaged header may declare hundreds of MiB of it.
        var next: UInt64 = 0
        while let pfn = memory.nextPageHoldingData(from: next, below: pages) {
            next = pfn + 1
            let found = buffer.withUnsafeMutableBytes { raw -> Bool in
                guard (try? memory.readPage(pfn, into: raw)) != nil else { return false }
                return startsWithMarker(UnsafeRawBufferPointer(raw))
            }
            guard found else { continue }
            let end = buffer.firstIndex(of: 0) ?? buffer.count
            let text = Array(buffer[..<end])
            guard text.count < pageSize, contains(text, pageSizeKey) else { continue }
            return (text, pfn &* UInt64(pageSize))
        }
        return nil
    }

    /// A byte loop, not `starts(with:)`: the generic one costs a value-witness call per byte in a
    /// debug build, and this runs on every stored page of a dump without a VMCOREINFO note.
    private static func startsWithMarker(_ page: UnsafeRawBufferPointer) -> Bool {
        guard page.count >= marker.count else { return false }
        for index in 0..<marker.count where page[index] != marker[index] { return false }
        return true
    }

    private static func contains(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
        PanicMessage.firstIndex(of: needle, in: haystack) != nil
    }
}
