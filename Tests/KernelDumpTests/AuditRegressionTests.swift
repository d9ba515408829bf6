import KtriageTestSupport
import Testing

@testable import KernelDump

/// Inputs made by reading the code (a code audit for traps, hangs and unbounded memory in the
/// dump readers), kept so the fix stays fixed. Each was checked to trap or hang without its fix.
@Suite("Audit regressions in the dump readers")
struct AuditRegressionTests {
    /// The facts of `vmcore/regressions/<name>`, after checking that one of their problems
    /// holds `problem`.
    static func regressionFacts(_ name: String, problem: String) throws -> (dump: Vmcore, facts: DumpFacts) {
        let dump = try Vmcore(path: Fixtures.path("vmcore/regressions/" + name))
        let facts = dump.facts()
        #expect(facts.problems.contains { $0.contains(problem) }, "\(facts.problems)")
        return (dump, facts)
    }

    /// The x86-6.8 ELF seed with `task_struct.comm` as `char[0xffffffff][0xffffffff]` (its
    /// element type pointed at the module name's array, both counts 0xffffffff). `BTF.size`
    /// multiplied the counts into 2^64 bytes, which trapped while the task list was read.
    @Test("a BTF array of 2^64 bytes: the task list is refused with the type named, no trap")
    func btfArraySizeOverflow() throws {
        let (dump, facts) = try Self.regressionFacts(
            "elf-btf-array-size-overflow.bin",
            problem: "array of 4294967295 elements of 4294967295 bytes exceeds 1099511627776 bytes")
        #expect(facts.tasks?.isEmpty ?? true)
        _ = dump.backtraces()
    }

    /// The x86-6.8 ELF seed whose BTF says `MOD_INIT_TEXT = 0x7fffffff` and gives `module.mem`
    /// as many entries: the core size summed one `module_memory.size` read per type below
    /// `MOD_INIT_TEXT`, so each module was read until memory ran out (here 2 MiB, 43,000 reads;
    /// on a dump of gigabytes with thousands of modules, billions). Not a trap: a bound.
    @Test("MOD_INIT_TEXT beyond any kernel's memory types: the module list stops with the enum named")
    func moduleMemoryTypes() throws {
        let (_, facts) = try Self.regressionFacts(
            "elf-module-memory-types.bin",
            problem: "enum mod_mem_type: MOD_INIT_TEXT = 2147483647 is more than 64 memory types")
        #expect(facts.modules?.isEmpty ?? true)
        // The tasks do not depend on the modules.
        #expect(facts.tasks?.count == 5)
    }

    /// The x86-6.8 ELF seed with `jiffies_64` zeroed (as a damaged or zeroed page reads): below
    /// `INITIAL_JIFFIES`, the uptime wrapped to 7 × 10^16 s, and `vmcore info` trapped printing
    /// it (`Int(seconds × 1000)` past Int.max).
    @Test("jiffies_64 below INITIAL_JIFFIES: no uptime, a stated reason (printing the wrapped one trapped)")
    func jiffiesBelowInitial() throws {
        let dump = try Vmcore(path: Fixtures.path("vmcore/regressions/elf-jiffies-below-initial.bin"))
        let facts = dump.facts()
        #expect(facts.hz == 250)
        #expect(facts.uptimeSeconds == nil)
        #expect(
            facts.problems.contains { $0 == "uptime: BTF: jiffies_64: 0 is below INITIAL_JIFFIES 4294892296 (HZ 250)" },
            "\(facts.problems)")
        #expect(facts.loadAverage == [1.5, 0.75, 0.25])
    }

    @Test("BTF sizes: nested arrays that overflow Int or pass the limit throw, real sizes are kept")
    func btfArraySizes() throws {
        var builder = BTFBlobBuilder()
        builder.type("char", .int, sizeOrType: 1)  // 1
        builder.words(8)
        builder.type("", .array, sizeOrType: 0)  // 2: char[0xffffffff]
        builder.words(1, 1, 0xffff_ffff)
        builder.type("", .array, sizeOrType: 0)  // 3: char[0xffffffff][0xffffffff]
        builder.words(2, 1, 0xffff_ffff)
        builder.type("", .array, sizeOrType: 0)  // 4: char[16]
        builder.words(1, 1, 16)
        builder.type("big", .structure, sizeOrType: 0xffff_ffff)  // 5
        builder.type("", .array, sizeOrType: 0)  // 6: struct big[256], 2^40 - 256 bytes
        builder.words(5, 1, 256)
        builder.type("", .array, sizeOrType: 0)  // 7: struct big[257], past 2^40
        builder.words(5, 1, 257)
        let btf = try BTF(blob: builder.blob())
        #expect(try btf.size(of: 2) == 0xffff_ffff)
        #expect(try btf.size(of: 4) == 16)
        #expect(try btf.size(of: 6) == 256 * 0xffff_ffff)
        #expect(throws: BTFError.self) { try btf.size(of: 3) }
        #expect(throws: BTFError.self) { try btf.size(of: 7) }
    }
}

