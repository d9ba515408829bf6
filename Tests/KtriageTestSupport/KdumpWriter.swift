import KtriageNative

/// Writes kdump-compressed (`KDUMP   `) dumps from a `SyntheticKernel`, header versions 1–6,
/// with zlib, lzo, snappy, zstd or raw pages, excluded pages, the incomplete flag, pages flagged
/// with a codec over raw bytes (corrupt pages), and optionally as makedumpfile's flattened stream.
/// Layout per makedumpfile `IMPLEMENTATION` (see `KdumpCompressedDump` in KernelDump).
public struct KdumpWriter {
    public enum PageEncoding: Sendable {
        /// zlib through the test `ZlibEncoder`.
        case zlib
        /// Compressed by the real library (`PageCompressor`), as makedumpfile `-l`, `-p`, `-z` do.
        case lzo, snappy, zstd
        /// Every page stored uncompressed (flags 0, no codec announced).
        case raw
        /// The codec announced and flagged, but the page bytes stored raw: a corrupt page.
        case flaggedLZO, flaggedSnappy, flaggedZstd

        /// The header `status` / `page_desc.flags` bit.
        var codecBit: UInt32 {
            switch self {
            case .zlib: 0x1
            case .lzo, .flaggedLZO: 0x2
            case .snappy, .flaggedSnappy: 0x4
            case .zstd, .flaggedZstd: 0x20
            case .raw: 0
            }
        }
    }

    public var version: Int32 = 6
    public var encoding: PageEncoding = .zlib
    public var dumpLevel: Int32 = 1
    /// Pages stored raw (flags 0) whatever the encoding, as makedumpfile stores a page that does
    /// not compress smaller.
    public var rawPages: Set<UInt64> = []
    /// Pages left out of the dumped bitmap (as dump level 31 drops free pages).
    public var excludedPages: Set<UInt64> = []
    /// Set `DUMP_DH_COMPRESSED_INCOMPLETE` and write descriptors only for the first
    /// `writtenPages` dumped pages (the rest stay zero), as makedumpfile does on ENOSPC.
    public var writtenPages: Int?
    /// `phys_base` in the sub-header (QEMU writes a wrong one under KASLR).
    public var headerPhysBase: UInt64?
    /// Write makedumpfile's flattened stream instead of the seekable file.
    public var flattened = false
    /// Record size when flattening (QEMU uses up to 16 KiB).
    public var flattenedChunk = 4096
    public var machine = "x86_64"
    /// `block_size` when it differs from the kernel's page size (QEMU 7.2 writes 64 KiB blocks
    /// over arm64's 4 KiB pages); pfns count blocks from physical address 0.
    public var blockSize: Int?
    /// Store one zero page and point every zero page's descriptor at it, as makedumpfile does
    /// when the dump level keeps zero pages (its `pd_zero`). Keeps small test dumps small.
    public var shareZeroPage = false

    public init() {}

