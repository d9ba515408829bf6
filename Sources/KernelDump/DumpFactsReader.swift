import KernelFacts

/// Reads `DumpFacts` from a dump: kernel symbols from the dump's kallsyms (6.0+: VMCOREINFO
/// `SYMBOL(kallsyms_*)`) or a System.map, types from the BTF between `__start_BTF` and
/// `__stop_BTF` (`CONFIG_DEBUG_INFO_BTF`, 5.2+), then one reader per fact. A fact that fails
/// is left `nil` with its reason in `problems`; the others are still read.
///
/// Without BTF nothing here can be read (layouts are never guessed); what still works is
/// everything `VmcoreSummary` reads through VMCOREINFO (release, CPUs and registers, the log and
/// panic message, symbols through kallsyms).
enum DumpFactsReader {
    /// Symbols the facts need (`Vmcore.factSymbolNames`).
    static let symbolNames: Set<String> = [
        "__start_BTF", "__stop_BTF", "init_task", "runqueues", "__per_cpu_offset", "nr_cpu_ids",
        "jiffies_64", "tick_nsec", "avenrun", "init_uts_ns", "tainted_mask", "saved_command_line",
        "modules", "node_data", "nr_node_ids", "contig_page_data",
        // For `ORCUnwinder`.
        "__start_orc_unwind_ip", "__stop_orc_unwind_ip", "__start_orc_unwind", "ret_from_fork", "ret_from_fork_asm",
        "__start_orc_header", "__stop_orc_header",
    ]
    /// The kernel's `HZ` choices (`kernel/Kconfig.hz`), to round the `tick_nsec` estimate to.
    static let knownHZ = [100, 250, 300, 1000]
    /// `FSHIFT` (`include/linux/sched/loadavg.h`): `avenrun` is fixed point with 11 fraction bits.
    static let loadShift: UInt64 = 11
    /// Longest `saved_command_line` read (x86 `COMMAND_LINE_SIZE` is 2048; some arches 4096).
    static let maxCommandLine = 4096
    /// Most memory nodes read.
    static let maxNodes = 1024
    /// Most modules walked.
    static let maxModules = 65_536
    /// Most `enum mod_mem_type` constants accepted before `MOD_INIT_TEXT` (6.4 has 4 of 7): each
    /// is one read per module, and a damaged BTF could otherwise ask for billions.
    static let maxModuleMemoryTypes = 64
    /// Longest uptime believed (a century).
    static let maxUptimeSeconds: Double = 100 * 365.25 * 86_400
    /// Lowest kernel-half address: System.map symbols at or above it move with KASLR.
    static let kernelHalf: UInt64 = 1 << 63

    /// - Parameter useKallsyms: `false` takes every symbol from `systemMap` (tests of that path).
    static func read(_ dump: Vmcore, systemMap: [String: UInt64]?, useKallsyms: Bool = true) -> DumpFacts {
        readWithReader(dump, systemMap: systemMap, useKallsyms: useKallsyms).facts
    }

