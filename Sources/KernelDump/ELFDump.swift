import KtriageBytes
import KtriageNative

/// An ELF vmcore (`/proc/vmcore`, `makedumpfile -E`, QEMU `dump-guest-memory` ELF), read through
/// libelf (`ELFImage`).
///
/// Format notes: `ET_CORE`; `PT_NOTE` segments hold `NT_PRSTATUS` per CPU and `VMCOREINFO`;
/// `PT_LOAD` segments carry physical (`p_paddr`) and, from the kernel (`crash_prepare_elf64_headers`)
/// and QEMU `paging=true`, kernel virtual (`p_vaddr`) addresses; QEMU `paging=false` writes
/// `p_vaddr == p_paddr`. With more than 65534 segments `e_phnum` is `PN_XNUM` and the real count
/// is in section 0's `sh_info` (libelf's `elf_getphdrnum`). makedumpfile sets `e_flags` bit 0 when
/// it ran out of space (incomplete dump). QEMU 7.2 writes `e_ehsize` 8 and puts the program
/// headers at 192: only `e_phoff` is trusted. ELF32 (i386) cores are read the same way through
/// libelf; their memory is reachable only through `p_vaddr` (lowmem at 0xc0000000), since the
/// i386 page-table walk is not implemented.
final class ELFDump: PhysicalMemory {
    /// One `PT_LOAD`, as used for reads.
    struct Segment: Sendable {
        var start: UInt64
        var fileOffset: UInt64
        var fileSize: UInt64
        var memorySize: UInt64
        /// `p_filesz` as declared; bytes from `fileSize` up to it are missing (file cut short).
        var declaredFileSize: UInt64
        var end: UInt64 { start &+ memorySize }
    }

    let bytes: DumpBytes
    let image: ELFImage
    let pageSize: Int
    let is64Bit: Bool
    let isLittleEndian: Bool
    let machine: UInt16
    let isIncomplete: Bool
    let loadCount: Int
    /// The program headers, decoded in place when a segment is used.
    private let table: ELFProgramHeaders
    /// `PT_LOAD`s by physical address; built on first physical access (dumps with kernel
    /// `p_vaddr`s may never need it).
    private lazy var physicalIndex: ELFSegmentIndex = {
        var entries: [ELFSegmentIndex.Entry] = []
        entries.reserveCapacity(loadCount)
        for index in 0..<table.count where table.type(index) == ELFImage.ProgramHeader.load {
            entries.append(.init(start: table.value(.physicalAddress, of: index), header: UInt32(index)))
        }
        return ELFSegmentIndex(consume entries) { [table] in Self.end(table, Int($0), physical: true) }
    }()
    /// `PT_LOAD`s with a kernel virtual address distinct from the physical one.
    private let virtualIndex: ELFSegmentIndex
    let noteSegments: [ELFImage.ProgramHeader]
    /// Bytes the segments claim beyond the end of the file (a cut-short dump).
    let missingBytes: UInt64

    /// Lowest `p_vaddr` taken as a kernel virtual address on 64-bit: covers the x86-64 5-level
    /// direct map (0xff11…) and arm64's linear map (0xffff0…, 0xfff0… with 52-bit VAs).
    static let kernelHalf: UInt64 = 0xff00_0000_0000_0000

