/// Writes ELF64 x86-64 or AArch64 (`e_machine` 183, for an arm64 `SyntheticKernel`) `ET_CORE`
/// vmcores from a `SyntheticKernel`, in the shapes real producers use: the kernel's `/proc/vmcore` (kernel virtual `p_vaddr`), QEMU `paging=false`
/// (`p_vaddr == p_paddr`, program headers at 192 after two section headers), forced `PN_XNUM`
/// (`e_phnum` 0xffff, count in section 0's `sh_info`), 4- or 8-byte note alignment.
public struct ELFCoreWriter {
    public enum Addresses: Sendable {
        /// `p_vaddr` = direct-map address of `p_paddr` (plus a kernel-image alias segment).
        case kernelVirtual
        /// `p_vaddr == p_paddr` (QEMU `paging=false`).
        case physicalOnly
    }

    public var addresses: Addresses = .kernelVirtual
    /// Note alignment: 4 (kernel) or 8 (`p_align` 8).
    public var noteAlignment = 4
    /// Put `e_phnum = PN_XNUM` and the real count in section header 0.
    public var forcePNXNUM = false
    /// Put the program headers after a section-header table at 64 (QEMU layout).
    public var qemuLayout = false
    /// Split RAM into PT_LOADs of this many pages (many segments exercise the lookup).
    public var pagesPerSegment = 256
    /// Set `e_flags` bit 0 (makedumpfile's incomplete marker).
    public var incompleteFlag = false
    /// Leave the VMCOREINFO note out (hypervisor dumps without QEMU's vmcoreinfo device).
    public var omitVmcoreinfoNote = false
    /// Leave zero pages out of the file: each run of pages with data is a `PT_LOAD` whose
    /// `p_memsz` also covers the zero pages after it (read as zeros), as makedumpfile writes an
    /// ELF dump without the pages its dump level excludes. Keeps small test dumps small.
    public var omitZeroPages = false

    public init() {}

    public func write(_ kernel: SyntheticKernel) -> [UInt8] {
        if kernel.wordSize == 4 { return write32(kernel) }
        let notes = kernel.notes(alignment: noteAlignment, includeVmcoreinfo: !omitVmcoreinfoNote)
        let ramEnd = kernel.ramStart + UInt64(kernel.memory.count)
        let segmentSize = UInt64(pagesPerSegment * kernel.pageSize)
        var loads: [(paddr: UInt64, vaddr: UInt64, size: UInt64, fileSize: UInt64)] = []
        func virtual(_ address: UInt64) -> UInt64 {
            addresses == .kernelVirtual ? kernel.directAddress(address) : address
        }
        if omitZeroPages {
            loads = Self.dataRuns(kernel).map {
                (paddr: $0.start, vaddr: virtual($0.start), size: $0.size, fileSize: $0.data)
            }
        } else {
            var address = kernel.ramStart
            while address < ramEnd {
                let size = min(segmentSize, ramEnd - address)
                loads.append((address, virtual(address), size, size))
                address += size
            }
        }
        let phnum = loads.count + 1
        let sectionCount = (forcePNXNUM || qemuLayout) ? (qemuLayout ? 2 : 1) : 0
        let shoff: UInt64 = sectionCount > 0 ? 64 : 0
        let phoff: UInt64 = 64 + UInt64(sectionCount * 64)
        let notesOffset = phoff + UInt64(phnum * 56)
        var dataOffset = (notesOffset + UInt64(notes.count) + 4095) & ~4095

        var out = ByteBuilder()
        out.put([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0])
        out.zeros(8)
        out.put(UInt16(4))  // ET_CORE
        out.put(UInt16(kernel.arm64 == nil ? 62 : 183))  // EM_X86_64, EM_AARCH64
        out.put(UInt32(1))
        out.put(UInt64(0))
        out.put(phoff)
        out.put(shoff)
        out.put(UInt32(incompleteFlag ? 1 : 0))
        out.put(UInt16(qemuLayout ? 8 : 64))
        out.put(UInt16(56))
        out.put(UInt16(forcePNXNUM ? 0xffff : phnum))
        out.put(UInt16(64))
        out.put(UInt16(sectionCount))
        out.put(UInt16(0))
        for index in 0..<sectionCount {
            // Section 0 (SHT_NULL) carries the real program header count for PN_XNUM (sh_info at 44).
            var section = ByteBuilder()
            section.zeros(44)
            section.put(UInt32(index == 0 && forcePNXNUM ? phnum : 0))
            section.zeros(16)
            out.put(section.bytes)
        }
        func programHeader(
            _ type: UInt32, _ offset: UInt64, _ vaddr: UInt64, _ paddr: UInt64, _ size: UInt64,
            _ align: UInt64, fileSize: UInt64? = nil
        ) {
            out.put(type)
            out.put(UInt32(type == 1 ? 7 : 0))
            out.put(offset)
            out.put(vaddr)
            out.put(paddr)
            out.put(fileSize ?? size)
            out.put(size)
            out.put(align)
        }
        programHeader(4, notesOffset, 0, 0, UInt64(notes.count), UInt64(noteAlignment == 8 ? 8 : 0))
        var dataOffsets: [UInt64] = []
        for load in loads {
            dataOffsets.append(dataOffset)
            programHeader(1, dataOffset, load.vaddr, load.paddr, load.size, 0, fileSize: load.fileSize)
            dataOffset += load.fileSize
        }
        out.put(notes)
        out.zeros(Int(dataOffsets.first ?? UInt64(out.count)) - out.count)
        for load in loads {
            let start = Int(load.paddr - kernel.ramStart)
            out.put(kernel.memory[start..<(start + Int(load.fileSize))])
        }
        return out.bytes
    }

