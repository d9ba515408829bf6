/// Reads the crashed kernel's virtual memory from a dump, translating addresses on demand.
///
/// Translation order for an address:
/// 1. an ELF `PT_LOAD` whose `p_vaddr` covers it (the kernel's own `/proc/vmcore` headers and
///    QEMU `paging=true` dumps carry kernel virtual addresses);
/// 2. x86-64 kernel-image addresses (`__START_KERNEL_map` 0xffffffff80000000 up to
///    `NUMBER(KERNEL_IMAGE_SIZE)`): `va − 0xffffffff80000000 + phys_base`;
/// 3. everything else (direct map, vmalloc, per-CPU areas) by walking the page tables from
///    `SYMBOL(init_top_pgt)` — 4 levels, or 5 when `NUMBER(pgtable_l5_enabled)=1` (kernel
///    `Documentation/admin-guide/kdump/vmcoreinfo.rst`; x86 `arch/x86/kernel/machine_kexec_64.c`).
///    Large pages (1 GiB at the PUD, 2 MiB at the PMD level, bit 7 `_PAGE_PSE`) are handled;
///    `NUMBER(sme_mask)` is cleared from entries.
///
/// Decoded pages are cached (`VmcoreLimits.pageCacheCapacity` pages), so a dump's size does not
/// matter: only the pages read are decompressed.
final class KernelMemory {
    let physical: PhysicalMemory
    let path: String
    let pageSize: Int
    /// `phys_base` used for kernel-image addresses.
    let physBase: UInt64
    let kernelImageSize: UInt64
    /// Physical address of the top page table, if `SYMBOL(init_top_pgt)` is known.
    let topTable: UInt64?
    let fiveLevel: Bool
    let entryMask: UInt64

    static let kernelMapStart: UInt64 = 0xffff_ffff_8000_0000

    private var cache: [UInt64: [UInt8]] = [:]
    private var cacheOrder: [UInt64] = []
    private var cacheNext = 0
    private var translations: [UInt64: UInt64] = [:]

    /// x86-64 rules apply (kernel image map, 4/5-level page tables); false for other machines.
    let x86_64: Bool

    init(physical: PhysicalMemory, path: String, physBase: UInt64, info: VMCoreInfo?, x86_64: Bool = true) {
        self.physical = physical
        self.x86_64 = x86_64
        self.path = path
        self.pageSize = physical.pageSize
        self.physBase = physBase
        let imageSize = info?.number("KERNEL_IMAGE_SIZE").flatMap { UInt64(exactly: $0) } ?? (1 << 30)
        kernelImageSize = min(imageSize, 0 &- Self.kernelMapStart)
        fiveLevel = info?.fiveLevelPaging ?? false
        let sme = UInt64(bitPattern: info?.number("sme_mask") ?? 0)
        entryMask = 0x000f_ffff_ffff_f000 & ~sme
        if let top = info?.symbol("init_top_pgt") ?? info?.symbol("swapper_pg_dir"),
            top >= Self.kernelMapStart
        {
            topTable = top &- Self.kernelMapStart &+ physBase
        } else {
            topTable = nil
        }
    }

    /// A physical page, from the cache or the dump.
    func page(_ pfn: UInt64) throws -> [UInt8] {
        if let hit = cache[pfn] { return hit }
        var buffer = [UInt8](repeating: 0, count: pageSize)
        try buffer.withUnsafeMutableBytes { try physical.readPage(pfn, into: $0) }
        if cacheOrder.count < VmcoreLimits.pageCacheCapacity {
            cacheOrder.append(pfn)
        } else {
            cache[cacheOrder[cacheNext]] = nil
            cacheOrder[cacheNext] = pfn
            cacheNext = (cacheNext + 1) % cacheOrder.count
        }
        cache[pfn] = buffer
        return buffer
    }

    /// Reads physical memory (may span pages).
    func readPhysical(_ address: UInt64, count: Int) throws -> [UInt8] {
        var result: [UInt8] = []
        result.reserveCapacity(count)
        var position = address
        while result.count < count {
            let size = UInt64(pageSize)
            let pfn = position / size
            let within = Int(position % size)
            let data = try page(pfn)
            let step = min(pageSize - within, count - result.count)
            result.append(contentsOf: data[within..<(within + step)])
            position &+= UInt64(step)
        }
        return result
    }

    private func readEntry(_ address: UInt64) throws -> UInt64 {
        let raw = try readPhysical(address, count: 8)
        var value: UInt64 = 0
        for byte in raw.reversed() { value = value << 8 | UInt64(byte) }
        return value
    }

