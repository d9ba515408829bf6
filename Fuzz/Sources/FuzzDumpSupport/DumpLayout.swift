/// Where the fields of an ELF or kdump-compressed dump lie, read leniently from a dump that may
/// already be mutated, so the mutator can change one field and keep the rest consistent.
/// Offsets follow the ELF specification and makedumpfile's `IMPLEMENTATION` (the same layouts as
/// `ELFDump` and `KdumpCompressedDump` in KernelDump); little-endian dumps only (x86).
struct DumpLayout {
    enum Kind { case elf64, elf32, kdump }

    let kind: Kind
    /// Header, program header, note header, sub-header and page descriptor fields.
    var fields: [DumpImage.Field] = []
    /// Values a field could plausibly take instead: offsets and sizes of the dump's parts.
    var related: [UInt64] = []
    /// The VMCOREINFO texts (an ELF note, or the kdump sub-header's copy and its note).
    var vmcoreinfoTexts: [Range<Int>] = []
    /// kdump: both bitmaps.
    var bitmaps: Range<Int>?
    /// kdump: every page descriptor's offset in the file, in page order.
    var descriptors: [(pfn: UInt64, offset: Int)] = []
    /// ELF: `PT_LOAD` segments (physical address, file offset, bytes in the file).
    var loads: [(physical: UInt64, offset: Int, size: Int)] = []
    /// kdump: the block (page) size.
    var blockSize = 4096
    /// `NT_PRSTATUS` descriptors (one per CPU).
    var prstatus: [Range<Int>] = []

    static let maxTableEntries = 256

    init?(_ image: DumpImage) {
        let bytes = image.bytes
        guard bytes.count >= 64 else { return nil }
        if bytes[0] == 0x7f, bytes[1] == UInt8(ascii: "E"), bytes[2] == UInt8(ascii: "L"), bytes[3] == UInt8(ascii: "F")
        {
            kind = bytes[4] == 1 ? .elf32 : .elf64
            readELF(image)
        } else if bytes.starts(with: Array("KDUMP   ".utf8)) || bytes.starts(with: Array("DISKDUMP".utf8)) {
            kind = .kdump
            readKdump(image)
        } else {
            return nil
        }
        related.append(UInt64(bytes.count))
    }

    // MARK: ELF

    private mutating func readELF(_ image: DumpImage) {
        let is64 = kind == .elf64
        // e_type, e_machine, e_phoff, e_shoff, e_flags, e_phentsize, e_phnum, e_shnum (ELF64 / ELF32).
        let header: [(Int, Int)] =
            is64
            ? [(16, 2), (18, 2), (32, 8), (40, 8), (48, 4), (54, 2), (56, 2), (60, 2)]
            : [(16, 2), (18, 2), (28, 4), (32, 4), (36, 4), (42, 2), (44, 2), (48, 2)]
        fields += header.map { DumpImage.Field(offset: $0.0, width: $0.1) }
        let word = is64 ? 8 : 4
        guard let phoff = image.read(is64 ? 32 : 28, width: word), let phnum = image.read(is64 ? 56 : 44, width: 2)
        else { return }
        let entrySize = is64 ? 56 : 32
        related += [phoff, phnum, UInt64(entrySize)]
        // Field offsets within a program header: type, offset, vaddr, paddr, filesz, memsz, align.
        let entryFields: [(Int, Int)] =
            is64
            ? [(0, 4), (8, 8), (16, 8), (24, 8), (32, 8), (40, 8), (48, 8)]
            : [(0, 4), (4, 4), (8, 4), (12, 4), (16, 4), (20, 4), (28, 4)]
        for index in 0..<min(Int(phnum), Self.maxTableEntries) {
            let entry = Int(clamping: phoff) &+ index * entrySize
            guard let type = image.read(entry, width: 4) else { break }
            fields += entryFields.map { DumpImage.Field(offset: entry &+ $0.0, width: $0.1) }
            guard let offset = image.read(entry &+ entryFields[1].0, width: word),
                let physical = image.read(entry &+ entryFields[3].0, width: word),
                let size = image.read(entry &+ entryFields[4].0, width: word)
            else { continue }
            related += [offset, size, physical]
            if type == 1 {
                loads.append((physical, Int(clamping: offset), Int(clamping: size)))
            } else if type == 4 {
                readNotes(image, from: Int(clamping: offset), size: Int(clamping: size))
            }
        }
    }

    /// Note headers (`n_namesz`, `n_descsz`, `n_type`, 4-byte aligned) and the VMCOREINFO text.
    private mutating func readNotes(_ image: DumpImage, from start: Int, size: Int) {
        guard start >= 0, start < image.bytes.count, size >= 0 else { return }
        var position = start
        let end = start + min(image.bytes.count - start, size)
        var count = 0
        while position + 12 <= end, count < Self.maxTableEntries {
            guard let nameSize = image.read(position, width: 4), let descSize = image.read(position + 4, width: 4)
            else { break }
            fields += (0..<3).map { DumpImage.Field(offset: position + 4 * $0, width: 4) }
            related += [nameSize, descSize]
            let name = position + 12
            let descriptor = name + (Int(nameSize) + 3) & ~3
            let next = descriptor + (Int(descSize) + 3) & ~3
            guard next <= end, next > position else { break }
            if image.bytes[name..<min(descriptor, end)].starts(with: Array("VMCOREINFO".utf8)) {
                vmcoreinfoTexts.append(descriptor..<(descriptor + Int(descSize)))
            }
            if image.read(position + 8, width: 4) == 1,
                image.bytes[name..<min(descriptor, end)].starts(with: Array("CORE".utf8))
            {
                prstatus.append(descriptor..<(descriptor + Int(descSize)))
            }
            position = next
            count += 1
        }
    }

