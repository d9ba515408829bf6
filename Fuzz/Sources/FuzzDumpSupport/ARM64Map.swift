import KernelFacts

/// An arm64 kernel's address maps as the dump's VMCOREINFO describes them, for the mutator: the
/// linear map (`PAGE_OFFSET = −2^VA_BITS` from `NUMBER(PHYS_OFFSET)`, 5.4+), the image map
/// (`va − NUMBER(kimage_voffset)`) and the `swapper_pg_dir` walk in the granule of `PAGESIZE`
/// (the rules `ARM64AddressSpace` in KernelDump reads; kept apart so the mutator still follows a
/// dump whose VMCOREINFO it has damaged itself only as far as these keys say).
struct ARM64Map {
    let vaBits: Int
    let pageSize: Int
    let kimageVoffset: UInt64
    let physOffset: UInt64
    let pacMask: UInt64
    /// Physical address of `swapper_pg_dir`.
    let topTable: UInt64?

    /// Bits 47 down to 12 of a descriptor: the next table's, block's or page's address.
    static let outputBits: UInt64 = 0x0000_ffff_ffff_f000
    /// Descriptor bits: valid, table (or page at the last level), access flag.
    static let valid: UInt64 = 1
    static let table: UInt64 = 2
    static let accessFlag: UInt64 = 1 << 10

    init?(info: VMCoreInfo) {
        guard let vaBits = info.number("VA_BITS").map(Int.init), (36...52).contains(vaBits),
            let voffset = info.number("kimage_voffset"), let pageSize = info.pageSize,
            [4096, 16384, 65536].contains(pageSize)
        else { return nil }
        self.vaBits = vaBits
        self.pageSize = pageSize
        kimageVoffset = UInt64(bitPattern: voffset)
        physOffset = info.number("PHYS_OFFSET").map { UInt64(bitPattern: $0) } ?? 0
        pacMask = info.number("KERNELPACMASK").map { UInt64(bitPattern: $0) } ?? 0
        topTable = info.symbol("swapper_pg_dir").map { $0 &- UInt64(bitPattern: voffset) }
    }

    var pageShift: Int { pageSize.trailingZeroBitCount }
    var levels: Int { (vaBits - pageShift + pageShift - 4) / (pageShift - 3) }
    var pageOffset: UInt64 { 0 &- (1 << UInt64(vaBits)) }
    var pageEnd: UInt64 { 0 &- (1 << UInt64(min(vaBits, 48) - 1)) }

    /// A kernel pointer without its pointer-authentication code (`ptrauth_clear_pac`).
    func strip(_ pointer: UInt64) -> UInt64 {
        pointer & (1 << 55) != 0 ? pointer | pacMask : pointer & ~pacMask
    }

    /// The physical address of `address` through the linear map, else the image map.
    func physical(_ address: UInt64) -> UInt64? {
        let address = strip(address)
        guard address & (1 << 63) != 0 else { return nil }
        if address >= pageOffset, address < pageEnd { return address &- pageOffset &+ physOffset }
        return address &- kimageVoffset
    }

    /// The physical address of `address` through the linear map, else the page tables, else the
    /// image map.
    func physical(_ address: UInt64, readEntry: (UInt64) -> UInt64?) -> UInt64? {
        let address = strip(address)
        guard address & (1 << 63) != 0 else { return nil }
        if address < pageOffset || address >= pageEnd, let walked = walk(address, readEntry: readEntry).last,
            walked.leaf
        {
            return walked.output | (address & (walked.span - 1))
        }
        return physical(address)
    }

    /// The linear-map address of `physical`.
    func linear(_ physical: UInt64) -> UInt64 { physical &- physOffset &+ pageOffset }

    /// The descriptors the walk reads for `address`: where each lies, its output address, the
    /// span it maps, and whether it ends the walk (page or block).
    func walk(_ address: UInt64, readEntry: (UInt64) -> UInt64?) -> [(
        slot: UInt64, output: UInt64, span: UInt64, leaf: Bool
    )] {
        guard var table = topTable else { return [] }
        let bitsPerLevel = pageShift - 3
        var steps: [(UInt64, UInt64, UInt64, Bool)] = []
        for level in 0..<levels {
            let shift = pageShift + (levels - 1 - level) * bitsPerLevel
            let indexBits = level == 0 ? vaBits - shift : bitsPerLevel
            let slot = table &+ ((address >> UInt64(shift)) & ((1 << UInt64(indexBits)) - 1)) &* 8
            guard let entry = readEntry(slot), entry & Self.valid != 0 else { break }
            let output = entry & Self.outputBits & ~UInt64(pageSize - 1)
            let leaf = level == levels - 1 || entry & Self.table == 0
            steps.append((slot, output, 1 << UInt64(shift), leaf))
            if leaf { break }
            table = output
        }
        return steps
    }

    /// Every descriptor slot of the table holding `table` (a granule of `pageSize / 8` slots).
    func tableSlots(_ table: UInt64) -> [UInt64] {
        (0..<(pageSize / 8)).map { (table & ~UInt64(pageSize - 1)) &+ UInt64($0 * 8) }
    }
}
