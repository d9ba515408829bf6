import KtriageNative

/// An ELF program header table read in place from the mapped file.
///
/// libelf finds the table (`e_phoff`, and the count even with `PN_XNUM`); the entries are decoded
/// here on demand, field by field, from the table whose bounds were checked once: a dump with
/// 65,000 `PT_LOAD`s is never copied or converted whole.
///
/// Format notes: `Elf64_Phdr` is `p_type`, `p_flags`, `p_offset`, `p_vaddr`, `p_paddr`,
/// `p_filesz`, `p_memsz`, `p_align` (4, 4, then six 8-byte fields: 56 bytes); `Elf32_Phdr` is
/// `p_type`, `p_offset`, `p_vaddr`, `p_paddr`, `p_filesz`, `p_memsz`, `p_flags`, `p_align` (eight
/// 4-byte fields: 32 bytes). Entries are that far apart whatever `e_phentsize` says (as libelf).
struct ELFProgramHeaders {
    /// A program header field other than `p_type` and `p_flags`.
    enum Field {
        case offset, virtualAddress, physicalAddress, fileSize, memorySize, alignment
    }

    let count: Int
    let is64Bit: Bool
    private let table: UnsafeRawBufferPointer
    private let isLittleEndian: Bool
    private let entrySize: Int

    /// The table of `count` entries at `offset` in `bytes`, which must outlive it.
    /// - Throws: `VmcoreError` when the table runs past the end of the file.
    init(
        bytes: UnsafeRawBufferPointer, offset: UInt64, count: Int, is64Bit: Bool, isLittleEndian: Bool,
        path: String
    ) throws {
        entrySize = ELFImage.ProgramHeader.size(is64Bit: is64Bit)
        let (tableSize, overflow) = count.multipliedReportingOverflow(by: entrySize)
        guard count >= 0, !overflow, offset <= UInt64(bytes.count), UInt64(tableSize) <= UInt64(bytes.count) - offset
        else {
            throw VmcoreError(
                path: path, offset: offset, field: "ELF program headers",
                message: "\(count) entries of \(entrySize) bytes run past the end of the file (\(bytes.count) bytes)")
        }
        table = UnsafeRawBufferPointer(rebasing: bytes[Int(offset)..<(Int(offset) + tableSize)])
        self.count = count
        self.is64Bit = is64Bit
        self.isLittleEndian = isLittleEndian
    }

    /// `p_type` of entry `index`.
    func type(_ index: Int) -> UInt32 {
        let raw = table.loadUnaligned(fromByteOffset: start(index), as: UInt32.self)
        return isLittleEndian ? UInt32(littleEndian: raw) : UInt32(bigEndian: raw)
    }

    /// One field of entry `index` (a table of 65,000 entries is scanned field by field).
    func value(_ field: Field, of index: Int) -> UInt64 {
        let at = start(index)
        if is64Bit {
            let offset: Int
            switch field {
            case .offset: offset = 8
            case .virtualAddress: offset = 16
            case .physicalAddress: offset = 24
            case .fileSize: offset = 32
            case .memorySize: offset = 40
            case .alignment: offset = 48
            }
            let raw = table.loadUnaligned(fromByteOffset: at + offset, as: UInt64.self)
            return isLittleEndian ? UInt64(littleEndian: raw) : UInt64(bigEndian: raw)
        }
        let offset: Int
        switch field {
        case .offset: offset = 4
        case .virtualAddress: offset = 8
        case .physicalAddress: offset = 12
        case .fileSize: offset = 16
        case .memorySize: offset = 20
        case .alignment: offset = 28
        }
        let raw = table.loadUnaligned(fromByteOffset: at + offset, as: UInt32.self)
        return UInt64(isLittleEndian ? UInt32(littleEndian: raw) : UInt32(bigEndian: raw))
    }

    /// Entry `index`, whole.
    subscript(index: Int) -> ELFImage.ProgramHeader {
        ELFImage.ProgramHeader(
            type: type(index), offset: value(.offset, of: index), virtualAddress: value(.virtualAddress, of: index),
            physicalAddress: value(.physicalAddress, of: index), fileSize: value(.fileSize, of: index),
            memorySize: value(.memorySize, of: index), alignment: value(.alignment, of: index))
    }

    /// Byte offset of entry `index` in the table; the table was checked to hold `count` entries.
    private func start(_ index: Int) -> Int {
        precondition(index >= 0 && index < count, "program header \(index) of \(count)")
        return index * entrySize
    }
}
