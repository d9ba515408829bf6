import KtriageTestSupport
import Testing

@testable import KernelDump

/// A pretend kernel with two loaded modules, `struct module` laid out by BTF in either the 6.4+
/// way (`mem[MOD_MEM_NUM_TYPES]`, one allocation per memory type) or the 4.5–6.3 way
/// (`core_layout`): `alpha` (out-of-tree, unsigned) and `beta`, whose own kallsyms and ORC
/// table are read too.
struct ModuleKernel {
    /// `struct module` as this BTF lays it out (bytes).
    typealias Offset = ModuleBTFLayout

    let kernel = SyntheticKernel(megabytes: 4, osRelease: "6.8.0-modules")
    var symbols: [String: UInt64] = [:]
    /// Start of each module's core text.
    var text: [UInt64] = []
    let memoryTypes: Bool

    static func btf(memoryTypes: Bool) -> [UInt8] {
        var table = BTFTypeTable()
        let int = table.integer("int", bytes: 4, signed: true)
        let unsigned = table.integer("unsigned int", bytes: 4)
        let long = table.integer("long unsigned int", bytes: 8)
        let char = table.integer("char", bytes: 1)
        let void = table.pointer(to: 0)
        let listPointer = table.pointer(to: table.nextID + 1)
        let list = table.structure("list_head", size: 16, [("next", listPointer, 0, 0), ("prev", listPointer, 64, 0)])
        table.addModule(
            memoryTypes: memoryTypes, int: int, unsigned: unsigned, long: long, char: char, void: void, list: list)
        return table.blob()
    }

    /// Per module: name, taint bits, and its memory types' sizes (text, data, rodata,
    /// ro_after_init, init text).
    static let modules: [(name: String, taints: UInt64, sizes: [UInt64])] = [
        ("alpha", 1 << 12 | 1 << 13, [0x1000, 0x800, 0x400, 0x100, 0]),
        ("beta", 0, [0x1000, 0x200, 0, 0, 0]),
    ]

    init(memoryTypes: Bool) {
        self.memoryTypes = memoryTypes
        let blob = Self.btf(memoryTypes: memoryTypes)
        let btfAt = kernel.allocate(bytes: blob.count)
        kernel.write(blob, at: btfAt)
        let head = kernel.allocate(bytes: 16)
        let structs = Self.modules.map { _ in kernel.allocate(bytes: Int(Offset.size)) }
        // 6.4+: beta's text starts where alpha's ends (separate allocations per type), so alpha's
        // core size would reach into it; before, each module's core is one block.
        let textArea = kernel.imageAddress(kernel.allocate(bytes: 0x4000))
        text = memoryTypes ? [textArea, textArea + 0x1000] : [textArea, textArea + 0x2000]
        let chain = [head] + structs.map { $0 + Offset.list }
        for (index, link) in chain.enumerated() {
            kernel.writePointer(kernel.imageAddress(chain[(index + 1) % chain.count]), at: link)
        }
        for (index, module) in Self.modules.enumerated() {
            let at = structs[index]
            kernel.write(Array(module.name.utf8), at: at + Offset.name)
            kernel.write(module.taints, at: at + Offset.taints)
            if memoryTypes {
                for (type, size) in module.sizes.enumerated() {
                    let entry = at + Offset.memory + UInt64(type) * Offset.memoryEntry
                    let base = type == 0 ? text[index] : 0xffff_ffff_c100_0000 + UInt64(index * 0x10000 + type * 0x1000)
                    kernel.write(size == 0 ? 0 : base, at: entry)
                    kernel.write(UInt32(size), at: entry + 8)
                }
            } else {
                kernel.write(text[index], at: at + Offset.memory)
                kernel.write(UInt32(module.sizes.reduce(0, +)), at: at + Offset.memory + 8)
                kernel.write(UInt32(module.sizes[0]), at: at + Offset.memory + 12)
            }
        }
        writeBetaSymbols(at: structs[1])
        let kernelText = kernel.imageAddress(kernel.allocate(bytes: 4096))
        symbols = kernel.writeORCTables(
            [SyntheticORCEntry(address: kernelText, kind: .endOfStack, spRegister: 0, spOffset: 0)], layout: .since6_3)
        symbols["__start_BTF"] = kernel.imageAddress(btfAt)
        symbols["__stop_BTF"] = kernel.imageAddress(btfAt) + UInt64(blob.count)
        symbols["modules"] = kernel.imageAddress(head)
    }

