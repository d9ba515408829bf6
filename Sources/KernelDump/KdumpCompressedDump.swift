import KtriageBytes
import KtriageNative

/// A kdump-compressed dump (`KDUMP   `, makedumpfile `-c/-l/-p/-z`, QEMU `kdump-*`), read in place.
///
/// Format notes (makedumpfile `IMPLEMENTATION`, `diskdump_mod.h`; crash `diskdump.h`):
/// - block 0, `struct disk_dump_header`: signature `KDUMP   ` (8), `int header_version` (1–6),
///   `struct new_utsname` (6 × 65), padding to `timeval` alignment, `timestamp`, `int status`
///   (`DUMP_DH_COMPRESSED_ZLIB` 0x1, `_LZO` 0x2, `_SNAPPY` 0x4, `_INCOMPLETE` 0x8,
///   `_EXCLUDED_VMEMMAP` 0x10, `_ZSTD` 0x20), `int block_size`, `int sub_hdr_size` (blocks),
///   `unsigned int bitmap_blocks`, `max_mapnr` (32-bit, obsolete since v6), `total_ram_blocks`,
///   `device_blocks`, `written_blocks`, `current_cpu`, `int nr_cpus`. 464 bytes on 64-bit.
/// - block 1, `struct kdump_sub_header`: `unsigned long phys_base`, `int dump_level`, `int split`,
///   `start_pfn`, `end_pfn` (v2+), `offset_vmcoreinfo`/`size_vmcoreinfo` (v3+),
///   `offset_note`/`size_note` (v4+), `offset_eraseinfo`/`size_eraseinfo` (v5+),
///   `start_pfn_64`, `end_pfn_64`, `max_mapnr_64` (v6+).
/// - then `bitmap_blocks` blocks of bitmaps: the first half marks RAM, the second half marks the
///   pages that were dumped (bit `pfn % 8` of byte `pfn / 8`).
/// - then one `struct page_desc` per dumped page in pfn order: `off_t offset`, `unsigned int size`,
///   `unsigned int flags` (same compression bits as `status`; none = raw), `page_flags`; 24 bytes.
/// - QEMU (7.2) stores `phys_base` wrongly under KASLR (the decimal digits of VMCOREINFO's
///   `NUMBER(phys_base)` read as hex): callers prefer VMCOREINFO's value.
/// Only the 64-bit layout is read here (x86-64, arm64, ppc64, s390x); either byte order.
final class KdumpCompressedDump: PhysicalMemory {
    struct Header: Sendable, Equatable {
        var version: Int32
        var utsname: [String]
        var timestampSeconds: Int64
        var timestampMicros: Int64
        var status: Int32
        var blockSize: Int
        var subHeaderBlocks: Int
        var bitmapBlocks: UInt64
        var maxMapNr: UInt64
        var currentCPU: UInt32
        var cpuCount: Int32
        // sub-header
        var physBase: UInt64
        var dumpLevel: Int32
        var split: Int32
        var vmcoreinfoOffset: UInt64?
        var vmcoreinfoSize: UInt64?
        var noteOffset: UInt64?
        var noteSize: UInt64?
    }

    static let headerSize = 464
    static let descriptorSize = 24

    let bytes: DumpBytes
    let header: Header
    let endianness: ByteCursor.Endianness
    let pageSize: Int
    private let bitmapOffset: UInt64
    private let bitmapHalfBytes: UInt64
    private let descriptorOffset: UInt64
    /// Prefix popcounts of the dumped-pages bitmap per `rankChunkBits` pfns, built on demand.
    private var rankPrefix: [UInt64] = [0]
    private static let rankChunkBytes = 512
    /// The last `rank` answered, the start of the next count when it lies in the same chunk.
    private var lastRank: (pfn: UInt64, rank: UInt64)?
    /// Pages whose descriptor says "zero offset" in an incomplete dump, etc. — reasons noted once.
    private(set) var missingPages: [UInt64: String] = [:]