@Suite("Audit regressions in the task walk")
struct AuditTaskWalkTests {
    /// `TaskKernel` whose process list runs down a chain of `links` words, each pointing at the
    /// next (the last back at `init_task.tasks`): every word is a process, and each process's
    /// `thread_group` head is a word further down the same chain, so every thread walk runs the
    /// whole chain. Each walk stopped only at `maxTasks` nodes, so the walks together took
    /// links² steps (4 × 10^8 here: `vmcore ps` was still walking after 3 minutes in a debug
    /// build; 2 s with the shared budget).
    @Test("thread lists that all run down one long chain share one budget: the walk ends, marked partial")
    func threadWalksShareOneBudget() throws {
        let setup = TaskKernel()
        let kernel = setup.kernel
        let links = 20_000
        let chain = kernel.allocate(bytes: links * 8)
        let head = setup.tasks[0] + TaskKernel.Offset.tasks
        for index in 0..<links {
            let next = index + 1 < links ? chain + UInt64(index + 1) * 8 : head
            kernel.writePointer(kernel.imageAddress(next), at: chain + UInt64(index) * 8)
        }
        kernel.writePointer(kernel.imageAddress(chain), at: head)
        let started = ContinuousClock.now
        let facts = try setup.facts()
        #expect(ContinuousClock.now - started < .seconds(60))
        #expect(facts.partial)
        #expect(
            facts.problems.contains { $0.contains("\(TaskListReader.maxTasks) thread-list nodes") },
            "\(facts.problems.filter { $0.hasPrefix("tasks:") }.prefix(3))")
        // The processes are all there; the threads found before the budget ran out too.
        #expect((facts.tasks?.count ?? 0) > links)
    }
}

extension AuditTaskWalkTests {
    /// A BTF whose `comm` is a `char[64M]` (damaged, or hostile): every task of the list read
    /// 64 MB for its name. A `char[]` is read up to `KernelObjectReader.maxCharArrayBytes`.
    @Test("a char[] member larger than any kernel string is read up to 256 bytes")
    func charArrayBounded() throws {
        let setup = TaskKernel(commLength: 64 << 20)
        let name = setup.kernel.allocate(bytes: 400)
        setup.kernel.write([UInt8](repeating: UInt8(ascii: "A"), count: 300), at: name)
        let dump = try TestPaths.open(ELFCoreWriter().write(setup.kernel), name: "comm.elf")
        let reader = KernelObjectReader(
            memory: dump.memory, btf: try BTF(blob: TaskKernel.btf(commLength: 64 << 20)), symbols: setup.symbols)
        let comm = try reader.charArray(
            setup.kernel.imageAddress(name) - TaskKernel.Offset.comm, "task_struct", "comm")
        #expect(comm == String(repeating: "A", count: KernelObjectReader.maxCharArrayBytes))
        // The tasks' own names, NUL-terminated, read as before.
        #expect(try setup.facts().tasks?.map(\.comm) == ["swapper/0", "init", "kworker/0:1"])
    }
}

