import FuzzSupport
import KernelDump

#if canImport(Glibc)
    import Glibc
#endif

/// libFuzzer's hook for a custom mutator: every target that links FuzzDumpSupport mutates its
/// dumps field by field.
@_cdecl("LLVMFuzzerCustomMutator")
public func fuzzerCustomMutator(_ data: UnsafeMutablePointer<UInt8>, _ size: Int, _ maxSize: Int, _ seed: UInt32) -> Int
{
    DumpMutator.mutate(data, size: size, maxSize: maxSize, seed: seed)
}

/// Structure-aware mutation of ELF, kdump-compressed and flattened dumps: instead of flipping
/// bytes (which rarely gets past the first header check), it changes one field and keeps the rest
/// valid — header sizes and offsets, program headers (`PT_LOAD` ranges), note lengths, VMCOREINFO
/// values, kdump bitmap bits, page descriptors, compressed page streams, flattened records — or
/// one word of the crashed kernel's data found through VMCOREINFO (and the kallsyms it locates):
/// printk descriptors, ring indexes and positions, `log_buf` records, page-table entries, the BTF
/// blob, tasks, run queues, ORC tables. One mutation in four (and every
/// input that is not a dump) goes to libFuzzer's byte mutator, so the byte-level search goes on.
///
/// `KTRIAGE_FUZZ_MUTATOR=bytes` turns it off (byte mutation only), to compare coverage.
public enum DumpMutator {
    static let byteMutationOnly = getenv("KTRIAGE_FUZZ_MUTATOR").map { String(cString: $0) == "bytes" } ?? false

    public static func mutate(_ data: UnsafeMutablePointer<UInt8>, size: Int, maxSize: Int, seed: UInt32) -> Int {
        var random = MutationRandom(seed: seed)
        guard !byteMutationOnly, !random.chance(1, in: 4) else { return libFuzzerMutate(data, size, maxSize) }
        let input = DumpImage(bytes: Array(UnsafeBufferPointer(start: data, count: size)))
        guard let output = mutate(input, &random, maxSize: maxSize), output.bytes.count <= maxSize else {
            return libFuzzerMutate(data, size, maxSize)
        }
        output.bytes.withUnsafeBufferPointer { data.update(from: $0.baseAddress!, count: $0.count) }
        return output.bytes.count
    }

    /// One structural mutation of `input`, or nil when none applies.
    static func mutate(_ input: DumpImage, _ random: inout MutationRandom, maxSize: Int) -> DumpImage? {
        if input.bytes.starts(with: Array("makedumpfile".utf8)) {
            if random.chance(1, in: 3) {
                var stream = input
                return mutateField(&stream, FlattenedStream.fields(stream), related: [], &random) ? stream : nil
            }
            guard var image = FlattenedStream.unflatten(input), mutateDump(&image, &random, maxSize: maxSize)
            else { return nil }
            let chunk = random.pick([4096, 4096, 512, 16384, 65536]) ?? 4096
            // Records of another size, or the stream's own records (QEMU's streams leave out most of
            // their 64 KiB blocks, which records of any size would write out whole).
            if random.chance(1, in: 2), image.bytes.count + FlattenedStream.headerSize <= maxSize {
                return FlattenedStream.flatten(image, header: input, chunk: chunk)
            }
            return FlattenedStream.flatten(image, like: input, chunk: chunk)
        }
        var image = input
        return mutateDump(&image, &random, maxSize: maxSize) ? image : nil
    }

    /// Tries a few strategies until one changes the dump.
    static func mutateDump(_ image: inout DumpImage, _ random: inout MutationRandom, maxSize: Int) -> Bool {
        guard let layout = DumpLayout(image) else { return false }
        for _ in 0..<4 {
            let changed: Bool
            switch random.below(10) {
            case 0, 1, 2: changed = mutateField(&image, layout.fields, related: layout.related, &random)
            case 3, 4: changed = mutateVmcoreinfo(&image, layout, &random)
            case 5, 6, 7:
                var kernel = layout.vmcoreinfoTexts.first(where: { $0.upperBound <= image.bytes.count }).flatMap {
                    KernelStructures(text: image.bytes[$0], wordSize: layout.kind == .elf32 ? 4 : 8)
                }
                kernel?.addKallsymsRoots(image)
                if let kernel, let map = kernel.arm64, random.chance(2, in: 3) {
                    changed = mutateARM64(&image, layout, kernel, map, &random, maxSize: maxSize)
                } else {
                    changed = mutateKernelData(&image, layout, kernel, &random, maxSize: maxSize)
                }
            case 8: changed = mutateBitmap(&image, layout, &random)
            default: changed = mutateCompressedPage(&image, layout, &random, maxSize: maxSize)
            }
            if changed { return true }
        }
        return false
    }