    var isIncomplete: Bool { header.status & 0x8 != 0 }

    /// The compression bits of `status` and `page_desc.flags` (makedumpfile `diskdump_mod.h`:
    /// `DUMP_DH_COMPRESSED_ZLIB`, `_LZO`, `_SNAPPY`, `_ZSTD`; zstd since makedumpfile 1.7.0).
    static let codecBits: [(bit: UInt32, codec: PageCodec)] = [
        (0x1, .zlib), (0x2, .lzo), (0x4, .snappy), (0x20, .zstd),
    ]
    /// All of `codecBits`: a page whose flags have none of them is stored raw.
    static let codecMask = codecBits.reduce(UInt32(0)) { $0 | $1.bit }

    /// Names of compression methods flagged in `status`.
    var compressionNames: [String] {
        Self.codecBits.filter { UInt32(bitPattern: header.status) & $0.bit != 0 }.map(\.codec.rawValue)
    }

    /// Decodes lzo, snappy and zstd pages (reuses one zstd context per dump).
    private let decompressor = PageDecompressor()
    /// Distinct pages read so far, by how they were stored: a codec name or `raw`.
    private(set) var pagesRead: [String: Int] = [:]
    private var pagesCounted = Set<UInt64>()

    /// Counts `pfn` once under `storage` (the page cache may read a page again after evicting it).
    private func countPage(_ pfn: UInt64, as storage: String) {
        if pagesCounted.insert(pfn).inserted { pagesRead[storage, default: 0] += 1 }
    }