@Suite("Audit regressions in the unwinders")
struct AuditUnwinderTests {
    /// Each module's ORC table was bounded alone (4 M entries, 40 MB read and kept), but not the
    /// module tables together: a damaged list of thousands of modules whose `module.arch` all
    /// point at the same readable memory (a kdump's shared pages make that cheap) would read and
    /// keep one such table per module. The tables now share one budget.
    @Test("module ORC tables share one budget: a table past it is left out, with a stated reason")
    func moduleTablesShareOneBudget() throws {
        let setup = ModuleKernel(memoryTypes: true)
        let (facts, reader) = try setup.read()
        func unwinder(budget: Int) throws -> ORCUnwinder {
            try ORCUnwinder(
                reader: reader, kernelSymbols: reader.symbols, modules: facts.modules ?? [], layout: .orcTypes,
                moduleEntryBudget: budget, symbolize: { _ in nil })
        }
        let whole = try unwinder(budget: ORCTable.maxEntries)
        #expect(whole.tables.map(\.module) == [nil, "beta"])
        #expect(whole.problems.isEmpty)
        let betaEntries = try #require(whole.tables.last?.addresses.count)
        let exact = try unwinder(budget: betaEntries)
        #expect(exact.tables.map(\.module) == [nil, "beta"])
        let short = try unwinder(budget: betaEntries - 1)
        #expect(short.tables.map(\.module) == [nil])
        #expect(
            short.problems == [
                "ORC tables of 1 modules not read (beta): module tables are read up to \(betaEntries - 1) entries together; their frames are guessed from BP"
            ])
    }
}

@Suite("Audit regressions in the dump's kallsyms")
struct AuditKallsymsTests {
    /// A kernel whose kallsyms has one text symbol and then 20,000 data symbols (a kernel's .data
    /// and .bss hold tens of thousands). `textSymbol(containing:)` found the text symbol below an
    /// address by stepping back over every data symbol, on every lookup: the stack scan looks up
    /// every kernel-half word of every stack, and a word pointing into .data or .bss cost a walk
    /// over them (2 × 10^9 steps for the 200,000 lookups here: over 20 s in a debug build).
    @Test("lookups among many data symbols find the text symbol below at once, named as before")
    func textSymbolBelowManyDataSymbols() throws {
        let kernel = SyntheticKernel(megabytes: 4, osRelease: "6.1.0-kallsyms")
        let text = kernel.imageAddress(0x10_0000)
        let data = text + 0x1000
        let dataSymbols = 20_000
        // 128 bytes apart: the first ~8,000 lie within 1 MiB of the text symbol and are named
        // after it; the others are too far from it to be.
        var symbols = [SyntheticSymbol("start_kernel", "T", text), SyntheticSymbol("_stext", "t", text)]
        for index in 0..<dataSymbols { symbols.append(SyntheticSymbol("d\(index)", "D", data + UInt64(index) * 128)) }
        let table = SyntheticKallsyms(symbols, absolutePercpu: true)
        kernel.writeKallsyms(table, at: kernel.allocate(bytes: table.bytes.count))
        let dump = try TestPaths.open(ELFCoreWriter().write(kernel), name: "kallsyms-data.elf")
        let kallsyms = try #require(dump.kallsyms)
        #expect(kallsyms.textSymbol(containing: text - 1) == nil)
        let started = ContinuousClock.now
        var named = 0
        for _ in 0..<10 {
            for index in 0..<dataSymbols {
                let address = data + UInt64(index) * 128 + 5
                if let found = kallsyms.textSymbol(containing: address) {
                    // The alias listed first names the address, as the kernel does.
                    #expect(found.name == "start_kernel" && found.offset == address - text)
                    named += 1
                } else {
                    #expect(address - text >= 0x10_0000)
                }
            }
        }
        #expect(named == 10 * ((0x10_0000 - 0x1000 - 5) / 128 + 1))
        #expect(ContinuousClock.now - started < .seconds(10))
    }
}

@Suite("Audit regressions in module symbols")
struct AuditModuleSymbolTests {
    /// `ModuleKernel` whose module beta has 20,000 functions of its own (`mod_kallsyms`), spread
    /// over its 4 KiB of text. A module's function was found with `last(where:)`, a walk over all
    /// of them from the top per lookup; the stack scan looks up every word of every stack, so a
    /// stack of addresses low in beta cost a walk each (2 × 10^9 steps for the 100,000 lookups
    /// here: over 20 s in a debug build).
    static let functions = 20_000

