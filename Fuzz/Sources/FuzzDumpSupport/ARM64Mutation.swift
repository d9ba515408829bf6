import FuzzSupport
/// arm64 mutations: what the arm64 address-space walk (`ARM64AddressSpace`) and the frame-record
/// unwinder (`FrameRecordUnwinder`) read — `swapper_pg_dir` descriptors, the `NT_PRSTATUS`
/// registers the unwind starts from, and the frame records it follows — each changed in a way
/// the kernel's own data can take (an invalid or block descriptor, a pointer with a
/// pointer-authentication code, a record pointing back at itself).
extension DumpMutator {
    /// `struct user_pt_regs` word indexes in `pr_reg` (at 112 in the note): x29, x30, sp, pc,
    /// pstate (`arch/arm64/include/uapi/asm/ptrace.h`).
    static let arm64Registers = [29, 30, 31, 32, 33]
    static let prstatusRegisterOffset = 112
    /// `pstate` values: EL0t (a user exception), EL1h, AArch32 user, and the DAIF bits.
    static let pstates: [UInt64] = [0, 0x5, 0x10, 0x6040_0005, 0x8000_03c5]

    static func mutateARM64(
        _ image: inout DumpImage, _ layout: DumpLayout, _ kernel: KernelStructures, _ map: ARM64Map,
        _ random: inout MutationRandom, maxSize: Int
    ) -> Bool {
        var memory = PhysicalPages(image: image, layout: layout)
        switch random.below(3) {
        case 0: return mutateRegister(&image, layout, kernel, map, &random)
        case 1: return mutateFrameRecord(&image, &memory, layout, map, &random, maxSize: maxSize)
        default: return mutateDescriptor(&image, &memory, layout, kernel, map, &random, maxSize: maxSize)
        }
    }

    /// The program counter, stack pointer, frame pointer, link register or `pstate` of one CPU.
    static func mutateRegister(
        _ image: inout DumpImage, _ layout: DumpLayout, _ kernel: KernelStructures, _ map: ARM64Map,
        _ random: inout MutationRandom
    ) -> Bool {
        let notes = layout.prstatus.filter { $0.count >= prstatusRegisterOffset + 34 * 8 }
        guard let note = random.pick(notes), let register = random.pick(arm64Registers) else { return false }
        let at = note.lowerBound + prstatusRegisterOffset + register * 8
        guard let value = image.read(at, width: 8) else { return false }
        let others = arm64Registers.compactMap {
            image.read(note.lowerBound + prstatusRegisterOffset + $0 * 8, width: 8)
        }
        let new: UInt64
        if register == 33, random.chance(1, in: 2) {
            new = random.pick(pstates) ?? 0
        } else if random.chance(1, in: 3) {
            new = authenticated(value, map, &random)
        } else {
            new = random.interesting(value, width: 8, related: others + kernel.symbolValues)
        }
        image.write(new, at: at, width: 8)
        return new != value
    }

    /// A pointer with a pointer-authentication code (the `KERNELPACMASK` bits other than bit 55
    /// changed), stripped, with bit 55 flipped (a user pointer), or 16-byte steps away (a
    /// neighbouring frame record).
    static func authenticated(_ value: UInt64, _ map: ARM64Map, _ random: inout MutationRandom) -> UInt64 {
        let codeBits = (map.pacMask == 0 ? 0xffff_0000_0000_0000 : map.pacMask) & ~(1 << 55)
        switch random.below(4) {
        case 0: return value & ~codeBits | random.next() & codeBits
        case 1: return map.strip(value)
        case 2: return value ^ (1 << 55)
        default: return value &+ UInt64(bitPattern: Int64(random.below(9) - 4) * 16)
        }
    }

    /// One word of a frame record on the chain from a CPU's `x29`: the next record (zero, itself,
    /// an earlier record, misaligned, a step away) or the return address (zero, signed, stripped).
    static func mutateFrameRecord(
        _ image: inout DumpImage, _ memory: inout PhysicalPages, _ layout: DumpLayout, _ map: ARM64Map,
        _ random: inout MutationRandom, maxSize: Int
    ) -> Bool {
        let starts = layout.prstatus.compactMap {
            image.read($0.lowerBound + prstatusRegisterOffset + 29 * 8, width: 8)
        }
        guard var record = random.pick(starts) else { return false }
        var chain: [(virtual: UInt64, physical: UInt64)] = []
        while chain.count < 8, record != 0, record & 7 == 0,
            let physical = map.physical(record, readEntry: { memory.read($0, width: 8) }),
            let next = memory.read(physical, width: 8)
        {
            chain.append((record, physical))
            record = next
        }
        guard let chosen = random.pick(chain), let index = chain.firstIndex(where: { $0 == chosen }) else {
            return false
        }
        let returnWord = random.chance(1, in: 2)
        let earlier = chain[..<index].map(\.virtual)
        return modifyPhysical(
            chosen.physical &+ (returnWord ? 8 : 0), width: 8, &image, layout, maxSize: maxSize, arm64: map
        ) {
            value in
            if returnWord {
                return random.chance(1, in: 4) ? 0 : authenticated(value, map, &random)
            }
            switch random.below(5) {
            case 0: return 0
            case 1: return chosen.virtual
            case 2: return random.pick(earlier) ?? value ^ 8
            case 3: return value | 4
            default: return authenticated(value, map, &random)
            }
        }
    }

