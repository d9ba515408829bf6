import KtriageBytes

/// A loaded module's own symbol table, read from `module.kallsyms` (`struct mod_kallsyms`:
/// `symtab`, `num_symtab`, `strtab`; 4.5+) — module frames named without the `.ko` file.
/// Entries are ELF64 `Elf64_Sym` (24 bytes: `st_name` u32, `st_info` u8, `st_other` u8,
/// `st_shndx` u16, `st_value` u64, `st_size` u64); only functions (`STT_FUNC`) are used.
struct ModuleKallsyms {
    static let maxSymbols = 1_000_000
    static let symbolSize = 24
    static let functionType: UInt8 = 2
    static let maxNameBytes = 512

    /// Function symbols by start address.
    let functions: [(address: UInt64, size: UInt64, name: UInt32)]
    let strtab: UInt64
    let reader: KernelObjectReader

    /// The table would take more than the symbols left to read (`budget`).
    struct OverBudget: Error {}

    /// Reads the table of the module at `module`, taking its symbol count from `budget` (the
    /// symbols all modules' tables may still hold together); `OverBudget` leaves `budget` as it was.
    init(module: UInt64, reader: KernelObjectReader, budget: inout Int) throws {
        self.reader = reader
        let table = try reader.unsigned(module, "module", "kallsyms")
        // Clamped: the dump's BTF decides the member's width, and 8 bytes may exceed Int.max.
        let count = Int(clamping: try reader.unsigned(table, "mod_kallsyms", "num_symtab"))
        guard count > 0, count <= Self.maxSymbols else {
            throw BTFError(offset: nil, field: "mod_kallsyms.num_symtab", message: "\(count) is out of range")
        }
        guard count <= budget else { throw OverBudget() }
        budget -= count
        let symtab = try reader.unsigned(table, "mod_kallsyms", "symtab")
        strtab = try reader.unsigned(table, "mod_kallsyms", "strtab")
        let raw = try reader.memory.read(symtab, count: count * Self.symbolSize, what: "mod_kallsyms.symtab")
        var functions: [(address: UInt64, size: UInt64, name: UInt32)] = []
        for index in 0..<count {
            let base = index * Self.symbolSize
            guard raw[base + 4] & 0xf == Self.functionType else { continue }
            functions.append(
                (
                    KernelMemory.decode(raw[(base + 8)..<(base + 16)]),
                    KernelMemory.decode(raw[(base + 16)..<(base + 24)]),
                    UInt32(KernelMemory.decode(raw[base..<(base + 4)]))
                ))
        }
        self.functions = functions.sorted { $0.address < $1.address }
    }

    /// The function holding `address` and the offset into it: the last one starting at or below
    /// it, found by a binary search (the stack scan asks for every word of every stack, and a
    /// module may list up to `maxSymbols`).
    func symbol(containing address: UInt64) -> (name: String, offset: UInt64)? {
        let low = SortedSearch.partitionPoint(in: functions.indices) { functions[$0].address <= address }
        guard low > 0 else { return nil }
        let found = functions[low - 1]
        guard address - found.address < max(found.size, 1) else { return nil }
        guard
            let name = try? reader.string(
                strtab &+ UInt64(found.name), limit: Self.maxNameBytes, what: "mod_kallsyms.strtab")
        else { return nil }
        return (name, address - found.address)
    }
}