    init(bytes: DumpBytes, pageSize: Int = 4096) throws {
        self.bytes = bytes
        let path = bytes.path
        do {
            image = try ELFImage(bytes: bytes.file.bytes)
        } catch {
            throw VmcoreError(
                path: path, offset: 0, field: "ELF header (\(error.field))", message: error.message)
        }
        guard image.header.type == 4 else {
            throw VmcoreError(
                path: path, offset: 16, field: "ELF header field 'e_type'",
                message: "is \(image.header.type), expected 4 (ET_CORE)")
        }
        is64Bit = image.header.is64Bit
        isLittleEndian = image.header.isLittleEndian
        machine = image.header.machine
        isIncomplete = image.header.flags & 1 != 0
        self.pageSize = pageSize
        let count: Int
        do {
            count = try image.programHeaderCount()
        } catch {
            throw VmcoreError(
                path: path, offset: image.header.programHeaderOffset,
                field: "ELF program headers (\(error.field))",
                message: error.message)
        }
        let table = try ELFProgramHeaders(
            bytes: bytes.file.bytes, offset: image.header.programHeaderOffset, count: count,
            is64Bit: is64Bit, isLittleEndian: isLittleEndian, path: path)
        self.table = table
        var virtual: [ELFSegmentIndex.Entry] = []  // in file order; sorted by the index
        var notes: [ELFImage.ProgramHeader] = []
        var missing: UInt64 = 0
        var loads = 0
        let fileSize = UInt64(bytes.file.bytes.count)
        let kernelHalf = is64Bit ? Self.kernelHalf : 0x8000_0000
        for index in 0..<count {
            let type = table.type(index)
            if type == ELFImage.ProgramHeader.note {
                notes.append(table[index])
                continue
            }
            guard type == ELFImage.ProgramHeader.load else { continue }
            loads += 1
            let declared = table.value(.fileSize, of: index)
            missing &+=
                declared
                - Self.presentFileSize(
                    offset: table.value(.offset, of: index), declared: declared, fileSize: fileSize)
            let virtualAddress = table.value(.virtualAddress, of: index)
            if virtualAddress >= kernelHalf, virtualAddress != table.value(.physicalAddress, of: index) {
                if virtual.isEmpty { virtual.reserveCapacity(count - index) }
                virtual.append(.init(start: virtualAddress, header: UInt32(index)))
            }
        }
        loadCount = loads
        virtualIndex = ELFSegmentIndex(consume virtual) { Self.end(table, Int($0), physical: false) }
        noteSegments = notes
        missingBytes = missing
    }

    /// The part of a segment's `declared` `p_filesz` at `offset` that the file holds.
    private static func presentFileSize(offset: UInt64, declared: UInt64, fileSize: UInt64) -> UInt64 {
        let (fileEnd, overflow) = offset.addingReportingOverflow(declared)
        guard overflow || fileEnd > fileSize else { return declared }
        return offset < fileSize ? min(declared, fileSize - offset) : 0
    }

    /// One past the last address of program header `index` (`p_memsz`, or `p_filesz` if larger).
    private static func end(_ table: ELFProgramHeaders, _ index: Int, physical: Bool) -> UInt64 {
        let start = table.value(physical ? .physicalAddress : .virtualAddress, of: index)
        return start &+ max(table.value(.memorySize, of: index), table.value(.fileSize, of: index))
    }

    /// The segment of program header `index`, addressed physically or virtually.
    private func segment(_ index: UInt32, physical: Bool) -> Segment {
        let header = table[Int(index)]
        return Segment(
            start: physical ? header.physicalAddress : header.virtualAddress, fileOffset: header.offset,
            fileSize: Self.presentFileSize(
                offset: header.offset, declared: header.fileSize, fileSize: UInt64(bytes.file.bytes.count)),
            memorySize: max(header.memorySize, header.fileSize), declaredFileSize: header.fileSize)
    }

    /// Whether the `PT_LOAD`s carry kernel virtual addresses.
    var hasVirtualAddresses: Bool { !virtualIndex.isEmpty }

    /// All notes of all `PT_NOTE` segments.
    func notes() throws -> [ELFNote] {
        var result: [ELFNote] = []
        for segment in noteSegments {
            let found: [ELFImage.Note]
            do {
                found = try image.notes(in: segment, limit: VmcoreLimits.maxNotes - result.count)
            } catch {
                throw VmcoreError(
                    path: bytes.path, offset: segment.offset, field: "PT_NOTE (\(error.field))",
                    message: error.message)
            }
            for note in found {
                guard result.count < VmcoreLimits.maxNotes else {
                    throw VmcoreError(
                        path: bytes.path, offset: segment.offset, field: "PT_NOTE",
                        message: "more than \(VmcoreLimits.maxNotes) notes")
                }
                let descriptor = try bytes.read(
                    at: UInt64(note.descriptorOffset), count: note.descriptorSize,
                    field: "note \(note.name) descriptor")
                result.append(
                    ELFNote(
                        name: note.name, type: note.type, descriptor: descriptor,
                        descriptorOffset: UInt64(note.descriptorOffset)))
            }
        }
        return result
    }

