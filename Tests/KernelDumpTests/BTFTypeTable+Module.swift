/// `struct module` as the module tests' BTF lays it out (bytes), shared by `ModuleKernel` and the
/// fuzz seeds' `SeedKernel`.
enum ModuleBTFLayout {
    static let state: UInt64 = 0, list: UInt64 = 8, name: UInt64 = 24, memory: UInt64 = 80
    static let arch: UInt64 = 248, taints: UInt64 = 272, kallsyms: UInt64 = 280, size: UInt64 = 288
    /// `struct module_memory` (padded as `mtn` would pad it) and `struct module_layout`.
    static let memoryEntry: UInt64 = 24
}

extension BTFTypeTable {
    /// Adds `struct module` and the types it names: memory laid out the 6.4+ way
    /// (`mem[MOD_MEM_NUM_TYPES]`) when `memoryTypes`, else the 4.5–6.3 way (`core_layout`).
    /// The basic types are the caller's (their ids).
    mutating func addModule(
        memoryTypes: Bool, int: UInt32, unsigned: UInt32, long: UInt32, char: UInt32, void: UInt32, list: UInt32
    ) {
        typealias Layout = ModuleBTFLayout
        let state = enumeration(
            "module_state",
            [
                ("MODULE_STATE_LIVE", 0), ("MODULE_STATE_COMING", 1), ("MODULE_STATE_GOING", 2),
                ("MODULE_STATE_UNFORMED", 3),
            ])
        let name = array(of: char, count: 56, index: int)
        let memory: Member
        if memoryTypes {
            _ = enumeration(
                "mod_mem_type",
                [
                    ("MOD_TEXT", 0), ("MOD_DATA", 1), ("MOD_RODATA", 2), ("MOD_RO_AFTER_INIT", 3), ("MOD_INIT_TEXT", 4),
                    ("MOD_INIT_DATA", 5), ("MOD_INIT_RODATA", 6), ("MOD_MEM_NUM_TYPES", 7), ("MOD_INVALID", -1),
                ])
            let entry = structure(
                "module_memory", size: UInt32(Layout.memoryEntry), [("base", void, 0, 0), ("size", unsigned, 64, 0)])
            memory = ("mem", array(of: entry, count: 7, index: int), UInt32(Layout.memory * 8), 0)
        } else {
            let layout = structure(
                "module_layout", size: 24,
                [("base", void, 0, 0), ("size", unsigned, 64, 0), ("text_size", unsigned, 96, 0)])
            memory = ("core_layout", layout, UInt32(Layout.memory * 8), 0)
        }
        let intPointer = pointer(to: int)
        let arch = structure(
            "mod_arch_specific", size: 24,
            [("num_orcs", unsigned, 0, 0), ("orc_unwind_ip", intPointer, 64, 0), ("orc_unwind", void, 128, 0)])
        let kallsyms = structure(
            "mod_kallsyms", size: 24,
            [("symtab", void, 0, 0), ("num_symtab", unsigned, 64, 0), ("strtab", void, 128, 0)])
        let kallsymsPointer = pointer(to: kallsyms)
        _ = structure(
            "module", size: UInt32(Layout.size),
            [
                ("state", state, UInt32(Layout.state * 8), 0), ("list", list, UInt32(Layout.list * 8), 0),
                ("name", name, UInt32(Layout.name * 8), 0), memory, ("arch", arch, UInt32(Layout.arch * 8), 0),
                ("taints", long, UInt32(Layout.taints * 8), 0),
                ("kallsyms", kallsymsPointer, UInt32(Layout.kallsyms * 8), 0),
            ])
    }
}