    init(bytes: DumpBytes) throws {
        self.bytes = bytes
        let path = bytes.path
        let raw = try bytes.read(at: 0, count: Self.headerSize, field: "kdump header")
        // Byte order: header_version is small (1…6) in the right order.
        let versionLE = UInt32(raw[8]) | UInt32(raw[9]) << 8 | UInt32(raw[10]) << 16 | UInt32(raw[11]) << 24
        let endianness: ByteCursor.Endianness = (versionLE >= 1 && versionLE <= 64) ? .little : .big
        self.endianness = endianness
        var header = try raw.withUnsafeBytes { buffer -> Header in
            var cursor = ByteCursor(buffer, baseOffset: Int(bytes.fileOffset(of: 0)), endianness: endianness)
            cursor.position = 8
            let version: Int32 = try Self.field(&cursor, "header_version", path: path)
            guard version >= 1 && version <= 64 else {
                throw VmcoreError(
                    path: path, offset: 8, field: "kdump header field 'header_version'",
                    message: "is \(version), expected 1…6")
            }
            var uts: [String] = []
            for index in 0..<6 {
                uts.append(cursor.peekString(at: 12 + index * 65, count: 65) ?? "")
            }
            cursor.position = 408
            let seconds: Int64 = try Self.field(&cursor, "timestamp.tv_sec", path: path)
            let micros: Int64 = try Self.field(&cursor, "timestamp.tv_usec", path: path)
            let status: Int32 = try Self.field(&cursor, "status", path: path)
            let blockSize: Int32 = try Self.field(&cursor, "block_size", path: path)
            let subHeaderBlocks: Int32 = try Self.field(&cursor, "sub_hdr_size", path: path)
            let bitmapBlocks: UInt32 = try Self.field(&cursor, "bitmap_blocks", path: path)
            let maxMapNr: UInt32 = try Self.field(&cursor, "max_mapnr", path: path)
            cursor.position = 456
            let currentCPU: UInt32 = try Self.field(&cursor, "current_cpu", path: path)
            let cpus: Int32 = try Self.field(&cursor, "nr_cpus", path: path)
            guard blockSize >= 512, blockSize <= VmcoreLimits.maxPageSize, blockSize & (blockSize - 1) == 0
            else {
                throw VmcoreError(
                    path: path, offset: 428, field: "kdump header field 'block_size'",
                    message:
                        "is \(blockSize), expected a power of two between 512 and \(VmcoreLimits.maxPageSize)"
                )
            }
            guard subHeaderBlocks >= 0, subHeaderBlocks <= 1 << 20 else {
                throw VmcoreError(
                    path: path, offset: 432, field: "kdump header field 'sub_hdr_size'",
                    message: "is \(subHeaderBlocks)")
            }
            return Header(
                version: version, utsname: uts, timestampSeconds: seconds, timestampMicros: micros,
                status: status,
                blockSize: Int(blockSize), subHeaderBlocks: Int(subHeaderBlocks),
                bitmapBlocks: UInt64(bitmapBlocks),
                maxMapNr: UInt64(maxMapNr), currentCPU: currentCPU, cpuCount: cpus, physBase: 0, dumpLevel: 0,
                split: 0)
        }
        let block = UInt64(header.blockSize)
        if header.subHeaderBlocks > 0 {
            let subSize = min(104, header.subHeaderBlocks * header.blockSize)
            let sub = try bytes.read(at: block, count: subSize, field: "kdump sub-header")
            try sub.withUnsafeBytes { buffer in
                var cursor = ByteCursor(
                    buffer, baseOffset: Int(bytes.fileOffset(of: block)), endianness: endianness)
                header.physBase = try Self.field(&cursor, "phys_base", path: path)
                header.dumpLevel = try Self.field(&cursor, "dump_level", path: path)
                header.split = try Self.field(&cursor, "split", path: path)
                if header.version >= 3 {
                    cursor.position = 32
                    header.vmcoreinfoOffset = try Self.field(&cursor, "offset_vmcoreinfo", path: path)
                    header.vmcoreinfoSize = try Self.field(&cursor, "size_vmcoreinfo", path: path)
                }
                if header.version >= 4 {
                    header.noteOffset = try Self.field(&cursor, "offset_note", path: path)
                    header.noteSize = try Self.field(&cursor, "size_note", path: path)
                }
                if header.version >= 6 {
                    cursor.position = 96
                    let maxMapNr64: UInt64 = try Self.field(&cursor, "max_mapnr_64", path: path)
                    if maxMapNr64 != 0 { header.maxMapNr = maxMapNr64 }
                }
            }
        }
        self.header = header
        self.pageSize = header.blockSize
        let (bitmapBlock, o1) = UInt64(1).addingReportingOverflow(UInt64(header.subHeaderBlocks))
        let (bitmapStart, o2) = bitmapBlock.multipliedReportingOverflow(by: block)
        let (bitmapBytes, o3) = header.bitmapBlocks.multipliedReportingOverflow(by: block)
        let (descStart, o4) = bitmapStart.addingReportingOverflow(bitmapBytes)
        guard !(o1 || o2 || o3 || o4), descStart <= bytes.size else {
            throw VmcoreError(
                path: path, offset: bytes.fileOffset(of: 436), field: "kdump header field 'bitmap_blocks'",
                message: "\(header.bitmapBlocks) bitmap blocks run past the end of the file")
        }
        bitmapOffset = bitmapStart
        bitmapHalfBytes = bitmapBytes / 2
        descriptorOffset = descStart
        guard header.maxMapNr <= bitmapHalfBytes * 8 else {
            throw VmcoreError(
                path: path, offset: bytes.fileOffset(of: 440), field: "kdump header field 'max_mapnr'",
                message: "\(header.maxMapNr) pages do not fit the \(bitmapHalfBytes)-byte bitmap")
        }
    }

    private static func field<T: FixedWidthInteger>(_ cursor: inout ByteCursor, _ name: String, path: String)
        throws -> T
    {
        do {
            return try cursor.expectInteger(name, as: T.self)
        } catch {
            throw VmcoreError(
                path: path, offset: UInt64(error.offset), field: "kdump header field '\(name)'",
                message: "needs \(error.needed) bytes, \(error.available) left")
        }
    }