    /// Translates a kernel virtual address to a physical one.
    func translate(_ address: UInt64) throws -> UInt64 {
        guard x86_64 else {
            throw VmcoreError(
                path: path, offset: nil, field: "virtual address 0x\(String(address, radix: 16))",
                message:
                    "no PT_LOAD maps it (only x86-64 page tables are walked; other machines are read through p_vaddr)"
            )
        }
        if address >= Self.kernelMapStart, address - Self.kernelMapStart < kernelImageSize {
            return address &- Self.kernelMapStart &+ physBase
        }
        let pageMask = UInt64(pageSize - 1)
        if let hit = translations[address & ~pageMask] { return hit | (address & pageMask) }
        guard let top = topTable else {
            throw VmcoreError(
                path: path, offset: nil, field: "virtual address 0x\(String(address, radix: 16))",
                message: "cannot translate: VMCOREINFO has no SYMBOL(init_top_pgt) and no PT_LOAD maps it")
        }
        func fail(_ level: String, _ entry: UInt64) -> VmcoreError {
            VmcoreError(
                path: path, offset: nil, field: "virtual address 0x\(String(address, radix: 16))",
                message: "not mapped: \(level) entry 0x\(String(entry, radix: 16)) is not present")
        }
        var table = top
        let shifts: [UInt64] = fiveLevel ? [48, 39, 30, 21, 12] : [39, 30, 21, 12]
        let names = fiveLevel ? ["PGD", "P4D", "PUD", "PMD", "PTE"] : ["PGD", "PUD", "PMD", "PTE"]
        var physicalAddress: UInt64 = 0
        for (level, shift) in shifts.enumerated() {
            let index = (address >> shift) & 0x1ff
            let entry = try readEntry(table &+ index &* 8)
            guard entry & 1 != 0 else { throw fail(names[level], entry) }
            let isLeaf = shift == 12 || ((shift == 30 || shift == 21) && entry & 0x80 != 0)
            if isLeaf {
                let span: UInt64 = 1 << shift
                physicalAddress = (entry & entryMask & ~(span - 1)) | (address & (span - 1))
                break
            }
            table = entry & entryMask
        }
        if translations.count > 65_536 { translations.removeAll(keepingCapacity: true) }
        translations[address & ~pageMask] = physicalAddress & ~pageMask
        return physicalAddress
    }

    /// Reads `count` bytes of kernel virtual memory.
    /// - Throws: `VmcoreError` naming `what` and the address when a page is missing or unmapped.
    func read(_ address: UInt64, count: Int, what: String) throws -> [UInt8] {
        guard count >= 0, count <= VmcoreLimits.maxReadBytes else {
            throw VmcoreError(
                path: path, offset: nil, field: what, message: "read of \(count) bytes is out of range")
        }
        var result = [UInt8](repeating: 0, count: count)
        let mapped = result.withUnsafeMutableBytes { physical.readMappedVirtual(address, into: $0) }
        if mapped { return result }
        result.removeAll(keepingCapacity: true)
        var position = address
        do {
            while result.count < count {
                let within = Int(position % UInt64(pageSize))
                let step = min(pageSize - within, count - result.count)
                var piece = [UInt8](repeating: 0, count: step)
                let direct = piece.withUnsafeMutableBytes { physical.readMappedVirtual(position, into: $0) }
                if !direct {
                    // readPhysical copes with a translation that is not page-aligned (odd phys_base).
                    piece = try readPhysical(try translate(position), count: step)
                }
                result.append(contentsOf: piece)
                position &+= UInt64(step)
            }
        } catch let error as VmcoreError {
            var error = error
            error.field = "\(what) at 0x\(String(address, radix: 16)): \(error.field)"
            throw error
        }
        return result
    }

    /// Reads `count` bytes page by page, zero-filling pages that cannot be read.
    /// - Returns: the bytes and the first error met (nil when everything was read).
    func readLenient(_ address: UInt64, count: Int, what: String) throws -> (
        bytes: [UInt8], firstError: VmcoreError?, missingBytes: Int
    ) {
        guard count >= 0, count <= VmcoreLimits.maxReadBytes else {
            throw VmcoreError(
                path: path, offset: nil, field: what, message: "read of \(count) bytes is out of range")
        }
        // Zeroed up front and filled by copies: appending `repeatElement` for missing pages went
        // element by element (seconds for a 32 MiB buffer of holes in a debug build).
        var result = [UInt8](repeating: 0, count: count)
        var firstError: VmcoreError?
        var missing = 0
        var done = 0
        var position = address
        while done < count {
            let within = Int(position % UInt64(pageSize))
            let step = min(pageSize - within, count - done)
            do {
                let piece = try read(position, count: step, what: what)
                result.withUnsafeMutableBytes { target in
                    piece.withUnsafeBytes {
                        UnsafeMutableRawBufferPointer(rebasing: target[done..<(done + step)]).copyMemory(from: $0)
                    }
                }
            } catch let error as VmcoreError {
                if firstError == nil { firstError = error }
                missing += step
            }
            done += step
            position &+= UInt64(step)
        }
        return (result, firstError, missing)
    }

    /// Reads a little-endian unsigned integer of `size` bytes (1, 2, 4, 8).
    func readUnsigned(_ address: UInt64, size: Int, what: String) throws -> UInt64 {
        let raw = try read(address, count: size, what: what)
        return Self.decode(raw[...])
    }

    static func decode(_ raw: ArraySlice<UInt8>) -> UInt64 {
        var value: UInt64 = 0
        for byte in raw.reversed() { value = value << 8 | UInt64(byte) }
        return value
    }
}
