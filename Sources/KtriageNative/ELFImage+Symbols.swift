internal import CKtriageElf

extension ELFImage {
    /// One section header (`GElf_Shdr`) with its name, for classifying symbols (text, data,
    /// bss, read-only) the way `nm` does and for laying out a `.ko` at its load address.
    public struct Section: Sendable, Equatable {
        /// Index in the section header table (what `Symbol.sectionIndex` refers to).
        public var index: Int
        public var name: String
        /// `sh_type`: 1 `SHT_PROGBITS`, 8 `SHT_NOBITS`, 2 `SHT_SYMTAB` …
        public var type: UInt32
        /// `sh_flags`: bit 0x1 write, 0x2 alloc, 0x4 exec.
        public var flags: UInt64
        public var address: UInt64
        public var offset: UInt64
        public var size: UInt64
        public var alignment: UInt64

        public static let flagWrite: UInt64 = 0x1
        public static let flagAlloc: UInt64 = 0x2
        public static let flagExec: UInt64 = 0x4
        public static let typeNoBits: UInt32 = 8
    }

    /// All section headers, in index order (index 0, the null section, included).
    ///
    /// The corresponding libelf calls are `elf_getshdrstrndx`, `elf_nextscn`, `gelf_getshdr`,
    /// `elf_strptr`.
    public func sections() throws(ELFError) -> [Section] {
        var stringIndex = 0
        guard elf_getshdrstrndx(elfHandle, &stringIndex) == 0 else {
            throw ELFError.last(field: "e_shstrndx")
        }
        var result: [Section] = [
            Section(index: 0, name: "", type: 0, flags: 0, address: 0, offset: 0, size: 0, alignment: 0)
        ]
        var section: OpaquePointer? = elf_nextscn(elfHandle, nil)
        while let scn = section {
            defer { section = elf_nextscn(elfHandle, scn) }
            var shdr = GElf_Shdr()
            guard gelf_getshdr(scn, &shdr) != nil else {
                throw ELFError.last(field: "section header \(elf_ndxscn(scn))")
            }
            let name = elf_strptr(elfHandle, stringIndex, Int(shdr.sh_name)).map { String(cString: $0) } ?? ""
            result.append(
                Section(
                    index: Int(elf_ndxscn(scn)), name: name, type: shdr.sh_type, flags: shdr.sh_flags,
                    address: shdr.sh_addr, offset: shdr.sh_offset, size: shdr.sh_size,
                    alignment: shdr.sh_addralign))
        }
        return result
    }
}
