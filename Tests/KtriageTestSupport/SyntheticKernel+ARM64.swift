/// How a synthetic arm64 kernel lays out its address space (the rules `ARM64AddressSpace` reads
/// back from VMCOREINFO).
public struct ARM64Layout: Sendable {
    /// 4096, 16384 or 65536.
    public var pageSize: Int
    /// `VA_BITS` (and `64 − TCR_EL1_T1SZ`).
    public var vaBits: Int
    /// `memstart_addr`: "negative" under KASLR, as the kernel prints it.
    public var physOffset: UInt64
    /// KASLR slide of the image.
    public var kaslrOffset: UInt64
    /// `KERNELPACMASK` (0: no pointer authentication).
    public var pacMask: UInt64

    public init(
        pageSize: Int = 4096, vaBits: Int = 48, physOffset: UInt64 = 0x4000_0000, kaslrOffset: UInt64 = 0,
        pacMask: UInt64 = 0
    ) {
        self.pageSize = pageSize
        self.vaBits = vaBits
        self.physOffset = physOffset
        self.kaslrOffset = kaslrOffset
        self.pacMask = pacMask
    }

    /// `PAGE_OFFSET` (5.4+): −2^VA_BITS.
    public var pageOffset: UInt64 { 0 &- (1 << UInt64(vaBits)) }
    /// `KIMAGE_VADDR` = `MODULES_END` = `_PAGE_END(VA_BITS_MIN)` + 128 MiB.
    public var imageBase: UInt64 { (0 &- (1 << UInt64(min(vaBits, 48) - 1))) &+ 0x800_0000 }
    /// Start of the pretend vmalloc area the tables map page by page (past the image's 1 GiB).
    public var vmallocBase: UInt64 { imageBase &+ 0x4000_0000 &+ kaslrOffset }
    /// `kimage_voffset` for an image loaded at the start of RAM.
    public func kimageVoffset(ramStart: UInt64) -> UInt64 { imageBase &+ kaslrOffset &- ramStart }
    var pageShift: Int { pageSize.trailingZeroBitCount }
    var levels: Int { (vaBits - pageShift + pageShift - 4) / (pageShift - 3) }
}

extension SyntheticKernel {
    /// Builds `swapper_pg_dir`: all RAM at its image address (page by page, the first
    /// `2 MiB`-aligned 2 MiB as one block when the granule is 4K), and writes the arm64
    /// VMCOREINFO keys. The linear map is left out of the tables: readers must use `PHYS_OFFSET`.
    func buildARM64Tables() {
        guard let layout = arm64 else { return }
        let top = allocate(bytes: pageSize)
        topTable = top
        let ramEnd = ramStart + UInt64(memory.count)
        var physical = ramStart
        while physical < ramEnd {
            let blockSpan: UInt64 = 0x20_0000
            if layout.pageSize == 4096, physical % blockSpan == 0, physical >= ramStart + 0x20_0000,
                physical + blockSpan <= ramEnd
            {
                mapARM64(virtual: imageAddress(physical), physical: physical, blockLevel: layout.levels - 2)
                physical += blockSpan
            } else {
                mapARM64(virtual: imageAddress(physical), physical: physical)
                physical += UInt64(pageSize)
            }
        }
        vmcoreinfo += [
            "SYMBOL(swapper_pg_dir)=\(String(imageAddress(top), radix: 16))",
            "SYMBOL(_stext)=\(String(imageAddress(ramStart + 0x1_0000), radix: 16))",
            "NUMBER(VA_BITS)=\(layout.vaBits)",
            "NUMBER(kimage_voffset)=0x\(String(layout.kimageVoffset(ramStart: ramStart), radix: 16))",
            "NUMBER(PHYS_OFFSET)=0x\(String(layout.physOffset, radix: 16))",
            "NUMBER(TCR_EL1_T1SZ)=0x\(String(64 - layout.vaBits, radix: 16))",
            "KERNELOFFSET=\(String(layout.kaslrOffset, radix: 16))",
            "NUMBER(KERNELPACMASK)=0x\(String(layout.pacMask, radix: 16))",
        ]
    }

    /// Maps `physical` pages at `virtual` in `swapper_pg_dir` one page at a time; used for the
    /// pretend vmalloc area (stacks, module memory), which only the walk can read.
    public func mapARM64Pages(virtual: UInt64, physicalPages: [UInt64]) {
        for (index, physical) in physicalPages.enumerated() {
            mapARM64(virtual: virtual + UInt64(index * pageSize), physical: physical)
        }
    }

    /// One descriptor chain: table descriptors (0b11) down to a page (0b11 at the last level) or
    /// a block (0b01 at `blockLevel`), access flag (bit 10) set.
    private func mapARM64(virtual: UInt64, physical: UInt64, blockLevel: Int? = nil) {
        guard let layout = arm64 else { return }
        let bitsPerLevel = layout.pageShift - 3
        let outputMask: UInt64 = 0x0000_ffff_ffff_ffff & ~UInt64(pageSize - 1)
        var table = topTable
        for level in 0..<layout.levels {
            let shift = layout.pageShift + (layout.levels - 1 - level) * bitsPerLevel
            let indexBits = level == 0 ? layout.vaBits - shift : bitsPerLevel
            let slot = table + ((virtual >> UInt64(shift)) & ((1 << UInt64(indexBits)) - 1)) * 8
            if level == layout.levels - 1 {
                write(physical | 0x403, at: slot)
                return
            }
            if level == blockLevel {
                write(physical | 0x401, at: slot)
                return
            }
            let entry = readU64(slot)
            if entry & 1 != 0 {
                table = entry & outputMask
            } else {
                let fresh = allocate(bytes: pageSize)
                write(fresh | 0x3, at: slot)
                table = fresh
            }
        }
    }

    /// arm64 `user_pt_regs` (x0–x30, sp, pc, pstate) with pc, sp and lr set; x29 = `frame`.
    public static func arm64Registers(pc: UInt64, sp: UInt64, lr: UInt64, frame: UInt64 = 0) -> [UInt64] {
        var regs = (0..<34).map { UInt64($0) &* 0x1111 }
        regs[29] = frame
        regs[30] = lr
        regs[31] = sp
        regs[32] = pc
        regs[33] = 0x6040_0005
        return regs
    }

    /// An arm64 `elf_prstatus` (392 bytes): pid at 32, 34 registers at 112.
    public static func prstatusARM64(pid: Int32, registers: [UInt64]) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: 392)
        bytes.replaceSubrange(32..<36, with: littleEndian(UInt32(bitPattern: pid)))
        for (index, value) in registers.prefix(34).enumerated() {
            bytes.replaceSubrange((112 + index * 8)..<(120 + index * 8), with: littleEndian(value))
        }
        return bytes
    }
}
