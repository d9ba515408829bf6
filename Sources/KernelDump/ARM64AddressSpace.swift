import KernelFacts

/// How an arm64 kernel maps its virtual addresses, from VMCOREINFO, and the translation of one
/// address to a physical one.
///
/// Rules (kernel `arch/arm64/include/asm/memory.h`, `arch/arm64/kernel/crash_core.c`):
/// - Linear map: `__lm_to_phys(va) = (va − PAGE_OFFSET) + PHYS_OFFSET` for `va` in
///   `[PAGE_OFFSET, PAGE_END)`. Since 5.4 ("flip kernel VA space") `PAGE_OFFSET = −2^VA_BITS` and
///   `PAGE_END = −2^(min(VA_BITS, 48) − 1)`: the linear map is the lower half of the kernel's
///   space, the image, modules and vmalloc the upper. Before 5.4 it was the other way round
///   (`PAGE_OFFSET = −2^(VA_BITS − 1)`, linear map up to the top); which one applies is read from
///   where `SYMBOL(_stext)` lies. `NUMBER(PHYS_OFFSET)` (`memstart_addr`; arm64 kdump, 4.12+) is
///   "negative" when KASLR randomizes the linear map; the arithmetic wraps. KASAN kernels end
///   the linear map earlier (their shadow lies below `PAGE_END`); that is not special-cased.
/// - Kernel image: `__kimg_to_phys(va) = va − NUMBER(kimage_voffset)` (4.12+). It places
///   `swapper_pg_dir` (`SYMBOL(swapper_pg_dir)`), and reads every non-linear address when the
///   dump has no `swapper_pg_dir` (the kernel's own `__virt_to_phys` treats every non-linear
///   address as an image address).
/// - Everything else (vmalloc'ed stacks, modules, per-CPU chunks, vmemmap) and the image itself:
///   walking `swapper_pg_dir` — granule `PAGESIZE` (4K, 16K, 64K), `64 − NUMBER(TCR_EL1_T1SZ)`
///   translated bits (5.9+; `NUMBER(VA_BITS)` before, and for 52-bit kernels on 48-bit
///   hardware T1SZ says 48), so 2–4 levels (5 for 4K pages over 52 bits). Block descriptors (bit 1 clear above the last
///   level) end the walk early. With 64K pages and `NUMBER(MAX_PHYSMEM_BITS)=52` descriptor bits
///   15:12 hold physical address bits 51:48 (ARMv8.2 LPA); LPA2 (4K/16K 52-bit, 6.9+) is not
///   read.
/// - Pointer authentication (ARMv8.3, 5.0+ user, 5.7+ kernel): return addresses carry a PAC in
///   the bits of `NUMBER(KERNELPACMASK)` (5.7+); `ptrauth_clear_pac` restores a kernel address by
///   setting them (bit 55 set) or a user one by clearing them. Addresses are stripped before
///   translation, so a signed pointer reads like the plain one.
struct ARM64AddressSpace: Sendable, Equatable {
    /// `NUMBER(VA_BITS)`: the configured kernel VA size.
    let vaBits: Int
    /// Bits the walk translates: `64 − TCR_EL1_T1SZ`, else `vaBits`.
    let translatedBits: Int
    /// log2 of the page size (12, 14, 16): the granule.
    let pageShift: Int
    let pageOffset: UInt64
    let pageEnd: UInt64
    /// `PAGE_OFFSET` is the bottom of the kernel half (5.4+).
    let flippedLayout: Bool
    /// `NUMBER(PHYS_OFFSET)`; without it the linear map is walked too.
    let physOffset: UInt64?
    let kimageVoffset: UInt64
    /// `KERNELPACMASK` (0 when pointer authentication is off or unknown).
    let pacMask: UInt64
    /// Physical address of `swapper_pg_dir`.
    let topTable: UInt64?
    /// Descriptors carry physical address bits 51:48 in bits 15:12 (64K granule, 52-bit PA).
    let largePhysicalAddresses: Bool

