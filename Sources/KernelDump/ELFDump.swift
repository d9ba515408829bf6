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
    /// `PT_LOAD`s by physical address, sorted, with the running maximum end for overlap search;
    /// built on first physical access (dumps with kernel `p_vaddr`s may never need it).
    private var unsortedPhysical: [Segment]
    private lazy var physicalIndex: (segments: [Segment], maxEnd: [UInt64]) = {
        var segments = unsortedPhysical
        unsortedPhysical = []
        if !Self.isSorted(segments) { segments.sort { $0.start < $1.start } }
        return (segments, Self.runningMax(segments))
    }()
    /// `PT_LOAD`s with a kernel virtual address distinct from the physical one, sorted.
    private let virtual: [Segment]
    private let virtualMaxEnd: [UInt64]
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
        let headers: [ELFImage.ProgramHeader]
        do {
            headers = try image.programHeaders()
        } catch {
            throw VmcoreError(
                path: path, offset: image.header.programHeaderOffset,
                field: "ELF program headers (\(error.field))",
                message: error.message)
        }
        var physical: [Segment] = []  // in file order; indexed lazily
        var virtual: [Segment] = []
        physical.reserveCapacity(headers.count)
        virtual.reserveCapacity(headers.count)
        var notes: [ELFImage.ProgramHeader] = []
        var missing: UInt64 = 0
        let fileSize = UInt64(bytes.file.bytes.count)
        for header in headers {
            if header.type == ELFImage.ProgramHeader.note {
                notes.append(header)
                continue
            }
            guard header.type == ELFImage.ProgramHeader.load else { continue }
            let (fileEnd, overflow) = header.offset.addingReportingOverflow(header.fileSize)
            var fileSizeHere = header.fileSize
            if overflow || fileEnd > fileSize {
                let present = header.offset < fileSize ? fileSize - header.offset : 0
                missing &+= header.fileSize - min(header.fileSize, present)
                fileSizeHere = present
            }
            let memorySize = max(header.memorySize, header.fileSize)
            physical.append(
                Segment(
                    start: header.physicalAddress, fileOffset: header.offset, fileSize: fileSizeHere,
                    memorySize: memorySize,
                    declaredFileSize: header.fileSize))
            let kernelVirtual =
                image.header.is64Bit
                ? header.virtualAddress >= Self.kernelHalf : header.virtualAddress >= 0x8000_0000
            if kernelVirtual, header.virtualAddress != header.physicalAddress {
                virtual.append(
                    Segment(
                        start: header.virtualAddress, fileOffset: header.offset, fileSize: fileSizeHere,
                        memorySize: memorySize, declaredFileSize: header.fileSize))
            }
        }
        loadCount = physical.count
        // QEMU and the kernel write PT_LOADs in address order: sort only when needed (and the
        // physical index only when first used).
        if !Self.isSorted(virtual) { virtual.sort { $0.start < $1.start } }
        unsortedPhysical = physical
        self.virtual = virtual
        virtualMaxEnd = Self.runningMax(virtual)
        noteSegments = notes
        missingBytes = missing
    }

    private static func isSorted(_ segments: [Segment]) -> Bool {
        var previous: UInt64 = 0
        for segment in segments {
            if segment.start < previous { return false }
            previous = segment.start
        }
        return true
    }

    private static func runningMax(_ segments: [Segment]) -> [UInt64] {
        var result: [UInt64] = []
        result.reserveCapacity(segments.count)
        var high: UInt64 = 0
        for segment in segments {
            high = max(high, segment.end)
            result.append(high)
        }
        return result
    }

    /// Whether the `PT_LOAD`s carry kernel virtual addresses.
    var hasVirtualAddresses: Bool { !virtual.isEmpty }

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

    /// Finds a segment containing `address` (segments may overlap).
    private static func find(_ address: UInt64, in segments: [Segment], maxEnd: [UInt64]) -> Segment? {
        var low = 0
        var high = segments.count
        while low < high {
            let mid = (low + high) / 2
            if segments[mid].start <= address { low = mid + 1 } else { high = mid }
        }
        var index = low - 1
        while index >= 0, maxEnd[index] > address {
            if segments[index].end > address { return segments[index] }
            index -= 1
        }
        return nil
    }

    /// Copies from segments; bytes past `p_filesz` (within `p_memsz`) read as zero.
    private func copy(
        _ address: UInt64, into buffer: UnsafeMutableRawBufferPointer, segments: [Segment], maxEnd: [UInt64]
    ) -> Bool {
        guard let base = buffer.baseAddress, let file = bytes.file.bytes.baseAddress else {
            return buffer.isEmpty
        }
        var done = 0
        while done < buffer.count {
            let here = address &+ UInt64(done)
            guard let segment = Self.find(here, in: segments, maxEnd: maxEnd) else { return false }
            let within = here - segment.start
            let step = Int(min(UInt64(buffer.count - done), segment.end - here))
            if within < segment.fileSize {
                let fromFile = Int(min(UInt64(step), segment.fileSize - within))
                (base + done).copyMemory(from: file + Int(segment.fileOffset + within), byteCount: fromFile)
                if fromFile < step {
                    guard segment.declaredFileSize <= segment.fileSize else { return false }
                    (base + done + fromFile).initializeMemory(
                        as: UInt8.self, repeating: 0, count: step - fromFile)
                }
            } else if within < segment.declaredFileSize {
                return false  // declared in the file, but the file ends before it
            } else {
                (base + done).initializeMemory(as: UInt8.self, repeating: 0, count: step)
            }
            done += step
        }
        return true
    }

    func readPage(_ pfn: UInt64, into buffer: UnsafeMutableRawBufferPointer) throws {
        let (address, overflow) = pfn.multipliedReportingOverflow(by: UInt64(pageSize))
        let index = physicalIndex
        guard !overflow, copy(address, into: buffer, segments: index.segments, maxEnd: index.maxEnd) else {
            throw VmcoreError(
                path: bytes.path, offset: nil,
                field: "physical page 0x\(String(pfn &* UInt64(pageSize), radix: 16))",
                message: "no PT_LOAD segment holds it (or the file ends before it)")
        }
    }

    var pageFrameLimit: UInt64 {
        let end = physicalIndex.maxEnd.last ?? 0
        return end / UInt64(pageSize) + (end % UInt64(pageSize) == 0 ? 0 : 1)
    }

    func hasPage(_ pfn: UInt64) -> Bool {
        let (address, overflow) = pfn.multipliedReportingOverflow(by: UInt64(pageSize))
        let index = physicalIndex
        return !overflow && Self.find(address, in: index.segments, maxEnd: index.maxEnd) != nil
    }

    func readMappedVirtual(_ address: UInt64, into buffer: UnsafeMutableRawBufferPointer) -> Bool {
        guard !virtual.isEmpty else { return false }
        return copy(address, into: buffer, segments: virtual, maxEnd: virtualMaxEnd)
    }
}