    /// A header, program header, note header, descriptor or record field.
    static func mutateField(
        _ image: inout DumpImage, _ fields: [DumpImage.Field], related: [UInt64], _ random: inout MutationRandom
    ) -> Bool {
        guard let field = random.pick(fields),
            let value = image.read(field.offset, width: field.width, bigEndian: field.bigEndian)
        else { return false }
        let new = random.interesting(value, width: field.width, related: related)
        image.write(new, at: field.offset, width: field.width, bigEndian: field.bigEndian)
        return new != value
    }

    /// One VMCOREINFO value rewritten in place (same length, so no size changes): a symbol moved,
    /// a size or offset changed, a number at an edge.
    static func mutateVmcoreinfo(_ image: inout DumpImage, _ layout: DumpLayout, _ random: inout MutationRandom) -> Bool
    {
        guard let text = random.pick(layout.vmcoreinfoTexts.filter { $0.upperBound <= image.bytes.count }) else {
            return false
        }
        var values: [Range<Int>] = []
        var isHex: [Bool] = []
        var lineStart = text.lowerBound
        for index in text where image.bytes[index] == UInt8(ascii: "\n") || index == text.upperBound - 1 {
            let line = image.bytes[lineStart..<index]
            if let equals = line.firstIndex(of: UInt8(ascii: "=")), equals + 1 < index {
                values.append((equals + 1)..<index)
                let key = String(decoding: image.bytes[lineStart..<equals], as: UTF8.self)
                isHex.append(key.hasPrefix("SYMBOL(") || key == "KERNELOFFSET" || key == "BUILD-ID")
            }
            lineStart = index + 1
        }
        guard !values.isEmpty else { return false }
        let chosen = random.below(values.count)
        let span = values[chosen]
        let old = String(decoding: image.bytes[span], as: UTF8.self)
        var new: String
        if isHex[chosen] {
            let value = UInt64(old, radix: 16) ?? 0
            new = String(random.interesting(value, width: 8, related: []), radix: 16)
        } else if old.hasPrefix("0x") {
            // arm64 writes kimage_voffset, PHYS_OFFSET, KERNELPACMASK and TCR_EL1_T1SZ in hex.
            let value = UInt64(old.dropFirst(2), radix: 16) ?? 0
            new = "0x" + String(random.interesting(value, width: 8, related: []), radix: 16)
        } else {
            let value = Int64(old) ?? 0
            new = String(Int64(bitPattern: random.interesting(UInt64(bitPattern: value), width: 8, related: [])))
        }
        if random.chance(1, in: 8) {
            new = random.pick(["", "-", "x", "0x10", "1e9", " 1", "18446744073709551616"]) ?? ""
        }
        // Fit the old width: pad with leading zeros (after a sign), or keep the last digits.
        if new.count < span.count {
            let sign = new.hasPrefix("-") ? "-" : ""
            new = sign + String(repeating: "0", count: span.count - new.count) + new.dropFirst(sign.count)
        } else if new.count > span.count {
            new = String(new.suffix(span.count))
        }
        image.bytes.replaceSubrange(span, with: Array(new.utf8))
        return new != old
    }

    /// One word (or a narrower field) of the kernel's data, found from a VMCOREINFO symbol by
    /// following up to three pointers (or page-table levels).
    static func mutateKernelData(
        _ image: inout DumpImage, _ layout: DumpLayout, _ kernel: KernelStructures?, _ random: inout MutationRandom,
        maxSize: Int
    ) -> Bool {
        guard let kernel, let root = random.pick(kernel.roots) else { return false }
        // arm64 descriptors are mutated by `mutateDescriptor`; here its tables are plain words.
        let pageTable = KernelStructures.isPageTable(root.name) && kernel.arm64 == nil
        let word = kernel.wordSize
        var physical = root.physical
        for _ in 0..<random.below(4) {
            let next: UInt64?
            if pageTable {
                // A present entry of this table: the next level (stop at a large page).
                let table = physical & ~0xfff
                let present = (0..<512).compactMap { index -> UInt64? in
                    guard let at = layout.fileOffset(physical: table + UInt64(index * 8), in: image),
                        let entry = image.read(at, width: 8), entry & 1 != 0, entry & 0x80 == 0
                    else { return nil }
                    return entry & KernelStructures.entryAddress
                }
                next = random.pick(present)
            } else {
                let field = physical &+ UInt64(kernel.fieldOffset(&random, alignment: word))
                next = layout.fileOffset(physical: field, in: image).flatMap { image.read($0, width: word) }
                    .flatMap { kernel.physical($0) }
            }
            guard let next else { break }
            physical = next
        }
        let width = pageTable ? 8 : random.pick([word, word, 4, 2, 1]) ?? word
        let target =
            pageTable
            ? (physical & ~0xfff) + UInt64(random.below(512) * 8)
            : physical &+ UInt64(kernel.fieldOffset(&random, alignment: width))
        let pointers =
            kernel.symbolValues + [
                kernel.arm64.map { $0.pageOffset &+ UInt64(random.below(1 << 20)) }
                    ?? KernelStructures.directMap4 &+ UInt64(random.below(1 << 20))
            ]
        return modifyPhysical(target, width: width, &image, layout, maxSize: maxSize, arm64: kernel.arm64) { value in
            if pageTable, random.chance(1, in: 2) {
                // Present, large page, no-execute, or the address bits.
                return value ^ (random.pick([1, 0x80, 1 << 63, UInt64(1) << UInt64(12 + random.below(40))]) ?? 1)
            }
            return random.interesting(value, width: width, related: width == word ? pointers : [])
        }
    }

