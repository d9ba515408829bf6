import KernelFacts
import KtriageBytes

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
/// arm64 dumps follow `ARM64AddressSpace` instead (linear map, `kimage_voffset`, the
/// `swapper_pg_dir` walk). Virtual addresses are read a kernel page (`PAGESIZE`) at a time;
/// physical memory is cached in the container's blocks, which can be larger (QEMU writes
/// 64 KiB kdump blocks over 4 KiB arm64 pages).
///
/// Decoded pages are cached (`VmcoreLimits.pageCacheCapacity` pages), so a dump's size does not
/// matter: only the pages read are decompressed.
final class KernelMemory {
    let physical: PhysicalMemory
    let path: String
    /// The kernel's page size: the unit of virtual-to-physical translation.
    let pageSize: Int
    /// The container's page size (`PhysicalMemory.pageSize`): the unit of the physical cache.
    let blockSize: Int
    /// `phys_base` used for kernel-image addresses.
    let physBase: UInt64
    let kernelImageSize: UInt64
    /// Physical address of the top page table, if `SYMBOL(init_top_pgt)` is known.
    let topTable: UInt64?
    let fiveLevel: Bool
    let entryMask: UInt64

    static let kernelMapStart: UInt64 = 0xffff_ffff_8000_0000

    /// Decoded pages: `slotBytes[i]` holds page `slotPFNs[i]` (`UInt64.max` while it is read);
    /// when all `VmcoreLimits.pageCacheCapacity` slots are used they are reused round robin.
    /// Found by the last hit, else a linear search: a log read uses a few dozen pages, and a
    /// `Dictionary` keyed by page number costs more to set up (runtime generic metadata and
    /// conformance lookups) than the searches.
    private var slotPFNs: [UInt64] = []
    private var slotBytes: [UnsafeMutableRawBufferPointer] = []
    private var nextVictim = 0
    private var lastHit = -1
    /// The slot that last took each page, direct-mapped by page number (checked against
    /// `slotPFNs` before use): a page-table walk touches four pages per translation, and the
    /// linear search over up to 512 slots was a tenth of a debug dump fuzzer's time.
    private var slotHints = [Int](repeating: -1, count: 1024)
    /// The last page that could not be read, with its error: walks over a missing page-table
    /// page ask for the same page again for every address below it, and the reading and error
    /// building would be repeated each time (a page's bytes do not change).
    private var lastFailure: (pfn: UInt64, error: any Error)?
    /// Recent translations, direct-mapped by virtual page: `translatedPages[i]` (`UInt64.max`:
    /// empty) maps to physical page `physicalPages[i]`.
    private var translatedPages = [UInt64](repeating: .max, count: 1024)
    private var physicalPages = [UInt64](repeating: 0, count: 1024)

    /// x86-64 rules apply (kernel image map, 4/5-level page tables); false for other machines.
    let x86_64: Bool
    /// arm64 rules, when the dump is arm64 and VMCOREINFO describes its layout.
    let arm64: ARM64AddressSpace?

