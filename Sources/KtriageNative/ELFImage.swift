internal import CKtriageElf

private let libelfVersionSet: Bool = {
    elf_version(UInt32(EV_CURRENT)) != UInt32(EV_NONE)
}()

/// An ELF file held in memory, read through libelf.
///
/// The only place in ktriage that calls libelf. The bytes must outlive the image (they are
/// usually a `MappedFile`). Notes and symbols are returned as plain Swift values.
/// The corresponding libelf calls are `elf_memory`, `gelf_getehdr`, `elf_getphdrnum`,
/// `elf_getdata_rawchunk`, `gelf_getnote`, `elf_nextscn`, `gelf_getsym`. Program headers are
/// located here (`programHeaderCount`) but decoded by the caller straight from the bytes: a vmcore
/// can have 65,000+ of them, and one `gelf_getphdr` call each costs more than the rest of a
/// `vmcore dmesg`.
public final class ELFImage {
    /// ELF header fields that matter to ktriage.
    public struct Header: Sendable, Equatable {
        public var is64Bit: Bool
        public var isLittleEndian: Bool
        /// `e_type`: 4 is `ET_CORE`, 2 `ET_EXEC`, 1 `ET_REL`.
        public var type: UInt16
        /// `e_machine`: 62 is x86-64, 183 AArch64.
        public var machine: UInt16
        public var flags: UInt32
        public var programHeaderOffset: UInt64
    }

    /// One program header (`GElf_Phdr`).
    public struct ProgramHeader: Sendable, Equatable {
        public var type: UInt32
        public var offset: UInt64
        public var virtualAddress: UInt64
        public var physicalAddress: UInt64
        public var fileSize: UInt64
        public var memorySize: UInt64
        public var alignment: UInt64

        public static let load: UInt32 = 1
        public static let note: UInt32 = 4

        public init(
            type: UInt32, offset: UInt64, virtualAddress: UInt64, physicalAddress: UInt64, fileSize: UInt64,
            memorySize: UInt64, alignment: UInt64
        ) {
            self.type = type
            self.offset = offset
            self.virtualAddress = virtualAddress
            self.physicalAddress = physicalAddress
            self.fileSize = fileSize
            self.memorySize = memorySize
            self.alignment = alignment
        }

        /// Bytes per table entry: `sizeof(Elf64_Phdr)` or `sizeof(Elf32_Phdr)`.
        public static func size(is64Bit: Bool) -> Int {
            is64Bit ? MemoryLayout<Elf64_Phdr>.size : MemoryLayout<Elf32_Phdr>.size
        }
    }

    /// One ELF note.
    public struct Note: Sendable, Equatable {
        public var name: String
        public var type: UInt32
        /// Offset of the descriptor in the file.
        public var descriptorOffset: Int
        public var descriptorSize: Int
    }

    /// One symbol table entry.
    public struct Symbol: Sendable, Equatable {
        public var name: String
        public var value: UInt64
        public var size: UInt64
        /// `STT_*` (0 notype, 1 object, 2 func, 3 section, 4 file).
        public var type: UInt8
        /// `STB_*` (0 local, 1 global, 2 weak).
        public var binding: UInt8
        public var sectionIndex: UInt16
    }

    private let elf: OpaquePointer
    /// The libelf handle, for extensions in other files of this module.
    var elfHandle: OpaquePointer { elf }
    private let bytes: UnsafeRawBufferPointer
    /// The parsed ELF header.
    public let header: Header

    /// Opens an in-memory ELF image.
    /// - Throws: `ELFError` naming what libelf rejected.
    public init(bytes: UnsafeRawBufferPointer) throws(ELFError) {
        guard libelfVersionSet else { throw ELFError(field: "elf_version", message: "libelf refused") }
        guard bytes.count >= 16, let base = bytes.baseAddress else {
            throw ELFError(field: "e_ident", message: "file shorter than an ELF identification")
        }
        guard
            let handle = elf_memory(
                UnsafeMutablePointer(mutating: base.assumingMemoryBound(to: CChar.self)), bytes.count)
        else { throw ELFError.last(field: "elf_memory") }
        guard elf_kind(handle) == ELF_K_ELF else {
            elf_end(handle)
            throw ELFError(field: "e_ident", message: "not an ELF file")
        }
        var ehdr = GElf_Ehdr()
        guard gelf_getehdr(handle, &ehdr) != nil else {
            let error = ELFError.last(field: "ELF header")
            elf_end(handle)
            throw error
        }
        let ident = bytes
        header = Header(
            is64Bit: ident[4] == 2, isLittleEndian: ident[5] == 1, type: ehdr.e_type,
            machine: ehdr.e_machine, flags: ehdr.e_flags, programHeaderOffset: ehdr.e_phoff)
        elf = handle
        self.bytes = bytes
    }