    /// The raw notes blob (`offset_note`, `size_note`), or `nil` before header version 4.
    func noteBlob() throws -> (bytes: [UInt8], offset: UInt64)? {
        guard let offset = header.noteOffset, let size = header.noteSize, size > 0 else { return nil }
        guard size <= UInt64(VmcoreLimits.maxNoteBlobBytes) else {
            throw VmcoreError(
                path: bytes.path, offset: nil, field: "kdump sub-header field 'size_note'",
                message: "\(size) bytes exceeds the \(VmcoreLimits.maxNoteBlobBytes)-byte limit")
        }
        return (
            try bytes.read(
                at: offset, count: Int(size), field: "kdump notes (offset_note \(offset), size_note \(size))"),
            offset
        )
    }

    /// The VMCOREINFO text stored in the sub-header area (v3+), if any.
    func vmcoreinfoBlob() throws -> [UInt8]? {
        guard let offset = header.vmcoreinfoOffset, let size = header.vmcoreinfoSize, size > 0 else {
            return nil
        }
        guard size <= UInt64(VmcoreLimits.maxVmcoreinfoBytes) else {
            throw VmcoreError(
                path: bytes.path, offset: nil, field: "kdump sub-header field 'size_vmcoreinfo'",
                message: "\(size) bytes exceeds the \(VmcoreLimits.maxVmcoreinfoBytes)-byte limit")
        }
        return try bytes.read(
            at: offset, count: Int(size), field: "kdump VMCOREINFO (offset_vmcoreinfo \(offset))")
    }

    /// Bit `pfn` of the dumped-pages (second) bitmap.
    private func isDumped(_ pfn: UInt64) throws -> Bool {
        guard pfn < header.maxMapNr else { return false }
        return try dumpedBitmapByte(pfn) & (1 << UInt8(pfn % 8)) != 0
    }

    /// The byte of the dumped-pages bitmap holding `pfn`'s bit. Copied, not `read(at:count:field:)`:
    /// this runs for every page a scan asks about, and the error is only built when it fails.
    private func dumpedBitmapByte(_ pfn: UInt64) throws -> UInt8 {
        let byteOffset = bitmapOffset + bitmapHalfBytes + pfn / 8
        var byte: UInt8 = 0
        guard withUnsafeMutableBytes(of: &byte, { bytes.copy(at: byteOffset, into: $0) }) else {
            return try bytes.read(at: byteOffset, count: 1, field: "kdump bitmap byte for pfn \(pfn)")[0]
        }
        return byte
    }

    /// Skips eight pages at a time where the bitmap byte is zero.
    func nextPageHoldingData(from pfn: UInt64, below limit: UInt64) -> UInt64? {
        var candidate = pfn
        let end = min(limit, header.maxMapNr)
        while candidate < end {
            guard let byte = try? dumpedBitmapByte(candidate) else { return nil }
            if byte == 0 {
                candidate = (candidate | 7) + 1
                continue
            }
            if byte & (1 << UInt8(candidate % 8)) != 0 { return candidate }
            candidate += 1
        }
        return nil
    }

    /// Set bits in `raw`, eight bytes at a time.
    private static func popcount(_ raw: UnsafeRawBufferPointer) -> UInt64 {
        var total = 0
        var index = 0
        while index + 8 <= raw.count {
            total += raw.loadUnaligned(fromByteOffset: index, as: UInt64.self).nonzeroBitCount
            index += 8
        }
        while index < raw.count {
            total += raw[index].nonzeroBitCount
            index += 1
        }
        return UInt64(total)
    }

    /// Set bits in `count` bytes of the file at `offset`: counted in place when the bytes are
    /// contiguous (always, but for a flattened stream's record boundaries), else from a copy.
    private func bitmapPopcount(at offset: UInt64, count: Int) throws -> UInt64 {
        if let contiguous = bytes.contiguous(at: offset, count: count) { return Self.popcount(contiguous) }
        return try bytes.read(at: offset, count: count, field: "kdump bitmap").withUnsafeBytes { Self.popcount($0) }
    }

