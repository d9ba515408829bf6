/// The memory of a pretend crashed x86-64 kernel, for synthesising vmcores in tests: physical RAM,
/// page tables for the direct map (4- or 5-level), kernel-image placement via `phys_base`, printk
/// buffers in any of the three layouts, CPU registers and the matching VMCOREINFO text. With an
/// `ARM64Layout` it is an arm64 kernel instead (`SyntheticKernel+ARM64`): RAM from `ramStart`, a
/// linear map at `PHYS_OFFSET`, the image at `kimage_voffset`, `swapper_pg_dir`.
public final class SyntheticKernel {
    public static let kernelMap: UInt64 = 0xffff_ffff_8000_0000
    public static let directMap4: UInt64 = 0xffff_8880_0000_0000
    public static let directMap5: UInt64 = 0xff11_0000_0000_0000

    /// Physical RAM, from address `ramStart`.
    public var memory: [UInt8]
    /// Physical address of `memory[0]` (0 on x86; arm64 boards start RAM higher, QEMU virt at 1 GiB).
    public let ramStart: UInt64
    /// The kernel's page size.
    public let pageSize: Int
    /// arm64 address-space layout; `nil` for x86.
    public let arm64: ARM64Layout?
    public let fiveLevel: Bool
    /// `phys_base` (may be negative under KASLR, as the kernel prints it).
    public let physBase: Int64
    /// 8 for x86-64, 4 for an i386 kernel (lowmem mapped at 0xc0000000, no page tables).
    public let wordSize: Int
    public static let i386PageOffset: UInt64 = 0xc000_0000
    /// VMCOREINFO lines (without the trailing newline).
    public var vmcoreinfo: [String] = []
    /// One register set per CPU (`user_regs_struct` order, 27 words; arm64 `user_pt_regs`, 34) and the pid.
    public var cpus: [(pid: Int32, registers: [UInt64])] = []
    /// Notes appended after the CPU and VMCOREINFO notes (raw, already padded): for note-count tests.
    public var extraNotes: [UInt8] = []
    /// Physical address of the top-level page table.
    public internal(set) var topTable: UInt64 = 0
    private var nextFree: UInt64

    /// - Parameters:
    ///   - megabytes: RAM size.
    ///   - imageStart: physical address of the kernel "image" area (symbols live there).
    public init(
        megabytes: Int = 4, fiveLevel: Bool = false, physBase: Int64 = 0, osRelease: String = "6.1.0-test",
        bits32: Bool = false
    ) {
        memory = [UInt8](repeating: 0, count: megabytes << 20)
        self.fiveLevel = fiveLevel
        self.physBase = physBase
        wordSize = bits32 ? 4 : 8
        ramStart = 0
        pageSize = 4096
        arm64 = nil
        nextFree = 0x10_0000
        vmcoreinfo = [
            "OSRELEASE=\(osRelease)", "BUILD-ID=0123456789abcdef0123456789abcdef01234567", "PAGESIZE=4096",
        ]
        if !bits32 { buildPageTables() }
    }

    /// An arm64 kernel with RAM at `ramStart` (see `SyntheticKernel+ARM64`).
    public init(
        megabytes: Int = 4, arm64 layout: ARM64Layout, ramStart: UInt64 = 0x4000_0000, osRelease: String = "6.1.0-test"
    ) {
        memory = [UInt8](repeating: 0, count: megabytes << 20)
        fiveLevel = false
        physBase = 0
        wordSize = 8
        self.ramStart = ramStart
        pageSize = layout.pageSize
        arm64 = layout
        nextFree = ramStart + 0x10_0000
        vmcoreinfo = [
            "OSRELEASE=\(osRelease)", "BUILD-ID=0123456789abcdef0123456789abcdef01234567",
            "PAGESIZE=\(layout.pageSize)",
        ]
        buildARM64Tables()
    }

    public var directMapBase: UInt64 { fiveLevel ? Self.directMap5 : Self.directMap4 }