    /// `ModuleKernel` with `functions` functions in beta's `mod_kallsyms`, 1 byte each, spread
    /// over its 4 KiB of text.
    static func manyFunctions() throws -> (setup: ModuleKernel, facts: DumpFacts, reader: KernelObjectReader) {
        let setup = ModuleKernel(memoryTypes: true)
        let kernel = setup.kernel
        let beta = try #require(try setup.read().facts.modules?.first { $0.name == "beta" })
        let functions = Self.functions
        var strings: [UInt8] = [0]
        var nameOffsets: [UInt32] = []
        for index in 0..<functions {
            nameOffsets.append(UInt32(strings.count))
            strings += Array("f\(index)".utf8) + [0]
        }
        let strtab = kernel.allocate(bytes: strings.count)
        kernel.write(strings, at: strtab)
        let symtab = kernel.allocate(bytes: functions * 24)
        for index in 0..<functions {
            let at = symtab + UInt64(index * 24)
            kernel.write(nameOffsets[index], at: at)
            kernel.write(UInt8(2), at: at + 4)  // STT_FUNC
            kernel.write(setup.text[1] + UInt64(index * 0x1000 / functions), at: at + 8)
            kernel.write(UInt64(1), at: at + 16)
        }
        let table = kernel.allocate(bytes: 24)
        kernel.write(kernel.imageAddress(symtab), at: table)
        kernel.write(UInt32(functions), at: table + 8)
        kernel.write(kernel.imageAddress(strtab), at: table + 16)
        let betaStruct = beta.address &- kernel.imageAddress(0)
        kernel.write(kernel.imageAddress(table), at: betaStruct + ModuleBTFLayout.kallsyms)
        let (facts, reader) = try setup.read()
        return (setup, facts, reader)
    }

    @Test("lookups in a module of many functions: a binary search, the same names")
    func manyModuleFunctions() throws {
        let (setup, facts, reader) = try Self.manyFunctions()
        let functions = Self.functions
        let namer = FrameNamer(reader: reader, modules: facts.modules ?? [], symbolize: { _ in nil })
        // Functions sit 0 or 1 byte apart; each is 1 byte long: the last at or below names it.
        #expect(namer.symbol(setup.text[1]).symbol?.name == "f4")
        let started = ContinuousClock.now
        for _ in 0..<10_000 {
            for offset: UInt64 in 1...10 {
                let found = namer.symbol(setup.text[1] + offset)
                #expect(found.module == "beta")
                // The last function at or below: the last index whose address is `offset` or less.
                let expected = ((Int(offset) + 1) * functions + 0xfff) / 0x1000 - 1
                if found.symbol?.name != "f\(expected)" {
                    Issue.record("\(offset): \(String(describing: found.symbol)), expected f\(expected)")
                    return
                }
            }
        }
        #expect(ContinuousClock.now - started < .seconds(10))
    }

    /// A module's table may list a million symbols, and a damaged list may name thousands of
    /// modules whose tables all point at the same memory: each was read and kept, with no total.
    @Test("module symbol tables share one budget: a table past it is not read, and the reason is stated")
    func moduleSymbolsShareOneBudget() throws {
        let (setup, facts, reader) = try Self.manyFunctions()
        let modules = facts.modules ?? []
        let exact = FrameNamer(reader: reader, modules: modules, moduleSymbolBudget: Self.functions) { _ in nil }
        #expect(exact.symbol(setup.text[1]).symbol?.name == "f4")
        #expect(exact.problem == nil)
        let short = FrameNamer(reader: reader, modules: modules, moduleSymbolBudget: Self.functions - 1) { _ in nil }
        let found = short.symbol(setup.text[1])
        #expect(found.module == "beta" && found.symbol == nil)
        #expect(
            short.problem
                == "symbols of 1 modules not read (beta): module symbol tables are read up to 19999 symbols together; "
                + "their frames are unnamed")
    }
}