    /// The facts and the object reader they were read with (`nil` without symbols or BTF), for
    /// the stack unwinder.
    static func readWithReader(_ dump: Vmcore, systemMap: [String: UInt64]?, useKallsyms: Bool = true) -> (
        facts: DumpFacts, reader: KernelObjectReader?
    ) {
        var facts = DumpFacts()
        var symbols = useKallsyms ? dump.symbolAddresses(symbolNames) : [:]
        if let systemMap {
            let slide = dump.vmcoreinfo?.kernelOffset ?? 0
            for name in symbolNames where symbols[name] == nil {
                guard let address = systemMap[name] else { continue }
                // Per-CPU symbols are offsets from the per-CPU area (small numbers, 0x0…) and do
                // not move with KASLR; image symbols are kernel-half addresses (x86-64
                // 0xffffffff8…, arm64 0xffff8000_08…) and do.
                symbols[name] = address >= kernelHalf ? address &+ slide : address
            }
        }
        guard !symbols.isEmpty else {
            if dump.vmcoreinfo?.symbol("kallsyms_names") != nil {
                facts.problems.append(
                    "no kernel symbols: VMCOREINFO locates kallsyms but the table could not be read from the dump's memory, and no System.map was given"
                )
            } else {
                facts.problems.append(
                    "no kernel symbols: the dump has no kallsyms entries in VMCOREINFO (kernels before 6.0) and no System.map was given"
                )
            }
            return (facts, nil)
        }
        let btf: BTF
        do {
            let (parsed, source) = try loadBTF(dump, symbols: symbols, kallsymsOnly: systemMap == nil)
            btf = parsed
            facts.btf = source
        } catch {
            facts.problems.append(
                "\(error); without BTF the dump's structures cannot be read (uptime, load, tasks, modules, taint, command line): release, CPUs, registers, log and panic message still come from VMCOREINFO"
            )
            return (facts, nil)
        }
        let reader = KernelObjectReader(memory: dump.memory, btf: btf, symbols: symbols)
        func attempt<T>(_ what: String, _ body: () throws -> T) -> T? {
            do { return try body() } catch {
                facts.problems.append("\(what): \(error)")
                return nil
            }
        }
        let hz = attempt("HZ") { try readHZ(reader) }
        facts.hz = hz
        if let hz { facts.uptimeSeconds = attempt("uptime") { try readUptime(reader, hz: hz) } }
        facts.loadAverage = attempt("load average") { try readLoadAverage(reader) }
        facts.nodename = attempt("nodename") {
            let name = try reader.symbol("init_uts_ns") &+ (try reader.offset("uts_namespace", "name"))
            return try reader.charArray(name, "new_utsname", "nodename")
        }
        facts.memoryBytes = attempt("memory") { try readMemory(reader, pageSize: dump.pageSize) }
        facts.taint = attempt("taint") {
            let mask = try reader.word(try reader.symbol("tainted_mask"), what: "tainted_mask")
            return decodeTaint(mask)
        }
        facts.commandLine = attempt("command line") {
            let pointer = try reader.word(try reader.symbol("saved_command_line"), what: "saved_command_line")
            return try reader.string(pointer, limit: maxCommandLine, what: "*saved_command_line")
        }
        if let modules = attempt("modules", { try readModules(reader) }) {
            facts.modules = modules.list
            if modules.partial {
                facts.partial = true
                facts.problems.append("modules: \(modules.reason)")
            }
        }
        if let walk = attempt("tasks", { try TaskListReader(reader: reader).read() }) {
            facts.tasks = walk.tasks
            facts.taskCount = walk.tasks.count
            if !walk.problems.isEmpty {
                facts.partial = true
                facts.problems += walk.problems.map { "tasks: \($0)" }
            }
        }
        return (facts, reader)
    }

    /// Reads and parses the BTF blob.
    static func loadBTF(_ dump: Vmcore, symbols: [String: UInt64], kallsymsOnly: Bool = false) throws -> (
        BTF, DumpFacts.TypeSource
    ) {
        guard let start = symbols["__start_BTF"], let stop = symbols["__stop_BTF"] else {
            // kallsyms lists data and section symbols only with CONFIG_KALLSYMS_ALL (Debian's
            // arm64 kernel has it unset): the BTF may be there, its bounds are not named.
            if kallsymsOnly, symbols["init_task"] == nil, !symbols.isEmpty {
                throw BTFError(
                    offset: nil, field: "__start_BTF",
                    message:
                        "the dump's kallsyms names no data symbols (CONFIG_KALLSYMS_ALL unset): give --system-map")
            }
            throw BTFError(
                offset: nil, field: "__start_BTF",
                message: "the kernel has no BTF (built without CONFIG_DEBUG_INFO_BTF, or before 5.2)")
        }
        guard stop > start, stop - start <= UInt64(BTFLimits.maxBlobBytes) else {
            throw BTFError(
                offset: nil, field: "__start_BTF..__stop_BTF",
                message: "0x\(String(start, radix: 16))..0x\(String(stop, radix: 16)) is not a plausible blob")
        }
        let blob = try dump.memory.read(start, count: Int(stop - start), what: "BTF blob")
        let btf = try BTF(blob: blob)
        return (btf, DumpFacts.TypeSource(address: start, bytes: blob.count, types: btf.types.count - 1))
    }