    /// `omitZeroPages`' segments: each run of pages holding data (`data` bytes) and the zero
    /// pages after it (`size` in all); a leading zero run is a segment of its own with no data.
    static func dataRuns(_ kernel: SyntheticKernel) -> [(start: UInt64, size: UInt64, data: UInt64)] {
        let page = kernel.pageSize
        let holdsData = stride(from: 0, to: kernel.memory.count, by: page).map { start in
            kernel.memory[start..<(start + page)].contains { $0 != 0 }
        }
        var runs: [(start: UInt64, size: UInt64, data: UInt64)] = []
        for (index, data) in holdsData.enumerated() {
            let address = kernel.ramStart + UInt64(index * page)
            if runs.isEmpty || (data && !holdsData[index - 1]) {
                runs.append((address, 0, 0))
            }
            runs[runs.count - 1].size += UInt64(page)
            if data { runs[runs.count - 1].data = runs[runs.count - 1].size }
        }
        return runs
    }

    /// An ELF32 i386 core: PT_LOADs with `p_vaddr` = 0xc0000000 + `p_paddr` (lowmem).
    func write32(_ kernel: SyntheticKernel) -> [UInt8] {
        let notes = kernel.notes(alignment: 4)
        let ramSize = UInt64(kernel.memory.count)
        let phnum = 2
        let phoff: UInt32 = 52
        let notesOffset = phoff + UInt32(phnum * 32)
        let dataOffset = (notesOffset + UInt32(notes.count) + 4095) & ~4095
        var out = ByteBuilder()
        out.put([0x7f, 0x45, 0x4c, 0x46, 1, 1, 1, 0])
        out.zeros(8)
        out.put(UInt16(4))  // ET_CORE
        out.put(UInt16(3))  // EM_386
        out.put(UInt32(1))
        out.put(UInt32(0))  // e_entry
        out.put(phoff)
        out.put(UInt32(0))  // e_shoff
        out.put(UInt32(incompleteFlag ? 1 : 0))
        out.put(UInt16(52))
        out.put(UInt16(32))
        out.put(UInt16(phnum))
        out.put(UInt16(40))
        out.put(UInt16(0))
        out.put(UInt16(0))
        for (type, offset, vaddr, paddr, size) in [
            (UInt32(4), notesOffset, UInt32(0), UInt32(0), UInt32(notes.count)),
            (UInt32(1), dataOffset, UInt32(SyntheticKernel.i386PageOffset), UInt32(0), UInt32(ramSize)),
        ] {
            out.put(type)
            out.put(offset)
            out.put(vaddr)
            out.put(paddr)
            out.put(size)
            out.put(size)
            out.put(UInt32(type == 1 ? 7 : 0))
            out.put(UInt32(0))
        }
        out.put(notes)
        out.zeros(Int(dataOffset) - out.count)
        out.put(kernel.memory)
        return out.bytes
    }
}