    // MARK: kdump-compressed

    private mutating func readKdump(_ image: DumpImage) {
        // version, status, block_size, sub_hdr_size, bitmap_blocks, max_mapnr, nr_cpus.
        fields += [(8, 4), (424, 4), (428, 4), (432, 4), (436, 4), (440, 4), (456, 4), (460, 4)].map {
            DumpImage.Field(offset: $0.0, width: $0.1)
        }
        guard let block = image.read(428, width: 4), (512...65536).contains(block),
            let subBlocks = image.read(432, width: 4), let bitmapBlocks = image.read(436, width: 4)
        else { return }
        blockSize = Int(block)
        related += [block, subBlocks, bitmapBlocks]
        // The sub-header: phys_base, dump_level, split, start/end pfn, VMCOREINFO, notes,
        // eraseinfo, and the 64-bit pfn fields.
        let sub = blockSize
        fields += [
            (0, 8), (8, 4), (12, 4), (16, 8), (24, 8), (32, 8), (40, 8), (48, 8), (56, 8), (64, 8), (72, 8), (80, 8),
            (88, 8), (96, 8),
        ].map {
            DumpImage.Field(offset: sub + $0.0, width: $0.1)
        }
        if let offset = image.read(sub + 32, width: 8), let size = image.read(sub + 40, width: 8),
            offset < image.bytes.count, size <= image.bytes.count - Int(offset)
        {
            vmcoreinfoTexts.append(Int(offset)..<(Int(offset) + Int(size)))
            related += [offset, size]
        }
        if let offset = image.read(sub + 48, width: 8), let size = image.read(sub + 56, width: 8),
            offset < image.bytes.count
        {
            readNotes(image, from: Int(offset), size: Int(clamping: size))
        }
        let bitmapStart = (1 + Int(min(subBlocks, 1 << 20))) * blockSize
        let bitmapEnd = bitmapStart + Int(min(bitmapBlocks, 1 << 20)) * blockSize
        guard bitmapEnd <= image.bytes.count, bitmapBlocks >= 2 else { return }
        bitmaps = bitmapStart..<bitmapEnd
        related += [UInt64(bitmapStart), UInt64(bitmapEnd)]
        // One descriptor per page set in the second (dumped) bitmap, in pfn order.
        let half = (bitmapEnd - bitmapStart) / 2
        var descriptor = bitmapEnd
        for byteIndex in 0..<half where image.bytes[bitmapStart + half + byteIndex] != 0 {
            let byte = image.bytes[bitmapStart + half + byteIndex]
            for bit in 0..<8 where byte & (1 << bit) != 0 {
                guard descriptor + 24 <= image.bytes.count, descriptors.count < 4 * Self.maxTableEntries else { return }
                descriptors.append((UInt64(byteIndex * 8 + bit), descriptor))
                fields += [(0, 8), (8, 4), (12, 4), (16, 8)].map {
                    DumpImage.Field(offset: descriptor + $0.0, width: $0.1)
                }
                if let offset = image.read(descriptor, width: 8) { related.append(offset) }
                descriptor += 24
            }
        }
    }

    /// Where the bytes of physical address `physical` lie in the file, when they are stored raw
    /// (ELF: inside a `PT_LOAD`; kdump: a page whose descriptor says uncompressed and whole).
    func fileOffset(physical: UInt64, in image: DumpImage) -> Int? {
        if kind != .kdump {
            for load in loads where physical >= load.physical && physical - load.physical < UInt64(load.size) {
                let (offset, overflow) = load.offset.addingReportingOverflow(Int(physical - load.physical))
                return !overflow && offset < image.bytes.count ? offset : nil
            }
            return nil
        }
        guard let descriptor = descriptor(physical: physical),
            let offset = image.read(descriptor, width: 8), let size = image.read(descriptor + 8, width: 4),
            let flags = image.read(descriptor + 12, width: 4), flags & Self.codecFlags == 0, size == blockSize,
            offset < image.bytes.count - blockSize
        else { return nil }
        return Int(offset) + Int(physical % UInt64(blockSize))
    }

    /// kdump: the descriptor of the page holding `physical`.
    func descriptor(physical: UInt64) -> Int? {
        let pfn = physical / UInt64(blockSize)
        return descriptors.first { $0.pfn == pfn }?.offset
    }

    /// `page_desc.flags` bits that name a codec (zlib, lzo, snappy, zstd).
    static let codecFlags: UInt64 = 0x1 | 0x2 | 0x4 | 0x20
}