    /// beta's `mod_kallsyms` (a function `beta_fn` at text + 0x10, 0x40 bytes, and a data
    /// object) and its ORC table (`module.arch`).
    private func writeBetaSymbols(at module: UInt64) {
        let strings = Array("\0beta_fn\0beta_data\0".utf8)
        let strtab = kernel.allocate(bytes: strings.count)
        kernel.write(strings, at: strtab)
        let symtab = kernel.allocate(bytes: 48)
        for (index, symbol) in [(UInt32(1), UInt8(2), text[1] + 0x10), (UInt32(9), UInt8(1), text[1] + 0x800)]
            .enumerated()
        {
            let at = symtab + UInt64(index * 24)
            kernel.write(symbol.0, at: at)
            kernel.write(symbol.1, at: at + 4)
            kernel.write(symbol.2, at: at + 8)
            kernel.write(UInt64(0x40), at: at + 16)
        }
        let table = kernel.allocate(bytes: 24)
        kernel.write(kernel.imageAddress(symtab), at: table)
        kernel.write(UInt32(2), at: table + 8)
        kernel.write(kernel.imageAddress(strtab), at: table + 16)
        kernel.write(kernel.imageAddress(table), at: module + Offset.kallsyms)
        let orc = kernel.writeORCTables(
            [
                SyntheticORCEntry(address: text[1] + 0x10, kind: .call),
                SyntheticORCEntry(address: text[1] + 0x50, kind: .undefined, spRegister: 0, spOffset: 0),
            ], layout: .since6_3)
        kernel.write(UInt32(2), at: module + Offset.arch)
        kernel.write(orc["__start_orc_unwind_ip"] ?? 0, at: module + Offset.arch + 8)
        kernel.write(orc["__start_orc_unwind"] ?? 0, at: module + Offset.arch + 16)
    }

    func read() throws -> (facts: DumpFacts, reader: KernelObjectReader) {
        let dump = try TestPaths.open(ELFCoreWriter().write(kernel), name: "modules.elf")
        let (facts, reader) = DumpFactsReader.readWithReader(dump, systemMap: symbols)
        return (facts, try #require(reader))
    }
}

@Suite("Module list: 6.4+ mem[] and 4.5–6.3 core_layout")
struct ModuleLayoutTests {
    @Test(
        "names, bases, core sizes, text sizes, taint and state, by the layout BTF describes", arguments: [true, false])
    func list(_ memoryTypes: Bool) throws {
        let setup = ModuleKernel(memoryTypes: memoryTypes)
        let facts = try setup.read().facts
        #expect(facts.partial == false, "\(facts.problems)")
        let modules = try #require(facts.modules)
        #expect(modules.map(\.name) == ["alpha", "beta"])
        #expect(modules.map(\.base) == setup.text)
        // The core types before MOD_INIT_TEXT (6.4+) or core_layout.size: the same sums here.
        #expect(modules.map(\.size) == [0x1d00, 0x1200])
        #expect(modules.map(\.textSize) == [0x1000, 0x1000])
        #expect(modules.map(\.taint) == ["OE", ""])
        #expect(modules.map(\.state) == ["live", "live"])
    }

    @Test("6.4+: a frame in beta's text is beta's, though alpha's core size reaches past it; named by beta's kallsyms")
    func frameNames() throws {
        let setup = ModuleKernel(memoryTypes: true)
        let (facts, reader) = try setup.read()
        let namer = FrameNamer(reader: reader, modules: facts.modules ?? [], symbolize: { _ in nil })
        let found = namer.symbol(setup.text[1] + 0x20)
        #expect(found.module == "beta")
        #expect(found.symbol?.name == "beta_fn")
        #expect(found.symbol?.offset == 0x10)
        #expect(namer.symbol(setup.text[0] + 0x20).module == "alpha")
        #expect(namer.symbol(setup.text[1] + 0x1800).module == nil)
    }

    @Test("6.4+: the module's own ORC table (module.arch) answers for its text")
    func moduleORC() throws {
        let setup = ModuleKernel(memoryTypes: true)
        let (facts, reader) = try setup.read()
        let unwinder = try ORCUnwinder(
            reader: reader, kernelSymbols: reader.symbols, modules: facts.modules ?? [], layout: .orcTypes,
            symbolize: { _ in nil })
        #expect(unwinder.tables.map(\.module) == [nil, "beta"])
        let (entry, table) = try #require(unwinder.entry(for: setup.text[1] + 0x20))
        #expect(table.module == "beta")
        #expect(entry.kind == .call)
        #expect(unwinder.entry(for: setup.text[1] + 0x50)?.0.kind == .undefined)
    }
}