@Suite("Audit regressions in the ELF segment index")
struct AuditSegmentIndexTests {
    /// An ELF core without notes: a first `PT_LOAD` declares 1 TiB from physical address 0
    /// without file bytes, and `count` one-byte `PT_LOAD`s follow, one per page, each inside it.
    static func overlappingSegments(count: Int) -> [UInt8] {
        var out = ByteBuilder()
        let headerCount = count + 1
        let dataOffset = UInt64(64 + headerCount * 56)
        out.put([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0] + [UInt8](repeating: 0, count: 8))
        out.put(UInt16(4))  // ET_CORE
        out.put(UInt16(62))  // x86-64
        out.put(UInt32(1))
        out.put(UInt64(0))  // e_entry
        out.put(UInt64(64))  // e_phoff
        out.put(UInt64(0))  // e_shoff
        out.put(UInt32(0))
        for field in [64, 56, headerCount, 0, 0, 0] { out.put(UInt16(field)) }
        func segment(offset: UInt64, address: UInt64, fileSize: UInt64, memorySize: UInt64) {
            out.put(UInt32(1))  // PT_LOAD
            out.put(UInt32(6))
            for value in [offset, address, address, fileSize, memorySize, 1] { out.put(value) }
        }
        segment(offset: dataOffset, address: 0, fileSize: 0, memorySize: 1 << 40)
        for index in 1...count {
            segment(offset: dataOffset + UInt64(index), address: UInt64(index) * 4096, fileSize: 1, memorySize: 1)
        }
        out.zeros(count + 1)
        return out.bytes
    }

    /// Every page the VMCOREINFO scan read started in a small segment and went on in the large
    /// one, and finding it stepped back over every small segment below (a running maximum of
    /// the ends): 65,000 segments (a 3.7 MB file) kept `vmcore info` busy for over 2 minutes in
    /// a debug build; 0.2 s with the max tree.
    @Test("65,000 small segments inside one large one: the VMCOREINFO scan ends at once")
    func overlappingSegmentScan() throws {
        let bytes = Self.overlappingSegments(count: 65_000)
        let started = ContinuousClock.now
        let dump = try TestPaths.open(bytes, name: "overlapping-segments.elf")
        #expect(dump.vmcoreinfo == nil)
        let (summary, _) = VmcoreSummary.make(dump)
        #expect(summary.pageSize == 4096)
        #expect(ContinuousClock.now - started < .seconds(20))
    }
}

@Suite("Audit regressions in frame naming")
struct AuditFrameNamerTests {
    /// The module of an address was found by a walk over the module list per lookup; the stack
    /// scan looks up every word of every stack, and a damaged list may hold 65,536 modules
    /// (a chain of list nodes is cheap to make): 65,536 × 100,000 lookups here.
    @Test("65,536 modules: each address finds its module by a binary search")
    func manyModules() {
        let count = 65_536
        let base: UInt64 = 0xffff_ffff_c000_0000
        let modules = (0..<count).map { index in
            DumpFacts.Module(
                name: "m\(index)", base: base + UInt64(index) * 0x1000, size: 0x1000, textSize: 0x800, taint: "",
                state: "live", address: 0xffff_8880_0000_0000 + UInt64(index) * 0x400)
        }
        let namer = FrameNamer(reader: nil, modules: modules, symbolize: { _ in nil })
        #expect(namer.symbol(base - 1).module == nil)
        #expect(namer.symbol(base + UInt64(count) * 0x1000).module == nil)
        let started = ContinuousClock.now
        var generator = SplitMix(seed: 7)
        for _ in 0..<100_000 {
            let index = Int(generator.next() % UInt64(count))
            let within = generator.next() % 0x1000
            let found = namer.symbol(base + UInt64(index) * 0x1000 + within).module
            // Text is the first 0x800 bytes of each module's 0x1000.
            let expected = within < 0x800 ? "m\(index)" : nil
            if found != expected {
                Issue.record("module \(index) + 0x\(String(within, radix: 16)): \(found ?? "none")")
                return
            }
        }
        #expect(ContinuousClock.now - started < .seconds(10))
    }
}