    /// Reads the rules from VMCOREINFO; `nil` when a key every arm64 kernel with kdump (4.12+) writes is
    /// missing (`NUMBER(VA_BITS)`, `NUMBER(kimage_voffset)`, `PAGESIZE`).
    init?(info: VMCoreInfo) {
        guard let vaBits = info.number("VA_BITS").map(Int.init), (36...52).contains(vaBits),
            let voffset = info.number("kimage_voffset"), let pageSize = info.pageSize,
            [4096, 16384, 65536].contains(pageSize)
        else { return nil }
        self.vaBits = vaBits
        pageShift = pageSize.trailingZeroBitCount
        if let t1sz = info.number("TCR_EL1_T1SZ"), (12...39).contains(t1sz) {
            translatedBits = 64 - Int(t1sz)
        } else {
            translatedBits = vaBits
        }
        kimageVoffset = UInt64(bitPattern: voffset)
        let minimumBits = min(vaBits, 48)
        let upperHalf = 0 &- (UInt64(1) << UInt64(minimumBits - 1))
        // Before 5.4 the image lay below the linear map, in the lower half of the kernel space.
        flippedLayout = info.symbol("_stext").map { $0 >= upperHalf } ?? true
        if flippedLayout {
            pageOffset = 0 &- (UInt64(1) << UInt64(vaBits))
            pageEnd = upperHalf
        } else {
            pageOffset = 0 &- (UInt64(1) << UInt64(vaBits - 1))
            pageEnd = 0
        }
        physOffset = info.number("PHYS_OFFSET").map { UInt64(bitPattern: $0) }
        pacMask = info.number("KERNELPACMASK").map { UInt64(bitPattern: $0) } ?? 0
        topTable = info.symbol("swapper_pg_dir").map { $0 &- UInt64(bitPattern: voffset) }
        largePhysicalAddresses = pageShift == 16 && info.number("MAX_PHYSMEM_BITS") == 52
    }

    /// Table levels walked: enough `pageShift − 3`-bit indexes to cover the translated bits
    /// above the page offset (4K pages, 48 bits: 4; 4K, 39 bits: 3; 64K, 42 bits: 2).
    var levels: Int {
        let bitsPerLevel = pageShift - 3
        return (translatedBits - pageShift + bitsPerLevel - 1) / bitsPerLevel
    }

    /// `ptrauth_clear_pac`: a kernel pointer (bit 55 set) gets the PAC bits set, a user one cleared.
    func stripPointerAuthentication(_ pointer: UInt64) -> UInt64 {
        guard pacMask != 0 else { return pointer }
        return pointer & (1 << 55) != 0 ? pointer | pacMask : pointer & ~pacMask
    }

    /// Whether `address` is in the linear map and `PHYS_OFFSET` is known.
    func isLinear(_ address: UInt64) -> Bool {
        guard physOffset != nil, address >= pageOffset else { return false }
        return pageEnd == 0 || address < pageEnd
    }

    /// Translates a kernel virtual address; `readEntry` reads one 8-byte descriptor at a physical
    /// address. Throws `VmcoreError` naming the level whose descriptor is invalid.
    func translate(_ virtual: UInt64, path: String, readEntry: (UInt64) throws -> UInt64) throws -> UInt64 {
        let address = stripPointerAuthentication(virtual)
        if let physOffset, isLinear(address) { return (address &- pageOffset) &+ physOffset }
        guard let topTable else { return address &- kimageVoffset }
        let bitsPerLevel = pageShift - 3
        // 4K pages over 52 bits (LPA2, 6.9+) take 5 levels; the others at most 4.
        let names = ["PGD", "P4D", "PUD", "PMD", "PTE"].suffix(levels)
        var table = topTable
        for (level, name) in zip(0..<levels, names) {
            let shift = pageShift + (levels - 1 - level) * bitsPerLevel
            let indexBits = level == 0 ? translatedBits - shift : bitsPerLevel
            let index = (address >> UInt64(shift)) & ((1 << UInt64(indexBits)) - 1)
            let entry = try readEntry(table &+ index &* 8)
            let isLast = level == levels - 1
            // Bit 0: valid. Bit 1: table (above the last level) or page (at it); 0b01 above the
            // last level is a block.
            guard entry & 1 != 0, !isLast || entry & 2 != 0 else {
                throw VmcoreError(
                    path: path, offset: nil, field: "virtual address 0x\(String(virtual, radix: 16))",
                    message:
                        "not mapped: \(name) entry 0x\(String(entry, radix: 16)) in swapper_pg_dir is not valid")
            }
            let output = outputAddress(entry)
            if isLast || entry & 2 == 0 {
                let span: UInt64 = 1 << UInt64(shift)
                return (output & ~(span - 1)) | (address & (span - 1))
            }
            table = output
        }
        return table
    }

    /// The output address of a descriptor: bits 47 down to the granule, plus PA bits 51:48 from
    /// bits 15:12 with 64K pages and 52-bit physical addresses.
    private func outputAddress(_ entry: UInt64) -> UInt64 {
        let low = entry & 0x0000_ffff_ffff_ffff & ~((1 << UInt64(pageShift)) - 1)
        return largePhysicalAddresses ? low | ((entry >> 12) & 0xf) << 48 : low
    }
}