    /// Kernel-image virtual address of a physical address (`pa − phys_base + __START_KERNEL_map`).
    public func imageAddress(_ physical: UInt64) -> UInt64 {
        if let arm64 { return physical &+ arm64.kimageVoffset(ramStart: ramStart) }
        if wordSize == 4 { return Self.i386PageOffset + physical }
        return physical &- UInt64(bitPattern: physBase) &+ Self.kernelMap
    }

    /// Direct-map virtual address of a physical address (reachable only through the page tables).
    public func directAddress(_ physical: UInt64) -> UInt64 {
        if let arm64 { return (physical &- arm64.physOffset) &+ arm64.pageOffset }
        return wordSize == 4 ? Self.i386PageOffset + physical : directMapBase &+ physical
    }

    /// Writes a pointer of the kernel's word size.
    public func writePointer(_ value: UInt64, at physical: UInt64) {
        if wordSize == 4 {
            write(UInt32(truncatingIfNeeded: value), at: physical)
        } else {
            write(value, at: physical)
        }
    }

    /// Allocates zeroed, page-aligned physical memory.
    public func allocate(bytes: Int) -> UInt64 {
        let start = nextFree
        let pages = (bytes + pageSize - 1) / pageSize
        nextFree += UInt64(max(1, pages) * pageSize)
        precondition(nextFree <= ramStart + UInt64(memory.count), "SyntheticKernel: out of RAM")
        return start
    }

    public func write(_ bytes: [UInt8], at physical: UInt64) {
        let index = Int(physical - ramStart)
        memory.replaceSubrange(index..<(index + bytes.count), with: bytes)
    }

    public func write<T: FixedWidthInteger>(_ value: T, at physical: UInt64) {
        write(Self.littleEndian(value), at: physical)
    }

    public static func littleEndian<T: FixedWidthInteger>(_ value: T) -> [UInt8] {
        (0..<MemoryLayout<T>.size).map { UInt8(truncatingIfNeeded: value >> (8 * $0)) }
    }

    /// Builds page tables mapping all RAM at the direct-map base: the first 2 MiB with 4 KiB
    /// pages (exercising every level), the rest with 2 MiB pages; plus the kernel-image range.
    private func buildPageTables() {
        let top = allocate(bytes: pageSize)
        topTable = top
        mapRange(virtual: directMapBase, physical: 0, size: UInt64(memory.count), top: top)
        vmcoreinfo.append("SYMBOL(init_top_pgt)=\(String(imageAddress(top), radix: 16))")
        vmcoreinfo.append("NUMBER(pgtable_l5_enabled)=\(fiveLevel ? 1 : 0)")
        vmcoreinfo.append("NUMBER(phys_base)=\(physBase)")
        vmcoreinfo.append("NUMBER(KERNEL_IMAGE_SIZE)=1073741824")
        vmcoreinfo.append("NUMBER(sme_mask)=0")
    }

    private func table(at parent: UInt64, index: UInt64) -> UInt64 {
        let slot = parent + index * 8
        let entry = readU64(slot)
        if entry & 1 != 0 { return entry & 0x000f_ffff_ffff_f000 }
        let fresh = allocate(bytes: pageSize)
        write(fresh | 0x63, at: slot)
        return fresh
    }

    public func readU64(_ physical: UInt64) -> UInt64 {
        var value: UInt64 = 0
        let start = Int(physical - ramStart)
        for index in (0..<8).reversed() { value = value << 8 | UInt64(memory[start + index]) }
        return value
    }

    private func mapRange(virtual: UInt64, physical: UInt64, size: UInt64, top: UInt64) {
        var offset: UInt64 = 0
        while offset < size {
            let va = virtual + offset
            var parent = top
            if fiveLevel { parent = table(at: parent, index: (va >> 48) & 511) }
            parent = table(at: parent, index: (va >> 39) & 511)
            parent = table(at: parent, index: (va >> 30) & 511)
            if offset < 0x20_0000 {
                let pte = table(at: parent, index: (va >> 21) & 511)
                write((physical + offset) | 0x63, at: pte + ((va >> 12) & 511) * 8)
                offset += 0x1000
            } else {
                write((physical + offset) | 0xe3, at: parent + ((va >> 21) & 511) * 8)  // PSE
                offset += 0x20_0000
            }
        }
    }