    init(
        physical: PhysicalMemory, path: String, physBase: UInt64, info: VMCoreInfo?, x86_64: Bool = true,
        arm64: ARM64AddressSpace? = nil
    ) {
        self.physical = physical
        self.x86_64 = x86_64 && arm64 == nil
        self.arm64 = arm64
        self.path = path
        self.blockSize = physical.pageSize
        // arm64 translates in its own page size (4K, 16K or 64K: `ARM64AddressSpace` checked
        // PAGESIZE); the x86-64 walk is 4K-based and keeps the container's page size.
        self.pageSize = arm64.map { 1 << $0.pageShift } ?? physical.pageSize
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

    deinit {
        for bytes in slotBytes { bytes.deallocate() }
    }

    /// The cache slot holding physical page `pfn`, reading the page on a miss.
    private func slot(_ pfn: UInt64) throws -> Int {
        if lastHit >= 0, slotPFNs[lastHit] == pfn { return lastHit }
        let hintIndex = Int(truncatingIfNeeded: pfn) & (slotHints.count - 1)
        let hint = slotHints[hintIndex]
        if hint >= 0, slotPFNs[hint] == pfn {
            lastHit = hint
            return hint
        }
        if let lastFailure, lastFailure.pfn == pfn { throw lastFailure.error }
        if let found = Self.index(of: pfn, in: slotPFNs) {
            lastHit = found
            slotHints[hintIndex] = found
            return found
        }
        lastHit = -1
        let slot: Int
        if slotPFNs.count < VmcoreLimits.pageCacheCapacity {
            slot = slotPFNs.count
            slotPFNs.append(.max)
            slotBytes.append(.allocate(byteCount: blockSize, alignment: 16))
        } else {
            slot = nextVictim
            nextVictim = (nextVictim + 1) % slotPFNs.count
        }
        // Until the read succeeds the slot belongs to no page.
        slotPFNs[slot] = .max
        do {
            try physical.readPage(pfn, into: slotBytes[slot])
        } catch {
            lastFailure = (pfn, error)
            throw error
        }
        slotPFNs[slot] = pfn
        slotHints[hintIndex] = slot
        lastHit = slot
        return slot
    }

    /// A plain loop over the slots' page numbers: `firstIndex(of:)` makes several witness calls
    /// per slot in a debug build.
    private static func index(of pfn: UInt64, in pfns: [UInt64]) -> Int? {
        pfns.withUnsafeBufferPointer { buffer -> Int? in
            guard let base = buffer.baseAddress else { return nil }
            var index = 0
            while index < buffer.count {
                if base[index] == pfn { return index }
                index += 1
            }
            return nil
        }
    }

    /// Copies physical memory into `buffer` (may span pages).
    private func copyPhysical(_ address: UInt64, into buffer: UnsafeMutableRawBufferPointer) throws {
        guard let base = buffer.baseAddress else { return }
        var position = address
        var done = 0
        let size = UInt64(blockSize)
        while done < buffer.count {
            let within = Int(position % size)
            let step = min(blockSize - within, buffer.count - done)
            let page = slotBytes[try slot(position / size)]
            guard let source = page.baseAddress else { return }
            (base + done).copyMemory(from: source + within, byteCount: step)
            done += step
            position &+= UInt64(step)
        }
    }

    private func readEntry(_ address: UInt64) throws -> UInt64 {
        var value: UInt64 = 0
        try withUnsafeMutableBytes(of: &value) { try copyPhysical(address, into: $0) }
        return UInt64(littleEndian: value)
    }

    /// Translates a kernel virtual address to a physical one.
    func translate(_ address: UInt64) throws -> UInt64 {
        if let arm64 { return try translateARM64(address, arm64) }
        guard x86_64 else {
            throw VmcoreError(
                path: path, offset: nil, field: "virtual address 0x\(String(address, radix: 16))",
                message:
                    "no PT_LOAD maps it (page tables are walked on x86-64, and on arm64 when VMCOREINFO has NUMBER(VA_BITS), NUMBER(kimage_voffset) and PAGESIZE; other machines are read through p_vaddr)"
            )
        }
        if address >= Self.kernelMapStart, address - Self.kernelMapStart < kernelImageSize {
            return address &- Self.kernelMapStart &+ physBase
        }
        let pageMask = UInt64(pageSize - 1)
        let page = address & ~pageMask
        let cached = Int(truncatingIfNeeded: page >> 12) & (translatedPages.count - 1)
        if translatedPages[cached] == page { return physicalPages[cached] | (address & pageMask) }
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
        translatedPages[cached] = page
        physicalPages[cached] = physicalAddress & ~pageMask
        return physicalAddress
    }

    /// Translates through `ARM64AddressSpace`, remembering recent pages.
    private func translateARM64(_ address: UInt64, _ rules: ARM64AddressSpace) throws -> UInt64 {
        let pageMask = UInt64(pageSize - 1)
        let page = address & ~pageMask
        let cached = Int(truncatingIfNeeded: page >> UInt64(rules.pageShift)) & (translatedPages.count - 1)
        if translatedPages[cached] == page { return physicalPages[cached] | (address & pageMask) }
        let physicalAddress = try rules.translate(address, path: path, readEntry: readEntry)
        translatedPages[cached] = page
        physicalPages[cached] = physicalAddress & ~pageMask
        return physicalAddress
    }

    /// Reads `count` bytes of kernel virtual memory.
    /// - Throws: `VmcoreError` naming `what` and the address when a page is missing or unmapped.
    func read(_ address: UInt64, count: Int, what: @autoclosure () -> String) throws -> [UInt8] {
        guard count >= 0, count <= VmcoreLimits.maxReadBytes else {
            throw VmcoreError(
                path: path, offset: nil, field: what(), message: "read of \(count) bytes is out of range")
        }
        return try [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
            try copy(address, into: UnsafeMutableRawBufferPointer(buffer), what: what)
            initialized = count
        }
    }

    /// Copies kernel virtual memory into `buffer`: from an ELF segment that maps it, else through
    /// the page tables.
    private func copy(_ address: UInt64, into buffer: UnsafeMutableRawBufferPointer, what: () -> String) throws {
        if physical.readMappedVirtual(address, into: buffer) { return }
        var position = address
        var done = 0
        do {
            while done < buffer.count {
                let within = Int(position % UInt64(pageSize))
                let step = min(pageSize - within, buffer.count - done)
                let piece = UnsafeMutableRawBufferPointer(rebasing: buffer[done..<(done + step)])
                if !physical.readMappedVirtual(position, into: piece) {
                    // copyPhysical copes with a translation that is not page-aligned (odd phys_base).
                    try copyPhysical(try translate(position), into: piece)
                }
                done += step
                position &+= UInt64(step)
            }
        } catch let error as VmcoreError {
            var error = error
            error.field = "\(what()) at 0x\(String(address, radix: 16)): \(error.field)"
            throw error
        }
    }

    /// Reads `count` bytes page by page, zero-filling pages that cannot be read.
    /// - Returns: the bytes and the first error met (nil when everything was read).
    func readLenient(_ address: UInt64, count: Int, what: @autoclosure () -> String) throws -> (
        bytes: [UInt8], firstError: VmcoreError?, missingBytes: Int
    ) {
        guard count >= 0, count <= VmcoreLimits.maxReadBytes else {
            throw VmcoreError(
                path: path, offset: nil, field: what(), message: "read of \(count) bytes is out of range")
        }
        var firstError: VmcoreError?
        var missing = 0
        let result = try [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
            let raw = UnsafeMutableRawBufferPointer(buffer)
            var position = address
            var done = 0
            while done < count {
                let within = Int(position % UInt64(pageSize))
                let step = min(pageSize - within, count - done)
                let piece = UnsafeMutableRawBufferPointer(rebasing: raw[done..<(done + step)])
                do {
                    try copy(position, into: piece, what: what)
                } catch let error as VmcoreError {
                    if firstError == nil { firstError = error }
                    missing += step
                    ByteScanning.zeroFill(piece)
                }
                done += step
                position &+= UInt64(step)
            }
            initialized = count
        }
        return (result, firstError, missing)
    }

    /// Reads a little-endian unsigned integer of `size` bytes (1, 2, 4, 8).
    func readUnsigned(_ address: UInt64, size: Int, what: @autoclosure () -> String) throws -> UInt64 {
        guard size >= 0, size <= 8 else { return Self.decode(try read(address, count: size, what: what())[...]) }
        var value: UInt64 = 0
        try withUnsafeMutableBytes(of: &value) {
            try copy(address, into: UnsafeMutableRawBufferPointer(rebasing: $0[0..<size]), what: what)
        }
        return UInt64(littleEndian: value)
    }

    static func decode(_ raw: ArraySlice<UInt8>) -> UInt64 {
        // An index loop: `reversed()` is a generic iterator call per byte in a debug build, and
        // kallsyms decodes an offset per symbol (a tenth of the dump fuzzer's time).
        var value: UInt64 = 0
        var index = raw.endIndex
        while index > raw.startIndex {
            index -= 1
            value = value << 8 | UInt64(raw[index])
        }
        return value
    }
}