    /// `HZ` from `tick_nsec` (≈ NSEC_PER_SEC / HZ, nudged by NTP), rounded to a Kconfig choice.
    static func readHZ(_ reader: KernelObjectReader) throws -> Int {
        let tick = try reader.word(try reader.symbol("tick_nsec"), what: "tick_nsec")
        guard tick > 0, tick < 1_000_000_000 else {
            throw BTFError(offset: nil, field: "tick_nsec", message: "\(tick) cannot give HZ")
        }
        let estimate = 1e9 / Double(tick)
        let nearest = knownHZ.min { abs(Double($0) - estimate) < abs(Double($1) - estimate) } ?? 1000
        return abs(Double(nearest) - estimate) < Double(nearest) * 0.05 ? nearest : Int(estimate.rounded())
    }

    /// `(jiffies_64 − INITIAL_JIFFIES) / HZ`, `INITIAL_JIFFIES` = `(u32)(−300 × HZ)` (jiffies
    /// start five minutes before the 32-bit wrap so that wrap bugs show early).
    /// A damaged `jiffies_64` (a zeroed page reads 0, below `INITIAL_JIFFIES`) would wrap to
    /// billions of years, which the outputs cannot print (seconds × 1000 as `Int` trapped): an
    /// uptime past `maxUptimeSeconds` is an error.
    static func readUptime(_ reader: KernelObjectReader, hz: Int) throws -> Double {
        let jiffies = try reader.word(try reader.symbol("jiffies_64"), what: "jiffies_64")
        let initial = UInt64(UInt32(truncatingIfNeeded: -300 * hz))
        guard jiffies >= initial else {
            throw BTFError(
                offset: nil, field: "jiffies_64", message: "\(jiffies) is below INITIAL_JIFFIES \(initial) (HZ \(hz))")
        }
        let seconds = Double(jiffies - initial) / Double(hz)
        guard seconds <= maxUptimeSeconds else {
            throw BTFError(
                offset: nil, field: "jiffies_64",
                message: "\(jiffies) at HZ \(hz) is an uptime of \(seconds) s, more than a century")
        }
        return seconds
    }

    /// `avenrun[0..2]` printed as crash and `/proc/loadavg` do: `FIXED_1/200` added to round to
    /// two decimals, then the integer part and two decimals of the fraction (`LOAD_INT`,
    /// `LOAD_FRAC`).
    static func readLoadAverage(_ reader: KernelObjectReader) throws -> [Double] {
        let base = try reader.symbol("avenrun")
        let rounding: UInt64 = (1 << loadShift) / 200
        return try (0..<3).map { index in
            let value = try reader.word(base &+ UInt64(index * 8), what: "avenrun[\(index)]") &+ rounding
            let whole = value >> loadShift
            let hundredths = ((value & ((1 << loadShift) - 1)) * 100) >> loadShift
            return Double(whole) + Double(hundredths) / 100
        }
    }

    /// Sum of `pglist_data.node_present_pages` over `node_data[0..<nr_node_ids]` (NUMA), else
    /// `contig_page_data`'s, times the page size.
    static func readMemory(_ reader: KernelObjectReader, pageSize: Int) throws -> UInt64 {
        var pages: UInt64 = 0
        if let nodeData = reader.symbols["node_data"] {
            let count = reader.symbols["nr_node_ids"].flatMap {
                try? reader.memory.readUnsigned($0, size: 4, what: "nr_node_ids")
            }
            for node in 0..<min(Int(count ?? 1), maxNodes) {
                let pointer = try reader.word(nodeData &+ UInt64(node * 8), what: "node_data[\(node)]")
                guard pointer != 0 else { continue }
                pages &+= try reader.unsigned(pointer, "pglist_data", "node_present_pages")
            }
        } else {
            pages = try reader.unsigned(try reader.symbol("contig_page_data"), "pglist_data", "node_present_pages")
        }
        return pages &* UInt64(pageSize)
    }

    /// Letters and names of the set bits, in bit order.
    static func decodeTaint(_ mask: UInt64) -> DumpFacts.Taint {
        var letters = ""
        var flags: [String] = []
        for bit in 0..<64 where mask & (1 << UInt64(bit)) != 0 {
            if let flag = TaintFlag.all.first(where: { $0.bit == bit }) {
                letters.append(flag.letter)
                flags.append(flag.name)
            } else {
                letters.append("?")
                flags.append("unknown_bit_\(bit)")
            }
        }
        return DumpFacts.Taint(mask: mask, letters: letters, flags: flags)
    }