    /// One `swapper_pg_dir` descriptor on the walk of an address the dump uses (a register, a
    /// symbol): valid, table and access-flag bits, an output address bit (bits 15:12 are PA
    /// 51:48 with 64K pages and LPA), the execute-never and upper attribute bits, a table that
    /// points at itself, or an edge value.
    static func mutateDescriptor(
        _ image: inout DumpImage, _ memory: inout PhysicalPages, _ layout: DumpLayout, _ kernel: KernelStructures,
        _ map: ARM64Map, _ random: inout MutationRandom, maxSize: Int
    ) -> Bool {
        let registers = layout.prstatus.flatMap { note in
            arm64Registers.prefix(4).compactMap {
                image.read(note.lowerBound + prstatusRegisterOffset + $0 * 8, width: 8)
            }
        }
        guard let address = random.pick(registers + kernel.symbolValues) else { return false }
        let steps = map.walk(map.strip(address)) { memory.read($0, width: 8) }
        guard let step = random.pick(steps) else { return false }
        // Sometimes a neighbouring slot of the same table (an unmapped one made valid).
        let slot =
            random.chance(1, in: 4)
            ? (random.pick(map.tableSlots(step.slot)) ?? step.slot) : step.slot
        let table = slot & ~UInt64(map.pageSize - 1)
        return modifyPhysical(slot, width: 8, &image, layout, maxSize: maxSize, arm64: map) { entry in
            switch random.below(7) {
            case 0: return entry ^ ARM64Map.valid
            case 1: return entry ^ ARM64Map.table
            case 2: return entry ^ ARM64Map.accessFlag
            case 3: return entry ^ (1 << UInt64(12 + random.below(36)))
            case 4: return entry ^ (1 << UInt64(random.pick([51, 52, 53, 54, 55, 58, 63]) ?? 63))
            case 5: return table | ARM64Map.valid | ARM64Map.table
            default: return random.interesting(entry, width: 8, related: [step.output | 3, step.output | 0x401])
            }
        }
    }
}

/// Reads the crashed machine's physical memory out of the dump being mutated: ELF `PT_LOAD`s and
/// raw kdump pages in place, zlib kdump pages inflated (each once).
struct PhysicalPages {
    let image: DumpImage
    let layout: DumpLayout
    private var inflated: [UInt64: [UInt8]] = [:]

    init(image: DumpImage, layout: DumpLayout) {
        self.image = image
        self.layout = layout
    }

    mutating func read(_ physical: UInt64, width: Int) -> UInt64? {
        if let at = layout.fileOffset(physical: physical, in: image) { return image.read(at, width: width) }
        let block = UInt64(layout.blockSize)
        let within = Int(physical % block)
        guard within + width <= layout.blockSize else { return nil }
        let pfn = physical / block
        if inflated[pfn] == nil, inflated.count < 16,
            let page = DumpMutator.zlibPage(physical: physical, image, layout)
        {
            inflated[pfn] = page.bytes
        }
        guard let page = inflated[pfn] else { return nil }
        return DumpImage(bytes: Array(page[within..<(within + width)])).read(0, width: width)
    }
}

extension DumpMutator {
    /// A kdump page stored with zlib: its descriptor and its inflated bytes.
    static func zlibPage(physical: UInt64, _ image: DumpImage, _ layout: DumpLayout) -> (
        descriptor: Int, bytes: [UInt8]
    )? {
        guard layout.kind == .kdump, let descriptor = layout.descriptor(physical: physical),
            let offset = image.read(descriptor, width: 8), let size = image.read(descriptor + 8, width: 4),
            let flags = image.read(descriptor + 12, width: 4), flags & DumpLayout.codecFlags == 1,
            offset < UInt64(image.bytes.count), size <= UInt64(image.bytes.count) - offset
        else { return nil }
        let stream = image.bytes[Int(offset)..<Int(offset + size)]
        return ZlibPage.inflate(stream, size: layout.blockSize).map { (descriptor, $0) }
    }

    /// Changes `width` bytes of physical memory: in place when the dump stores them raw; a zlib
    /// kdump page is inflated, changed, deflated and stored again at the end of the file (its
    /// descriptor repointed); any other page is first stored raw (`rawOffset`).
    static func modifyPhysical(
        _ physical: UInt64, width: Int, _ image: inout DumpImage, _ layout: DumpLayout, maxSize: Int,
        arm64: ARM64Map? = nil, change: (UInt64) -> UInt64
    ) -> Bool {
        if layout.fileOffset(physical: physical, in: image) == nil,
            let (descriptor, inflated) = zlibPage(physical: physical, image, layout)
        {
            var page = inflated
            let within = Int(physical % UInt64(layout.blockSize))
            guard within + width <= page.count else { return false }
            var word = DumpImage(bytes: Array(page[within..<(within + width)]))
            guard let value = word.read(0, width: width) else { return false }
            let new = change(value)
            word.write(new, at: 0, width: width)
            page.replaceSubrange(within..<(within + width), with: word.bytes)
            guard let stream = ZlibPage.deflate(page), image.bytes.count + stream.count <= maxSize else {
                return false
            }
            let end = image.bytes.count
            image.bytes += stream
            image.write(UInt64(end), at: descriptor, width: 8)
            image.write(UInt64(stream.count), at: descriptor + 8, width: 4)
            return new != value
        }
        guard let at = rawOffset(physical: physical, width: width, &image, layout, maxSize: maxSize, arm64: arm64),
            let value = image.read(at, width: width)
        else { return false }
        let new = change(value)
        image.write(new, at: at, width: width)
        return new != value
    }
}