    /// Number of dumped pages below `pfn` (the descriptor index of `pfn`): the prefix count of
    /// its chunk plus the bits from the chunk's start, or from the last answer when that lies
    /// between (pages are mostly read in ascending order: the VMCOREINFO scan, log buffers).
    private func rank(_ pfn: UInt64) throws -> UInt64 {
        let chunkBits = UInt64(Self.rankChunkBytes * 8)
        let chunk = Int(pfn / chunkBits)
        let second = bitmapOffset + bitmapHalfBytes
        while rankPrefix.count <= chunk {
            let index = UInt64(rankPrefix.count - 1)
            let start = second + index * UInt64(Self.rankChunkBytes)
            let count = Int(
                min(UInt64(Self.rankChunkBytes), bitmapHalfBytes - index * UInt64(Self.rankChunkBytes)))
            rankPrefix.append(rankPrefix[rankPrefix.count - 1] + (try bitmapPopcount(at: start, count: count)))
        }
        let chunkStart = UInt64(chunk) * chunkBits
        var (from, total) = (chunkStart, rankPrefix[chunk])
        if let lastRank, lastRank.pfn >= chunkStart, lastRank.pfn <= pfn { (from, total) = lastRank }
        total += try dumpedPages(from: from, to: pfn)
        lastRank = (pfn, total)
        return total
    }

    /// Set bits of the dumped-pages bitmap for pfns `from ..< to`: a partial first byte, whole
    /// bytes, a partial last byte.
    private func dumpedPages(from: UInt64, to: UInt64) throws -> UInt64 {
        guard from < to else { return 0 }
        var total: UInt64 = 0
        var pfn = from
        if pfn % 8 != 0 {
            let low = pfn % 8
            let high = min(8, low + (to - pfn))
            let mask = UInt8(truncatingIfNeeded: (1 << high) - (1 << low))
            total += UInt64((try dumpedBitmapByte(pfn) & mask).nonzeroBitCount)
            pfn += high - low
        }
        let wholeBytes = (to - pfn) / 8
        if wholeBytes > 0 {
            total += try bitmapPopcount(at: bitmapOffset + bitmapHalfBytes + pfn / 8, count: Int(wholeBytes))
            pfn += wholeBytes * 8
        }
        if pfn < to {
            let mask = UInt8(truncatingIfNeeded: (1 << (to - pfn)) - 1)
            total += UInt64((try dumpedBitmapByte(pfn) & mask).nonzeroBitCount)
        }
        return total
    }

    func readMappedVirtual(_ address: UInt64, into buffer: UnsafeMutableRawBufferPointer) -> Bool { false }

    var pageFrameLimit: UInt64 { header.maxMapNr }

    func hasPage(_ pfn: UInt64) -> Bool { (try? isDumped(pfn)) ?? false }