    public func write(_ kernel: SyntheticKernel) -> [UInt8] {
        let block = blockSize ?? kernel.pageSize
        let firstRAMPage = Int(kernel.ramStart) / block
        let pageCount = (Int(kernel.ramStart) + kernel.memory.count) / block
        let notes = kernel.notes()
        let vmcoreinfo = kernel.vmcoreinfoText
        // Sub-header area: sub-header (104) + VMCOREINFO + notes, in whole blocks.
        let subHeaderBytes = 104 + vmcoreinfo.count + notes.count
        let subHeaderBlocks = (subHeaderBytes + block - 1) / block
        let bitmapBytesPerHalf = ((pageCount + 7) / 8 + block - 1) / block * block
        let bitmapBlocks = 2 * bitmapBytesPerHalf / block
        let descriptorStart = (1 + subHeaderBlocks + bitmapBlocks) * block

        var status = Int32(encoding.codecBit)
        if writtenPages != nil { status |= 0x8 }

        var header = ByteBuilder()
        header.put(Array("KDUMP   ".utf8))
        header.put(version)
        var uts = [UInt8](repeating: 0, count: 390)
        let fields = ["Linux", "synthetic", "6.1.0-test", "#1 SMP test", machine, ""]
        for (index, field) in fields.enumerated() {
            uts.replaceSubrange((index * 65)..<(index * 65 + field.utf8.count), with: Array(field.utf8))
        }
        header.put(uts)
        header.zeros(6)  // pad 402 → 408 (timeval alignment)
        header.put(Int64(1_700_000_000))
        header.put(Int64(0))
        header.put(status)
        header.put(Int32(block))
        header.put(Int32(subHeaderBlocks))
        header.put(UInt32(bitmapBlocks))
        header.put(UInt32(pageCount))
        header.zeros(16)  // total_ram_blocks, device_blocks, written_blocks, current_cpu
        header.put(Int32(kernel.cpus.count))

        var image = [UInt8](repeating: 0, count: descriptorStart)
        image.replaceSubrange(0..<header.count, with: header.bytes)
        let vmcoreinfoOffset = UInt64(block + 104)
        let noteOffset = vmcoreinfoOffset + UInt64(vmcoreinfo.count)
        var sub = ByteBuilder()
        sub.put(headerPhysBase ?? UInt64(bitPattern: kernel.physBase))
        sub.put(dumpLevel)
        sub.put(Int32(0))
        sub.put(UInt64(0))
        sub.put(UInt64(pageCount))
        sub.put(version >= 3 ? vmcoreinfoOffset : 0)
        sub.put(UInt64(version >= 3 ? vmcoreinfo.count : 0))
        sub.put(version >= 4 ? noteOffset : 0)
        sub.put(UInt64(version >= 4 ? notes.count : 0))
        sub.zeros(16)
        sub.put(UInt64(0))
        sub.put(UInt64(pageCount))
        sub.put(UInt64(version >= 6 ? pageCount : 0))
        image.replaceSubrange(block..<(block + sub.count), with: sub.bytes)
        if version >= 3 {
            image.replaceSubrange(
                Int(vmcoreinfoOffset)..<(Int(vmcoreinfoOffset) + vmcoreinfo.count), with: vmcoreinfo)
        }
        if version >= 4 {
            image.replaceSubrange(Int(noteOffset)..<(Int(noteOffset) + notes.count), with: notes)
        }
        let bitmapStart = (1 + subHeaderBlocks) * block
        var dumped: [UInt64] = []
        for pfn in UInt64(firstRAMPage)..<UInt64(pageCount) {
            image[bitmapStart + Int(pfn / 8)] |= 1 << UInt8(pfn % 8)
            guard !excludedPages.contains(pfn) else { continue }
            image[bitmapStart + bitmapBytesPerHalf + Int(pfn / 8)] |= 1 << UInt8(pfn % 8)
            dumped.append(pfn)
        }
        var descriptors = ByteBuilder()
        var pages: [UInt8] = []
        let dataStart = UInt64(descriptorStart + dumped.count * 24)
        var zeroPage: (offset: Int64, size: UInt32, flags: UInt32)?
        for (index, pfn) in dumped.enumerated() {
            if let written = writtenPages, index >= written {
                descriptors.zeros(24)
                continue
            }
            let start = Int(pfn) * block - Int(kernel.ramStart)
            let page = Array(kernel.memory[start..<(start + block)])
            if shareZeroPage, let zeroPage, !page.contains(where: { $0 != 0 }) {
                descriptors.put(zeroPage.offset)
                descriptors.put(zeroPage.size)
                descriptors.put(zeroPage.flags)
                descriptors.put(UInt64(0))
                continue
            }
            var data = page
            var flags: UInt32 = 0
            let compressed: [UInt8]?
            switch encoding {
            case .zlib: compressed = ZlibEncoder.compress(page)
            case .lzo: compressed = try? PageCompressor.compress(.lzo, page)
            case .snappy: compressed = try? PageCompressor.compress(.snappy, page)
            case .zstd: compressed = try? PageCompressor.compress(.zstd, page)
            case .flaggedLZO, .flaggedSnappy, .flaggedZstd: compressed = page
            case .raw: compressed = nil
            }
            if let compressed, !rawPages.contains(pfn), compressed.count < block || compressed == page {
                data = compressed
                flags = encoding.codecBit
            }
            descriptors.put(Int64(dataStart) + Int64(pages.count))
            descriptors.put(UInt32(data.count))
            descriptors.put(flags)
            descriptors.put(UInt64(0))
            if shareZeroPage, zeroPage == nil, !page.contains(where: { $0 != 0 }) {
                zeroPage = (Int64(dataStart) + Int64(pages.count), UInt32(data.count), flags)
            }
            pages += data
        }
        image += descriptors.bytes + pages
        return flattened ? Self.flatten(image, chunk: flattenedChunk) : image
    }

    /// Rewrites a seekable image as makedumpfile's flattened stream (records out of order, as
    /// QEMU writes the header last).
    public static func flatten(_ image: [UInt8], chunk: Int) -> [UInt8] {
        var out = ByteBuilder(bigEndian: true)
        out.put(Array("makedumpfile".utf8))
        out.zeros(4)
        out.put(Int64(1))
        out.put(Int64(1))
        out.zeros(4096 - out.count)
        var records: [(Int, Int)] = []
        var offset = 0
        while offset < image.count {
            let size = min(chunk, image.count - offset)
            records.append((offset, size))
            offset += size
        }
        if let first = records.first { records.removeFirst(); records.append(first) }  // header last
        for (start, size) in records {
            out.put(Int64(start))
            out.put(Int64(size))
            out.put(image[start..<(start + size)])
        }
        out.put(Int64(-1))
        out.put(Int64(-1))
        return out.bytes
    }
}