    /// Adds `init_uts_ns` with the given fields.
    public func addUtsname(_ fields: [String]) {
        let at = allocate(bytes: 6 * 65)
        for (index, field) in fields.prefix(6).enumerated() {
            write(Array(field.utf8.prefix(64)), at: at + UInt64(index * 65))
        }
        vmcoreinfo.append("SYMBOL(init_uts_ns)=\(String(imageAddress(at), radix: 16))")
        vmcoreinfo.append("OFFSET(uts_namespace.name)=0")
    }

    /// Writes the VMCOREINFO text into a page of its own, as the kernel keeps it
    /// (`vmcoreinfo_data`); call after everything else has added its keys.
    @discardableResult
    public func placeVmcoreinfoPage() -> UInt64 {
        let page = allocate(bytes: pageSize)
        write(vmcoreinfoText, at: page)
        return page
    }

    /// The VMCOREINFO note text.
    public var vmcoreinfoText: [UInt8] { Array((vmcoreinfo.joined(separator: "\n") + "\n").utf8) }

    /// `user_regs_struct` with rip and rsp set.
    public static func registers(rip: UInt64, rsp: UInt64) -> [UInt64] {
        var regs = [UInt64](repeating: 0, count: 27)
        for index in 0..<27 { regs[index] = UInt64(index) &* 0x1111 }
        regs[16] = rip
        regs[19] = rsp
        regs[17] = 0x10
        regs[20] = 0x18
        return regs
    }

    /// An i386 `elf_prstatus` (144 bytes): pid at 24, 17 registers at 72.
    public static func prstatus32(pid: Int32, registers: [UInt64]) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: 144)
        bytes.replaceSubrange(24..<28, with: littleEndian(UInt32(bitPattern: pid)))
        for (index, value) in registers.prefix(17).enumerated() {
            bytes.replaceSubrange(
                (72 + index * 4)..<(76 + index * 4), with: littleEndian(UInt32(truncatingIfNeeded: value)))
        }
        return bytes
    }

    /// An x86-64 `elf_prstatus` (336 bytes).
    public static func prstatus(pid: Int32, registers: [UInt64]) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: 336)
        bytes.replaceSubrange(32..<36, with: littleEndian(UInt32(bitPattern: pid)))
        for (index, value) in registers.prefix(27).enumerated() {
            bytes.replaceSubrange((112 + index * 8)..<(120 + index * 8), with: littleEndian(value))
        }
        return bytes
    }

    /// The notes a kernel writes: one `CORE`/`NT_PRSTATUS` per CPU, then `VMCOREINFO`.
    public func notes(alignment: Int = 4, includeVmcoreinfo: Bool = true) -> [UInt8] {
        var blob: [UInt8] = []
        for cpu in cpus {
            let descriptor =
                arm64 != nil
                ? Self.prstatusARM64(pid: cpu.pid, registers: cpu.registers)
                : wordSize == 4
                    ? Self.prstatus32(pid: cpu.pid, registers: cpu.registers)
                    : Self.prstatus(pid: cpu.pid, registers: cpu.registers)
            blob += Self.note(name: "CORE", type: 1, descriptor: descriptor, alignment: alignment)
        }
        if includeVmcoreinfo {
            blob += Self.note(name: "VMCOREINFO", type: 0, descriptor: vmcoreinfoText, alignment: alignment)
        }
        return blob + extraNotes
    }

    /// One ELF note (`n_namesz` includes the NUL).
    public static func note(name: String, type: UInt32, descriptor: [UInt8], alignment: Int = 4) -> [UInt8] {
        func pad(_ bytes: inout [UInt8]) { while bytes.count % alignment != 0 { bytes.append(0) } }
        var builder = ByteBuilder()
        builder.put(UInt32(name.utf8.count + 1))
        builder.put(UInt32(descriptor.count))
        builder.put(type)
        var out = builder.bytes + Array(name.utf8) + [0]
        pad(&out)
        out += descriptor
        pad(&out)
        return out
    }
}