    /// Where `width` bytes at `physical` can be written in the file. A kdump page stored
    /// compressed is first stored again raw at the end of the file (its descriptor repointed),
    /// read back through KernelDump so that every codec works.
    static func rawOffset(
        physical: UInt64, width: Int, _ image: inout DumpImage, _ layout: DumpLayout, maxSize: Int,
        arm64: ARM64Map? = nil
    ) -> Int? {
        if let at = layout.fileOffset(physical: physical, in: image) {
            return physical % UInt64(layout.blockSize) + UInt64(width) <= UInt64(layout.blockSize)
                || layout.kind != .kdump
                ? at : nil
        }
        guard layout.kind == .kdump, let descriptor = layout.descriptor(physical: physical),
            image.bytes.count + layout.blockSize <= maxSize,
            let kernel = arm64.map({ $0.linear(physical / UInt64(layout.blockSize) * UInt64(layout.blockSize)) })
                ?? DumpLayout.pageAddress(physical: physical, blockSize: layout.blockSize, image: image),
            let page = image.bytes.withUnsafeBytes({ bytes in
                (try? Vmcore(bytes: bytes, name: "mutator")).flatMap {
                    try? $0.readKernel(kernel, count: layout.blockSize)
                }
            })
        else { return nil }
        let end = image.bytes.count
        image.bytes += page
        image.write(UInt64(end), at: descriptor, width: 8)
        image.write(UInt64(layout.blockSize), at: descriptor + 8, width: 4)
        image.write(0, at: descriptor + 12, width: 4)
        return end + Int(physical % UInt64(layout.blockSize))
    }

    /// A bit of either kdump bitmap, among the pages the dump describes.
    static func mutateBitmap(_ image: inout DumpImage, _ layout: DumpLayout, _ random: inout MutationRandom) -> Bool {
        guard let bitmaps = layout.bitmaps else { return false }
        let half = bitmaps.count / 2
        let used = min(half, max(1, (layout.descriptors.last.map { Int($0.pfn) } ?? 0) / 8 + 2))
        let at = bitmaps.lowerBound + random.below(2) * half + random.below(used)
        image.bytes[at] ^= 1 << UInt8(random.below(8))
        return true
    }

    /// A compressed page's stream: bytes changed in place, or the stream mutated by libFuzzer
    /// (grown, cut, spliced) and stored again at the end of the file with its new size.
    static func mutateCompressedPage(
        _ image: inout DumpImage, _ layout: DumpLayout, _ random: inout MutationRandom, maxSize: Int
    ) -> Bool {
        let compressed = layout.descriptors.filter {
            (image.read($0.offset + 12, width: 4) ?? 0) & DumpLayout.codecFlags != 0
        }
        guard let descriptor = random.pick(compressed)?.offset,
            let offset = image.read(descriptor, width: 8), let size = image.read(descriptor + 8, width: 4),
            size > 0, size <= 2 * UInt64(layout.blockSize), offset < UInt64(image.bytes.count),
            size <= UInt64(image.bytes.count) - offset
        else { return false }
        let range = Int(offset)..<Int(offset + size)
        if random.chance(1, in: 2) || image.bytes.count + 2 * layout.blockSize > maxSize {
            for _ in 0...random.below(4) {
                image.bytes[range.lowerBound + random.below(range.count)] ^= UInt8(1 + random.below(255))
            }
            return true
        }
        var stream = Array(image.bytes[range]) + [UInt8](repeating: 0, count: layout.blockSize)
        let newSize = stream.withUnsafeMutableBufferPointer { libFuzzerMutate($0.baseAddress!, range.count, $0.count) }
        let end = image.bytes.count
        image.bytes += stream.prefix(newSize)
        image.write(UInt64(end), at: descriptor, width: 8)
        image.write(UInt64(newSize), at: descriptor + 8, width: 4)
        return true
    }
}

extension DumpLayout {
    /// The kernel-image-map address of the page holding `physical`, with the sub-header's
    /// `phys_base` (`va = pa − phys_base + __START_KERNEL_map`).
    static func pageAddress(physical: UInt64, blockSize: Int, image: DumpImage) -> UInt64? {
        let physBase = image.read(blockSize, width: 8) ?? 0
        let page = physical / UInt64(blockSize) * UInt64(blockSize)
        return page &- physBase &+ KernelStructures.kernelMap
    }
}