    /// Checks how much of the dump the file holds: the descriptor table, and (by binary search
    /// over the descriptors, whose data makedumpfile and QEMU write in pfn order) the first page
    /// whose data lies past the end of the file. Reads O(bitmap + log(pages)) bytes.
    /// - Returns: what is missing, in words; empty when the file is whole.
    func missingData() throws -> [String] {
        guard header.maxMapNr > 0 else { return [] }
        let dumped = try rank(header.maxMapNr - 1) + (try isDumped(header.maxMapNr - 1) ? 1 : 0)
        guard dumped > 0 else { return [] }
        let size = bytes.size
        let tableEnd = descriptorOffset &+ dumped &* UInt64(Self.descriptorSize)
        var firstMissing = dumped
        func dataEnd(_ index: UInt64) -> UInt64? {
            let at = descriptorOffset + index * UInt64(Self.descriptorSize)
            guard let raw = try? bytes.read(at: at, count: 16, field: "page descriptor") else { return nil }
            return raw.withUnsafeBytes { buffer -> UInt64? in
                let cursor = ByteCursor(buffer, endianness: endianness)
                guard let offset: Int64 = cursor.peekInteger(at: 0),
                    let length: UInt32 = cursor.peekInteger(at: 8),
                    offset > 0
                else { return nil }
                return UInt64(offset) &+ UInt64(length)
            }
        }
        // Binary search for the first descriptor that is missing, empty, or points past the end.
        // `dumped` counts bitmap bits the file holds, so it is far below `Int.max`.
        firstMissing = UInt64(
            SortedSearch.partitionPoint(in: 0..<Int(clamping: dumped)) { page in
                if let end = dataEnd(UInt64(page)), end <= size { return true }
                return false
            })
        var result: [String] = []
        if tableEnd > size {
            result.append(
                "the page descriptor table ends at byte \(tableEnd) but the file has \(size) bytes (truncated)"
            )
        }
        if firstMissing < dumped {
            result.append(
                "\(dumped - firstMissing) of \(dumped) dumped pages have no data in the file (from descriptor \(firstMissing) on: truncated or incomplete)"
            )
        }
        return result
    }

    func readPage(_ pfn: UInt64, into buffer: UnsafeMutableRawBufferPointer) throws {
        let path = bytes.path
        guard try isDumped(pfn) else {
            let reason =
                pfn < header.maxMapNr
                ? "not in the dump (excluded by dump level \(header.dumpLevel) or a hole)"
                : "beyond max_mapnr \(header.maxMapNr)"
            throw VmcoreError(
                path: path, offset: nil, field: "page \(String(pfn, radix: 16)) (pfn)", message: reason)
        }
        let index = try rank(pfn)
        let (descAt, overflow) = descriptorOffset.addingReportingOverflow(
            index &* UInt64(Self.descriptorSize))
        guard !overflow, index < UInt64.max / 24 else {
            throw VmcoreError(
                path: path, offset: nil, field: "page descriptor for pfn \(pfn)", message: "offset overflows")
        }
        guard bytes.contains(descAt, count: Self.descriptorSize) else {
            throw VmcoreError(
                path: path, offset: descAt, field: "page descriptor for pfn 0x\(String(pfn, radix: 16))",
                message: "missing: the dump ends before it (file cut short)")
        }
        func decode(_ raw: UnsafeRawBufferPointer) -> (Int64, UInt32, UInt32) {
            let cursor = ByteCursor(raw, endianness: endianness)
            return (
                cursor.peekInteger(at: 0) ?? 0, cursor.peekInteger(at: 8) ?? 0,
                cursor.peekInteger(at: 12) ?? 0
            )
        }
        // In place when contiguous: this runs for every page read.
        let (offset, size, flags) =
            if let contiguous = bytes.contiguous(at: descAt, count: Self.descriptorSize) {
                decode(contiguous)
            } else {
                try bytes.read(
                    at: descAt, count: Self.descriptorSize,
                    field: "page descriptor for pfn 0x\(String(pfn, radix: 16))"
                ).withUnsafeBytes(decode)
            }
        let descFileOffset = bytes.fileOffset(of: descAt)
        if offset == 0 && size == 0 {
            throw VmcoreError(
                path: path, offset: descFileOffset,
                field: "page descriptor for pfn 0x\(String(pfn, radix: 16))",
                message: "empty (the dump is incomplete: written up to here)")
        }
        guard offset > 0, size > 0, size <= UInt32(pageSize) else {
            throw VmcoreError(
                path: path, offset: descFileOffset,
                field: "page descriptor for pfn 0x\(String(pfn, radix: 16))",
                message: "offset \(offset), size \(size) is invalid (page size \(pageSize))")
        }
        guard bytes.contains(UInt64(offset), count: Int(size)) else {
            throw VmcoreError(
                path: path, offset: descFileOffset, field: "page data for pfn 0x\(String(pfn, radix: 16))",
                message:
                    "offset \(offset) + size \(size) is past the end of the file (\(bytes.size) bytes): the dump is truncated"
            )
        }
        // Built only for an error: this runs for every page read.
        func field() -> String { "page data for pfn 0x\(String(pfn, radix: 16))" }
        if flags & Self.codecMask != 0 {
            let pageCodecs = Self.codecBits.filter { flags & $0.bit != 0 }.map(\.codec)
            try decompress(
                pfn, codec: pageCodecs[0], otherCodecs: pageCodecs.dropFirst(), flags: flags,
                data: (offset: UInt64(offset), size: Int(size)), descriptorAt: descFileOffset, field: field,
                into: buffer)
            return
        }
        guard size == UInt32(pageSize) else {
            throw VmcoreError(
                path: path, offset: descFileOffset, field: field(),
                message:
                    "uncompressed page of \(size) bytes (flags 0x\(String(flags, radix: 16))), expected \(pageSize)"
            )
        }
        guard bytes.copy(at: UInt64(offset), into: buffer) else {
            throw VmcoreError(path: path, offset: descFileOffset, field: field(), message: "cannot be read")
        }
        countPage(pfn, as: "raw")
    }