    deinit { elf_end(elf) }

    /// The number of program headers, including the `PN_XNUM` case (real count in section 0's
    /// `sh_info`). The table starts at `header.programHeaderOffset`; its entries are
    /// `ProgramHeader.size(is64Bit:)` bytes apart whatever `e_phentsize` says, as libelf reads them.
    public func programHeaderCount() throws(ELFError) -> Int {
        var count = 0
        guard elf_getphdrnum(elf, &count) == 0 else { throw ELFError.last(field: "e_phnum") }
        return count
    }

    /// The notes in one `PT_NOTE` segment.
    ///
    /// Format note: kernel-written cores declare `p_align` 0 or 1 but are 4-aligned; only
    /// `p_align == 8` selects 8-byte note alignment (`ELF_T_NHDR8`).
    ///
    /// At most `limit` + 1 notes are returned: a caller that enforces `limit` sees it exceeded
    /// without first collecting every note of a huge segment (12 bytes each).
    public func notes(in segment: ProgramHeader, limit: Int = .max) throws(ELFError) -> [Note] {
        guard segment.offset <= UInt64(bytes.count), segment.fileSize <= UInt64(bytes.count) - segment.offset
        else {
            throw ELFError(
                field: "PT_NOTE at offset \(segment.offset)", message: "segment runs past the end of the file")
        }
        let noteType = segment.alignment == 8 ? ELF_T_NHDR8 : ELF_T_NHDR
        guard
            let data = elf_getdata_rawchunk(
                elf, Int64(segment.offset), Int(segment.fileSize), noteType)
        else { throw ELFError.last(field: "PT_NOTE at offset \(segment.offset)") }
        var notes: [Note] = []
        var offset = 0
        while offset < data.pointee.d_size, notes.count <= limit {
            var nhdr = GElf_Nhdr()
            var nameOffset = 0
            var descOffset = 0
            let next = gelf_getnote(data, offset, &nhdr, &nameOffset, &descOffset)
            if next == 0 { break }
            var name = ""
            if nhdr.n_namesz > 0, let buffer = data.pointee.d_buf {
                let raw = UnsafeRawBufferPointer(
                    start: buffer + nameOffset, count: Int(nhdr.n_namesz))
                name = String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            notes.append(
                Note(
                    name: name, type: nhdr.n_type, descriptorOffset: Int(segment.offset) + descOffset,
                    descriptorSize: Int(nhdr.n_descsz)))
            offset = next
        }
        return notes
    }

    /// All symbols from `.symtab` and `.dynsym`.
    public func symbols() throws(ELFError) -> [Symbol] {
        var result: [Symbol] = []
        var section: OpaquePointer? = elf_nextscn(elf, nil)
        while let scn = section {
            defer { section = elf_nextscn(elf, scn) }
            var shdr = GElf_Shdr()
            guard gelf_getshdr(scn, &shdr) != nil else { continue }
            guard shdr.sh_type == UInt32(SHT_SYMTAB) || shdr.sh_type == UInt32(SHT_DYNSYM) else { continue }
            guard let data = elf_getdata(scn, nil) else { continue }
            // Counted from the bytes libelf read and a symbol's size in this file's class, not
            // from `sh_entsize`: a damaged header saying 1 made every byte a "symbol" (a
            // reservation of gigabytes, and past 2^31 an index `Int32` cannot hold).
            let symbolBytes = gelf_fsize(elf, ELF_T_SYM, 1, UInt32(EV_CURRENT))
            guard symbolBytes > 0 else { continue }
            let count = min(Int(data.pointee.d_size) / Int(symbolBytes), Int(Int32.max))
            result.reserveCapacity(result.count + count)
            for index in 0..<count {
                var sym = GElf_Sym()
                guard gelf_getsym(data, Int32(index), &sym) != nil else { continue }
                guard let cName = elf_strptr(elf, Int(shdr.sh_link), Int(sym.st_name)) else { continue }
                result.append(
                    Symbol(
                        name: String(cString: cName), value: sym.st_value, size: sym.st_size,
                        type: sym.st_info & 0xf, binding: sym.st_info >> 4, sectionIndex: sym.st_shndx))
            }
        }
        return result
    }
}

/// A libelf failure or an ELF structure ktriage cannot use.
public struct ELFError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The ELF field or structure being read.
    public var field: String
    public var message: String

    public init(field: String, message: String) {
        self.field = field
        self.message = message
    }

    static func last(field: String) -> ELFError {
        let code = elf_errno()
        let message = elf_errmsg(code).map { String(cString: $0) } ?? "libelf error \(code)"
        return ELFError(field: field, message: message)
    }

    public var description: String { "\(field): \(message)" }
}