    /// Walks `modules` (`struct module.list`).
    static func readModules(_ reader: KernelObjectReader) throws -> (
        list: [DumpFacts.Module], partial: Bool, reason: String
    ) {
        let head = try reader.symbol("modules")
        let listOffset = try reader.offset("module", "list")
        let states = Dictionary(
            reader.btf.enumerators(ofEnumNamed: "module_state").map { ($0.value, $0.name) },
            uniquingKeysWith: { first, _ in first })
        let memoryTypes = reader.has("module", "mem")
        var modules: [DumpFacts.Module] = []
        var seen: Set<UInt64> = [head]
        var node = try reader.word(head, what: "modules.next")
        while node != head {
            guard modules.count < maxModules else { return (modules, true, "more than \(maxModules) modules") }
            guard seen.insert(node).inserted else {
                return (modules, true, "the list loops back to 0x\(String(node, radix: 16))")
            }
            let module = node &- listOffset
            do {
                let (base, size, textSize) = try readModuleMemory(reader, module: module, memoryTypes: memoryTypes)
                let state = try reader.signed(module, "module", "state")
                let name = states[state].map { $0.hasPrefix("MODULE_STATE_") ? String($0.dropFirst(13)) : $0 }
                modules.append(
                    DumpFacts.Module(
                        name: try reader.charArray(module, "module", "name"), base: base, size: size,
                        textSize: textSize,
                        taint: decodeTaint(try reader.unsigned(module, "module", "taints")).letters,
                        state: name?.lowercased() ?? "\(state)", address: module))
                node = try reader.word(node, what: "module.list.next")
            } catch {
                return (modules, true, "stopped at module 0x\(String(module, radix: 16)): \(error)")
            }
        }
        // crash's `mod` lists modules by the address of their `struct module`.
        return (modules.sorted { $0.address < $1.address }, false, "")
    }

    /// A module's core text start, core size and text size.
    ///
    /// 6.4+ (`struct module_memory mem[MOD_MEM_NUM_TYPES]`, one allocation per `enum
    /// mod_mem_type`): text is `mem[MOD_TEXT]`; the core size sums the types before
    /// `MOD_INIT_TEXT` (the init types are emptied once the module is live, `do_init_module`).
    /// The enum constants come from BTF; each element's place from the array's BTF size.
    /// 4.5–6.3: `core_layout.base`, `.size`, `.text_size`.
    static func readModuleMemory(_ reader: KernelObjectReader, module: UInt64, memoryTypes: Bool) throws -> (
        base: UInt64, size: UInt64, textSize: UInt64
    ) {
        guard memoryTypes else {
            return (
                try reader.unsigned(module, "module", "core_layout.base"),
                try reader.unsigned(module, "module", "core_layout.size"),
                try reader.unsigned(module, "module", "core_layout.text_size")
            )
        }
        let memOffset = try reader.offset("module", "mem")
        let entrySize = UInt64(try reader.structSize("module_memory"))
        let text = UInt64(max(0, reader.btf.enumValue("MOD_TEXT") ?? 0))
        let initText = UInt64(max(0, reader.btf.enumValue("MOD_INIT_TEXT") ?? 4))
        let arrayBytes = UInt64(try reader.memberSize("module", "mem"))
        guard entrySize > 0, initText <= arrayBytes / entrySize, text < initText else {
            throw BTFError(
                offset: nil, field: "module.mem",
                message:
                    "\(arrayBytes) bytes of \(entrySize)-byte module_memory cannot hold MOD_INIT_TEXT = \(initText)")
        }
        guard initText <= maxModuleMemoryTypes else {
            throw BTFError(
                offset: nil, field: "enum mod_mem_type",
                message: "MOD_INIT_TEXT = \(initText) is more than \(maxModuleMemoryTypes) memory types")
        }
        func entry(_ index: UInt64) -> UInt64 { module &+ memOffset &+ index &* entrySize }
        var size: UInt64 = 0
        for index in 0..<initText { size &+= try reader.unsigned(entry(index), "module_memory", "size") }
        return (
            try reader.unsigned(entry(text), "module_memory", "base"), size,
            try reader.unsigned(entry(text), "module_memory", "size")
        )
    }
}