    /// Decompresses one page into `buffer` (exactly `pageSize` bytes), or throws an error naming
    /// the file, the data's offset, the pfn (in `field`) and the codec.
    ///
    /// Format notes: a page's codec must be announced in the header's `status`, as makedumpfile and
    /// QEMU (2.1+) write it; crash 8.0 likewise refuses lzo, snappy and zstd pages the header does
    /// not announce. makedumpfile writes a page raw (flags 0) when compressing does not make it
    /// smaller, so one dump mixes compressed and raw pages.
    private func decompress(
        _ pfn: UInt64, codec: PageCodec, otherCodecs: ArraySlice<PageCodec>, flags: UInt32,
        data: (offset: UInt64, size: Int), descriptorAt descriptorOffset: UInt64, field: () -> String,
        into buffer: UnsafeMutableRawBufferPointer
    ) throws {
        let path = bytes.path
        let flagsText = "0x" + String(flags, radix: 16)
        guard otherCodecs.isEmpty else {
            let names = ([codec] + otherCodecs).map(\.rawValue).joined(separator: ", ")
            throw VmcoreError(
                path: path, offset: descriptorOffset, field: field(),
                message: "flags \(flagsText) name more than one compression (\(names))")
        }
        let status = UInt32(bitPattern: header.status)
        guard Self.codecBits.contains(where: { $0.codec == codec && status & $0.bit != 0 }) else {
            throw VmcoreError(
                path: path, offset: descriptorOffset, field: field(),
                message:
                    "compressed with \(codec.rawValue) (flags \(flagsText)), which the kdump header's status 0x\(String(status, radix: 16)) does not announce"
            )
        }
        let dataOffset = bytes.fileOffset(of: data.offset)
        let produced: Int
        do {
            if let contiguous = bytes.contiguous(at: data.offset, count: data.size) {
                produced = try decompressor.decompress(codec, contiguous, into: buffer)
            } else {
                let copy = try bytes.read(at: data.offset, count: data.size, field: field())
                produced = try copy.withUnsafeBytes { try decompressor.decompress(codec, $0, into: buffer) }
            }
        } catch let error as PageCodecError {
            throw VmcoreError(path: path, offset: dataOffset, field: field(), message: "\(codec.rawValue): \(error)")
        }
        guard produced == pageSize else {
            throw VmcoreError(
                path: path, offset: dataOffset, field: field(),
                message: "\(codec.rawValue): decompresses to \(produced) bytes, expected \(pageSize)")
        }
        countPage(pfn, as: codec.rawValue)
    }
}