    /// Copies from segments; bytes past `p_filesz` (within `p_memsz`) read as zero.
    private func copy(_ address: UInt64, into buffer: UnsafeMutableRawBufferPointer, physical: Bool) -> Bool {
        guard let base = buffer.baseAddress, let file = bytes.file.bytes.baseAddress else {
            return buffer.isEmpty
        }
        var done = 0
        while done < buffer.count {
            let here = address &+ UInt64(done)
            guard let found = find(here, physical: physical) else { return false }
            let segment = self.segment(found, physical: physical)
            let within = here - segment.start
            let step = Int(min(UInt64(buffer.count - done), segment.end - here))
            if within < segment.fileSize {
                let fromFile = Int(min(UInt64(step), segment.fileSize - within))
                (base + done).copyMemory(from: file + Int(segment.fileOffset + within), byteCount: fromFile)
                if fromFile < step {
                    guard segment.declaredFileSize <= segment.fileSize else { return false }
                    ByteScanning.zeroFill(base + done + fromFile, byteCount: step - fromFile)
                }
            } else if within < segment.declaredFileSize {
                return false  // declared in the file, but the file ends before it
            } else {
                ByteScanning.zeroFill(base + done, byteCount: step)
            }
            done += step
        }
        return true
    }

    /// The program header index of a segment holding `address` (segments may overlap).
    private func find(_ address: UInt64, physical: Bool) -> UInt32? {
        let index = physical ? physicalIndex : virtualIndex
        return index.find(address) { Self.end(table, Int($0), physical: physical) }
    }

    func readPage(_ pfn: UInt64, into buffer: UnsafeMutableRawBufferPointer) throws {
        let (address, overflow) = pfn.multipliedReportingOverflow(by: UInt64(pageSize))
        guard !overflow, copy(address, into: buffer, physical: true) else {
            throw VmcoreError(
                path: bytes.path, offset: nil,
                field: "physical page 0x\(String(pfn &* UInt64(pageSize), radix: 16))",
                message: "no PT_LOAD segment holds it (or the file ends before it)")
        }
    }

    var pageFrameLimit: UInt64 {
        let end = physicalIndex.highestEnd
        return end / UInt64(pageSize) + (end % UInt64(pageSize) == 0 ? 0 : 1)
    }

    func hasPage(_ pfn: UInt64) -> Bool {
        let (address, overflow) = pfn.multipliedReportingOverflow(by: UInt64(pageSize))
        return !overflow && find(address, physical: true) != nil
    }

    /// A page past a segment's `p_filesz` (its `p_memsz` tail, or a file cut short) holds no data.
    func holdsPageData(_ pfn: UInt64) -> Bool {
        let (address, overflow) = pfn.multipliedReportingOverflow(by: UInt64(pageSize))
        guard !overflow, let found = find(address, physical: true) else { return false }
        let segment = self.segment(found, physical: true)
        return address - segment.start < segment.fileSize
    }

    /// A page that holds no data can be followed by stored ones only where another segment
    /// starts (a segment's stored bytes run from its start), so the search jumps from start to
    /// start: a few steps per segment however much memory the headers declare.
    func nextPageHoldingData(from pfn: UInt64, below limit: UInt64) -> UInt64? {
        let size = UInt64(pageSize)
        var candidate = pfn
        while candidate < limit {
            if holdsPageData(candidate) { return candidate }
            // Past this page's first byte: a segment starting inside the page holds data from the next one.
            let (address, overflow) = candidate.multipliedReportingOverflow(by: size)
            guard !overflow, let start = physicalIndex.firstStart(atOrAbove: address &+ 1) else { return nil }
            candidate = start / size + (start % size == 0 ? 0 : 1)
        }
        return nil
    }

    func readMappedVirtual(_ address: UInt64, into buffer: UnsafeMutableRawBufferPointer) -> Bool {
        guard !virtualIndex.isEmpty else { return false }
        return copy(address, into: buffer, physical: false)
    }
}
