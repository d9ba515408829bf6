import KtriageTestSupport

/// A small pretend crashed kernel that every reader past the container can work on: kallsyms
/// located by VMCOREINFO (the only symbols: no System.map), BTF, a task list with threads and a
/// second CPU's idle task, a module with its own symbols, system facts, stacks, and on x86-64 ORC
/// tables (or none, for the stack scan); on arm64 frame records under pointer authentication.
/// The fuzz seeds in `fixtures/vmcore/seeds/` are written from it (`DumpSeedTests`).
///
/// Objects live in the direct (linear) map, reached through the page tables; symbols in the
/// kernel image. Everything but the stacks, text and page tables is packed into a few pages so
/// that the dumps stay a few dozen KiB (fuzz inputs are cut at 64 KiB).
struct SeedKernel {
    enum Machine { case x86_64, arm64 }

    /// Which kernel generation the layouts follow.
    enum Version {
        /// 6.1: ORC entries with the `end` bit (chosen by the release), `module.core_layout`.
        case v6_1
        /// 6.8: ORC entries with the 3-bit type and `signal`, chosen by `struct orc_entry` in BTF
        /// (`orcEntryInBTF`) or by the `.orc_header` hash; `module.mem[]`.
        case v6_8(orcEntryInBTF: Bool)

        var release: String {
            if case .v6_1 = self { return "6.1.0-seed" }
            return "6.8.0-seed"
        }
        var orcLayout: SyntheticORCLayout {
            if case .v6_1 = self { return .before6_3 }
            return .since6_3
        }
        var moduleMemoryTypes: Bool {
            if case .v6_1 = self { return false }
            return true
        }
    }

    /// `struct task_struct` as this BTF lays it out (bytes).
    enum Task {
        static let state: UInt64 = 0, pid: UInt64 = 4, cpu: UInt64 = 8, exitState: UInt64 = 12
        static let tasks: UInt64 = 16, realParent: UInt64 = 32, mm: UInt64 = 40, comm: UInt64 = 48
        static let threadGroup: UInt64 = 64, stack: UInt64 = 80, thread: UInt64 = 88
        /// x86-64 `thread_struct` is `sp` alone here; arm64's is `cpu_context` (`fp`, `sp`, `pc`).
        static func size(_ machine: Machine) -> UInt64 { machine == .x86_64 ? 96 : 112 }
    }
    /// The seeds' one module (`struct module` is laid out as `ModuleBTFLayout` says).
    enum Module {
        /// Its text: offset in the text page, size, and its functions (name, offset, size).
        static let text: UInt64 = 0xa00, textSize: UInt64 = 0x200
        static let functions: [(name: String, offset: UInt64, size: UInt64)] = [
            ("seed_work", 0, 0x100), ("seed_exit", 0x100, 0x100),
        ]
        /// Taint letters O and E: out of tree, unsigned.
        static let taintBits: UInt64 = 1 << 12 | 1 << 13
    }
    /// arm64 `offsetof(struct pt_regs, stackframe)` in 6.1.
    static let stackframe: UInt64 = 304
    /// `THREAD_SIZE` on both machines (16 KiB).
    static let threadSize = 16384
    /// Which of the three stacks each task has: pid 1 the first, pid 2 the second, the idle
    /// tasks and pid 3 share the third (their frames lie apart).
    static let stackOfTask = [2, 2, 0, 1, 2]
    /// Functions of the pretend kernel text, by offset from its start.
    static let functions: [(offset: UInt64, name: String, type: Character)] = [
        (0x000, "_stext", "T"), (0x100, "crash_kexec", "T"), (0x200, "panic", "T"),
        (0x300, "asm_exc_invalid_op", "T"), (0x400, "do_one_initcall", "T"), (0x500, "ret_from_fork", "T"),
        (0x600, "__schedule", "t"), (0x700, "schedule", "T"), (0x800, "default_idle", "T"), (0x900, "_etext", "T"),
    ]
    static let commandLine = "BOOT_IMAGE=/vmlinuz root=/dev/vda1 ro crashkernel=256M"
    /// What the facts should say: uptime, `HZ`, load average, taint letters.
    static let hz = 250
    static let uptimeSeconds = 3600
    static let loadAverage = [1.5, 0.75, 0.25]
    static let taintMask: UInt64 = 1 << 0 | 1 << 12

    let machine: Machine
    let version: Version
    let kernel: SyntheticKernel
    /// Virtual address of the text page.
    let text: UInt64
    /// pid → `task_struct` physical address: init_task (pid 0), swapper/1 (pid 0 on CPU 1) and
    /// pids 1–3 (3 is a thread of 1).
    private(set) var taskPhysical: [UInt64] = []
    private var next: UInt64
    private let end: UInt64
    private var symbols: [SyntheticSymbol] = []

    /// - Parameters:
    ///   - orc: x86-64: write ORC tables (without them, stacks are scanned).
    ///   - log: add a printk ring (five more pages: only for the compressed containers).
    init(_ machine: Machine, _ version: Version = .v6_1, orc: Bool = true, log: Bool) {
        self.machine = machine
        self.version = version
        switch machine {
        case .x86_64:
            kernel = SyntheticKernel(megabytes: 2, osRelease: version.release)
        case .arm64:
            // RAM at 2 MiB with memstart_addr rounded down to 0 (ARM64_MEMSTART_ALIGN), so that a
            // kdump bitmap counting pfns from 0 stays small; KASLR and PAC as on a 6.1 arm64 kernel.
            let layout = ARM64Layout(physOffset: 0, kaslrOffset: 0x20_0000, pacMask: 0xffff_0000_0000_0000)
            kernel = SyntheticKernel(megabytes: 2, arm64: layout, ramStart: 0x20_0000, osRelease: version.release)
        }
        next = kernel.allocate(bytes: 3 * kernel.pageSize)
        end = next + UInt64(3 * kernel.pageSize)
        let textPage = kernel.allocate(bytes: kernel.pageSize)
        text = kernel.imageAddress(textPage)
        for function in Self.functions {
            symbols.append(SyntheticSymbol(function.name, function.type, text + function.offset))
        }
        writeText(textPage)
        let stacks = kernel.allocate(bytes: 3 * Self.threadSize)
        buildTasks(stacks: stacks)
        buildFacts()
        buildModule()
        if machine == .x86_64 {
            writeX86Stacks(stacks)
            if orc { writeORC() }
        } else {
            writeARM64Stacks(stacks)
        }
        if log { kernel.addPrintkRingBuffer(Self.log(machine, release: version.release), countBits: 4, sizeBits: 10) }
        let table = SyntheticKallsyms(symbols, absolutePercpu: machine == .x86_64)
        kernel.writeKallsyms(table, at: take(table.bytes.count))
        kernel.vmcoreinfo.append("CRASHTIME=1700000000")
    }

    // MARK: placing objects

    /// Packs `bytes` into the data pages.
    private mutating func take(_ bytes: Int, alignment: UInt64 = 64) -> UInt64 {
        let at = (next + alignment - 1) / alignment * alignment
        next = at + UInt64(max(bytes, 1))
        precondition(next <= end, "SeedKernel: data pages full")
        return at
    }

    /// An object's address: the direct (linear) map.
    func object(_ physical: UInt64) -> UInt64 { kernel.directAddress(physical) }

    /// A kernel variable: placed in the image and named in kallsyms.
    private mutating func variable(_ name: String, _ type: Character, bytes: Int) -> UInt64 {
        let at = take(bytes)
        symbols.append(SyntheticSymbol(name, type, kernel.imageAddress(at)))
        return at
    }

    // MARK: BTF

    func btf() -> [UInt8] {
        var table = BTFTypeTable()
        let int = table.integer("int", bytes: 4, signed: true)
        let unsigned = table.integer("unsigned int", bytes: 4)
        let long = table.integer("long unsigned int", bytes: 8)
        let char = table.integer("char", bytes: 1)
        let comm = table.array(of: char, count: 16, index: int)
        let void = table.pointer(to: 0)
        let listPointer = table.pointer(to: table.nextID + 1)
        let list = table.structure("list_head", size: 16, [("next", listPointer, 0, 0), ("prev", listPointer, 64, 0)])
        let thread: UInt32
        switch machine {
        case .x86_64:
            thread = table.structure("thread_struct", size: 8, [("sp", long, 0, 0)])
        case .arm64:
            let context = table.structure(
                "cpu_context", size: 24, [("fp", long, 0, 0), ("sp", long, 64, 0), ("pc", long, 128, 0)])
            thread = table.structure("thread_struct", size: 24, [("cpu_context", context, 0, 0)])
            let frame = table.array(of: long, count: 2, index: int)
            _ = table.structure("pt_regs", size: 336, [("stackframe", frame, UInt32(Self.stackframe * 8), 0)])
        }
        let taskPointer = table.pointer(to: table.nextID + 1)
        let members: [(String, UInt32, UInt64)] = [
            ("__state", unsigned, Task.state), ("pid", int, Task.pid), ("cpu", unsigned, Task.cpu),
            ("exit_state", int, Task.exitState), ("tasks", list, Task.tasks),
            ("real_parent", taskPointer, Task.realParent),
            ("mm", void, Task.mm), ("comm", comm, Task.comm), ("thread_group", list, Task.threadGroup),
            ("stack", void, Task.stack), ("thread", thread, Task.thread),
        ]
        _ = table.structure(
            "task_struct", size: UInt32(Task.size(machine)), members.map { ($0.0, $0.1, UInt32($0.2 * 8), 0) })
        _ = table.structure("rq", size: 16, [("curr", taskPointer, 0, 0), ("idle", taskPointer, 64, 0)])
        let utsField = table.array(of: char, count: 65, index: int)
        let utsNames = ["sysname", "nodename", "release", "version", "machine", "domainname"]
        let uts = table.structure(
            "new_utsname", size: 390, utsNames.enumerated().map { ($1, utsField, UInt32($0 * 65 * 8), 0) })
        _ = table.structure("uts_namespace", size: 400, [("name", uts, 64, 0)])
        _ = table.structure("pglist_data", size: 16, [("node_present_pages", long, 64, 0)])
        table.addModule(
            memoryTypes: version.moduleMemoryTypes, int: int, unsigned: unsigned, long: long, char: char, void: void,
            list: list)
        if case .v6_8(orcEntryInBTF: true) = version {
            // 6.3+ `struct orc_entry` (packed, 6 bytes): the layout comes from here first.
            let short = table.integer("short int", bytes: 2, signed: true)
            _ = table.structure(
                "orc_entry", size: 6,
                [
                    ("sp_offset", short, 0, 0), ("bp_offset", short, 16, 0), ("sp_reg", unsigned, 32, 4),
                    ("bp_reg", unsigned, 36, 4), ("type", unsigned, 40, 3), ("signal", unsigned, 43, 1),
                ])
        }
        return table.blob()
    }

    // MARK: tasks

    /// init_task, pids 1 and 2 on `init_task.tasks`, pid 3 a thread of pid 1, swapper/1 the idle
    /// task of CPU 1; pid 1 runs on CPU 0, swapper/1 on CPU 1.
    private mutating func buildTasks(stacks: UInt64) {
        let blob = btf()
        let btfAt = take(blob.count)
        kernel.write(blob, at: btfAt)
        symbols.append(SyntheticSymbol("__start_BTF", "R", kernel.imageAddress(btfAt)))
        symbols.append(SyntheticSymbol("__stop_BTF", "R", kernel.imageAddress(btfAt) + UInt64(blob.count)))
        let size = Int(Task.size(machine))
        let initTask = variable("init_task", "D", bytes: size)
        taskPhysical = [initTask] + (0..<4).map { _ in take(size) }
        // init_task's address is its image address (what the symbol says); the others are slab objects.
        let address = taskPhysical.enumerated().map { $0 == 0 ? kernel.imageAddress($1) : object($1) }
        let pids: [Int32] = [0, 0, 1, 2, 3]
        let comms = ["swapper/0", "swapper/1", "init", "kworker/0:1", "init"]
        let parents = [0, 0, 0, 2, 0]
        for (index, task) in taskPhysical.enumerated() {
            kernel.write(pids[index], at: task + Task.pid)
            kernel.write(UInt32(index == 1 ? 1 : 0), at: task + Task.cpu)
            kernel.write(UInt32(index == 3 ? 0x402 : index == 4 ? 1 : 0), at: task + Task.state)
            kernel.write(Array(comms[index].utf8), at: task + Task.comm)
            kernel.writePointer(address[parents[index]], at: task + Task.realParent)
            let mm: UInt64 = index == 2 || index == 4 ? object(0x8_0000) : 0
            kernel.writePointer(mm, at: task + Task.mm)
            kernel.writePointer(
                object(stacks) + UInt64(Self.stackOfTask[index] * Self.threadSize), at: task + Task.stack)
            kernel.writePointer(address[index] + Task.threadGroup, at: task + Task.threadGroup)
        }
        // Processes: init_task → 1 → 2 → init_task (swapper/1 and the thread are on no list).
        let processes = [0, 2, 3]
        for (position, index) in processes.enumerated() {
            let following = processes[(position + 1) % processes.count]
            kernel.writePointer(address[following] + Task.tasks, at: taskPhysical[index] + Task.tasks)
        }
        for index in [1, 4] { kernel.writePointer(address[index] + Task.tasks, at: taskPhysical[index] + Task.tasks) }
        // pid 1's thread group: 1 → 3 → 1.
        kernel.writePointer(address[4] + Task.threadGroup, at: taskPhysical[2] + Task.threadGroup)
        kernel.writePointer(address[2] + Task.threadGroup, at: taskPhysical[4] + Task.threadGroup)
        // Run queues: CPU 0 runs pid 1, CPU 1 its idle task. x86-64 per-CPU symbols are offsets
        // into the per-CPU area (absolute in kallsyms); arm64's are image addresses.
        let queues = (0..<2).map { _ in take(16) }
        let perCPUOffsets = variable("__per_cpu_offset", "D", bytes: 16)
        let runqueues: UInt64 = machine == .x86_64 ? 0x2_c8c0 : kernel.imageAddress(queues[0])
        symbols.append(SyntheticSymbol("runqueues", "D", runqueues, perCPU: machine == .x86_64))
        for (cpu, queue) in queues.enumerated() {
            let queueAddress = machine == .x86_64 ? object(queue) : kernel.imageAddress(queue)
            kernel.write(queueAddress &- runqueues, at: perCPUOffsets + UInt64(cpu * 8))
            kernel.writePointer(address[cpu == 0 ? 2 : 1], at: queue)  // curr
            kernel.writePointer(address[cpu], at: queue + 8)  // idle
        }
        kernel.write(UInt32(2), at: variable("nr_cpu_ids", "D", bytes: 4))
    }

    // MARK: system facts

    private mutating func buildFacts() {
        let initialJiffies = UInt64(UInt32(truncatingIfNeeded: -300 * Self.hz))
        kernel.write(initialJiffies + UInt64(Self.uptimeSeconds * Self.hz), at: variable("jiffies_64", "D", bytes: 8))
        kernel.write(UInt64(1_000_000_000 / Self.hz + 250), at: variable("tick_nsec", "D", bytes: 8))
        let load = variable("avenrun", "B", bytes: 24)
        for (index, value) in Self.loadAverage.enumerated() {
            kernel.write(UInt64(value * 2048), at: load + UInt64(index * 8))
        }
        kernel.write(Self.taintMask, at: variable("tainted_mask", "B", bytes: 8))
        let line = take(Self.commandLine.utf8.count + 1)
        kernel.write(Array(Self.commandLine.utf8), at: line)
        kernel.writePointer(object(line), at: variable("saved_command_line", "B", bytes: 8))
        let node = variable("contig_page_data", "D", bytes: 16)
        kernel.write(UInt64(kernel.memory.count / kernel.pageSize), at: node + 8)
        let uts = variable("init_uts_ns", "D", bytes: 400)
        let fields = [
            "Linux", "seed", version.release, "#1 SMP PREEMPT_DYNAMIC seed", machine == .x86_64 ? "x86_64" : "aarch64",
            "(none)",
        ]
        for (index, field) in fields.enumerated() { kernel.write(Array(field.utf8), at: uts + 8 + UInt64(index * 65)) }
        kernel.vmcoreinfo += [
            "SYMBOL(init_uts_ns)=\(String(kernel.imageAddress(uts), radix: 16))", "OFFSET(uts_namespace.name)=8",
        ]
    }

    // MARK: a module

    /// `seedmod` on the `modules` list: its memory (6.4+ `mem[]` or `core_layout`), its own
    /// symbol table (`mod_kallsyms`: `Elf64_Sym` entries and their strings) and ORC table.
    private mutating func buildModule() {
        let head = variable("modules", "d", bytes: 16)
        let module = take(Int(ModuleBTFLayout.size))
        let moduleText = text + Module.text
        let chain = [kernel.imageAddress(head), object(module) + ModuleBTFLayout.list]
        for (index, link) in [head, module + ModuleBTFLayout.list].enumerated() {
            kernel.writePointer(chain[(index + 1) % 2], at: link)
            kernel.writePointer(chain[(index + 1) % 2], at: link + 8)
        }
        kernel.write(Array("seedmod".utf8), at: module + ModuleBTFLayout.name)
        kernel.write(Module.taintBits, at: module + ModuleBTFLayout.taints)
        if version.moduleMemoryTypes {
            // text, data, rodata, ro_after_init; no init text left once live.
            let sizes: [UInt64] = [Module.textSize, 0x100, 0x80, 0]
            for (type, size) in sizes.enumerated() {
                let entry = module + ModuleBTFLayout.memory + UInt64(type) * ModuleBTFLayout.memoryEntry
                kernel.write(size == 0 ? 0 : moduleText + UInt64(type) * 0x1000, at: entry)
                kernel.write(UInt32(size), at: entry + 8)
            }
        } else {
            kernel.write(moduleText, at: module + ModuleBTFLayout.memory)
            kernel.write(UInt32(Module.textSize + 0x180), at: module + ModuleBTFLayout.memory + 8)
            kernel.write(UInt32(Module.textSize), at: module + ModuleBTFLayout.memory + 12)
        }
        // Symbols: a null entry, the functions (STT_FUNC, global), one object (STT_OBJECT).
        var strings: [UInt8] = [0]
        var symtab = ByteBuilder()
        symtab.zeros(24)
        for (name, type, value, size) in Module.functions.map({
            ($0.name, UInt8(0x12), moduleText + $0.offset, $0.size)
        })
            + [("seed_state", UInt8(0x11), moduleText + 0x1000, 8)]
        {
            symtab.put(UInt32(strings.count))
            symtab.put(type)
            symtab.put(UInt8(0))
            symtab.put(UInt16(1))
            symtab.put(value)
            symtab.put(UInt64(size))
            strings += Array(name.utf8) + [0]
        }
        let symbolsAt = take(symtab.count, alignment: 8)
        kernel.write(symtab.bytes, at: symbolsAt)
        let stringsAt = take(strings.count)
        kernel.write(strings, at: stringsAt)
        let table = take(24)
        kernel.write(object(symbolsAt), at: table)
        kernel.write(UInt32(symtab.count / 24), at: table + 8)
        kernel.write(object(stringsAt), at: table + 16)
        kernel.write(object(table), at: module + ModuleBTFLayout.kallsyms)
        guard machine == .x86_64 else { return }
        typealias Entry = SyntheticORCEntry
        let entries = [
            Entry(address: moduleText, kind: .call), Entry(address: moduleText + 0x100, kind: .call),
            Entry(address: moduleText + 0x200, kind: .undefined, spRegister: Entry.Register.undefined, spOffset: 0),
        ]
        let (ips, orcs) = writeORCEntries(entries)
        kernel.write(UInt32(entries.count), at: module + ModuleBTFLayout.arch)
        // The ip table's entries are relative to their own (image) addresses.
        kernel.write(kernel.imageAddress(ips), at: module + ModuleBTFLayout.arch + 8)
        kernel.write(kernel.imageAddress(orcs), at: module + ModuleBTFLayout.arch + 16)
    }

    // MARK: x86-64 text, stacks and ORC

    /// Each function starts with a `call rel32` (`e8`), so that the return addresses after it
    /// (function + 5) pass the stack scan's call check; arm64 functions with `bl` (`94000000`)
    /// at +0 and +4 so that +4 and +8 do.
    private func writeText(_ physical: UInt64) {
        let starts = Self.functions.map(\.offset) + Module.functions.map { Module.text + $0.offset }
        for start in starts {
            switch machine {
            case .x86_64: kernel.write([0xe8, 0, 0, 0, 0], at: physical + start)
            case .arm64:
                kernel.write(UInt32(0x9400_0000), at: physical + start)
                kernel.write(UInt32(0x9400_0000), at: physical + start + 4)
            }
        }
    }

    /// The running task (pid 1, CPU 0) through a call with a saved BP, a plain call, a `pt_regs`
    /// exception frame, one more call and the end of the stack; sleeping tasks from
    /// `inactive_task_frame` (pid 2 through `__schedule` and `schedule`, pid 3 a new task's
    /// `ret_from_fork`); swapper/1 idle on CPU 1.
    private func writeX86Stacks(_ stacks: UInt64) {
        func stack(_ index: Int, _ offset: UInt64) -> UInt64 { stacks + UInt64(index * Self.threadSize) + offset }
        let running = stack(0, 0x3000)
        kernel.write(UInt64(0xb1), at: running)
        kernel.write(text + 0x205, at: running + 8)
        kernel.write(text + 0x305, at: running + 16)
        kernel.write(text + 0x400, at: running + 24 + 16 * 8)  // pt_regs ip, cs, sp
        kernel.write(UInt64(0x10), at: running + 24 + 17 * 8)
        kernel.write(object(running + 0x400), at: running + 24 + 19 * 8)
        kernel.write(text + 0x505, at: running + 0x400)
        var registers = SyntheticKernel.registers(rip: text + 0x110, rsp: object(running))
        registers[4] = 0xb0  // rbp
        let idle = stack(2, 0x3e00)
        kernel.write(text + 0x505, at: idle)
        kernel.cpus = [
            (pid: 1, registers: registers),
            (pid: 0, registers: SyntheticKernel.registers(rip: text + 0x810, rsp: object(idle))),
        ]
        // thread.sp → inactive_task_frame (r15 … bx, bp at +40, ret_addr at +48), then the stack.
        let sleeping: [(task: Int, frame: UInt64, words: [UInt64])] = [
            (3, stack(1, 0x3c00), [text + 0x605, text + 0x705, text + Module.text + 5, text + 0x405, text + 0x505]),
            (4, stack(2, 0x3c00), [text + 0x500]),
            (0, stack(2, 0x3d00), [text + 0x805, text + 0x505]),
        ]
        for entry in sleeping {
            for (index, word) in entry.words.enumerated() {
                kernel.write(word, at: entry.frame + 48 + UInt64(index * 8))
            }
            kernel.write(object(entry.frame), at: taskPhysical[entry.task] + Task.thread)
        }
    }

    private mutating func writeORC() {
        typealias Entry = SyntheticORCEntry
        let entries = [
            Entry(
                address: text + 0x100, kind: .call, spOffset: 16, bpRegister: Entry.Register.previousSP, bpOffset: -16),
            Entry(address: text + 0x200, kind: .call),
            Entry(address: text + 0x300, kind: .regs, spOffset: 0, signal: true),
            Entry(address: text + 0x400, kind: .call),
            Entry(address: text + 0x500, kind: .endOfStack, spRegister: Entry.Register.undefined, spOffset: 0),
            Entry(address: text + 0x600, kind: .call),
            Entry(address: text + 0x700, kind: .call),
            Entry(address: text + 0x800, kind: .call),
            Entry(address: text + 0x900, kind: .undefined, spRegister: Entry.Register.undefined, spOffset: 0),
        ]
        let (ipTable, unwind) = writeORCEntries(entries)
        if case .v6_8(orcEntryInBTF: false) = version {
            // 6.4+ `.orc_header`: `ORC_HASH` of `orc_types.h` (unchanged since 6.4 added it).
            let hash: [UInt8] = [
                0xfe, 0x5d, 0x32, 0xbf, 0x58, 0x1b, 0xd6, 0x3b, 0x2c, 0xa9, 0xa5, 0xc6, 0x5b, 0xa5, 0xa6, 0x25,
                0xea, 0xb3, 0xfe, 0x24,
            ]
            let header = take(hash.count, alignment: 4)
            kernel.write(hash, at: header)
            symbols += [
                SyntheticSymbol("__start_orc_header", "R", kernel.imageAddress(header)),
                SyntheticSymbol("__stop_orc_header", "R", kernel.imageAddress(header) + UInt64(hash.count)),
            ]
        }
        symbols += [
            SyntheticSymbol("__start_orc_unwind_ip", "R", kernel.imageAddress(ipTable)),
            SyntheticSymbol("__stop_orc_unwind_ip", "R", kernel.imageAddress(ipTable) + UInt64(entries.count * 4)),
            SyntheticSymbol("__start_orc_unwind", "R", kernel.imageAddress(unwind)),
        ]
    }

    /// `orc_unwind_ip` (each an `int` relative to its own address) and `orc_unwind` (6-byte
    /// entries in this version's layout) in the data pages, sorted; returns where each starts.
    private mutating func writeORCEntries(_ entries: [SyntheticORCEntry]) -> (ips: UInt64, orcs: UInt64) {
        let sorted = entries.sorted { $0.address < $1.address }
        let ipTable = take(entries.count * 4, alignment: 4)
        let unwind = take(entries.count * 6, alignment: 2)
        for (index, entry) in sorted.enumerated() {
            let slot = kernel.imageAddress(ipTable) + UInt64(index * 4)
            kernel.write(
                Int32(truncatingIfNeeded: Int64(bitPattern: entry.address &- slot)), at: ipTable + UInt64(index * 4))
            kernel.write(entry.spOffset, at: unwind + UInt64(index * 6))
            kernel.write(entry.bpOffset, at: unwind + UInt64(index * 6 + 2))
            kernel.write(version.orcLayout.word(entry), at: unwind + UInt64(index * 6 + 4))
        }
        return (ipTable, unwind)
    }

    // MARK: arm64 stacks

    /// Stacks in the vmalloc area (mapped page by page in swapper_pg_dir). pid 1 runs on CPU 0:
    /// pc, then frame records across an EL1 exception frame to the final record, return addresses
    /// signed; pid 2 sleeps (`thread.cpu_context`); swapper/1 idles on CPU 1.
    private func writeARM64Stacks(_ stacks: UInt64) {
        guard let layout = kernel.arm64 else { return }
        let pages = Self.threadSize / kernel.pageSize
        let base = layout.vmallocBase
        kernel.mapARM64Pages(
            virtual: base, physicalPages: (0..<(3 * pages)).map { stacks + UInt64($0 * kernel.pageSize) })
        func virtual(_ index: Int, _ offset: UInt64) -> UInt64 { base + UInt64(index * Self.threadSize) + offset }
        func physical(_ address: UInt64) -> UInt64 { stacks + (address - base) }
        func record(at address: UInt64, next: UInt64, returnAddress: UInt64) {
            kernel.write(next, at: physical(address))
            kernel.write(returnAddress, at: physical(address) + 8)
        }
        func signed(_ address: UInt64) -> UInt64 { address & 0x0000_ffff_ffff_ffff | 0x5a8b_0000_0000_0000 }
        for task in 0..<5 {
            kernel.writePointer(virtual(Self.stackOfTask[task], 0), at: taskPhysical[task] + Task.stack)
        }
        // pid 1: records at +0x3000 → exception frame (+0x3400) → +0x3800 → +0x3e00 → final zero record.
        let (first, exception, third, fourth, last) = (
            virtual(0, 0x3000), virtual(0, 0x3400), virtual(0, 0x3800), virtual(0, 0x3e00), virtual(0, 0x3f00)
        )
        record(at: first, next: exception, returnAddress: signed(text + 0x208))
        let regs = exception - Self.stackframe
        kernel.write(third, at: physical(regs) + 29 * 8)
        kernel.write(text + 0x404, at: physical(regs) + 30 * 8)
        kernel.write(text + 0x300, at: physical(regs) + 32 * 8)
        kernel.write(UInt64(0x6040_0005), at: physical(regs) + 33 * 8)
        record(at: exception, next: third, returnAddress: text + 0x300)
        record(at: third, next: fourth, returnAddress: signed(text + 0x404))
        record(at: fourth, next: last, returnAddress: signed(text + 0x508))
        record(at: last, next: 0, returnAddress: 0)
        // Sleeping tasks from cpu_context (fp, sp, pc): pid 2 in __schedule, init_task in
        // default_idle, pid 3 new (ret_from_fork).
        let contexts: [(task: Int, fp: UInt64, pc: UInt64)] = [
            (3, virtual(1, 0x3c00), signed(text + 0x608)), (0, virtual(2, 0x3c00), signed(text + 0x808)),
            (4, virtual(2, 0x3f00), text + 0x508),
        ]
        for context in contexts {
            let at = taskPhysical[context.task] + Task.thread
            kernel.write(context.fp, at: at)
            kernel.write(context.fp - 0x10, at: at + 8)
            kernel.write(context.pc, at: at + 16)
        }
        record(at: virtual(1, 0x3c00), next: virtual(1, 0x3c20), returnAddress: signed(text + 0x708))
        record(at: virtual(1, 0x3c20), next: virtual(1, 0x3c40), returnAddress: signed(text + Module.text + 8))
        record(at: virtual(1, 0x3c40), next: virtual(1, 0x3c80), returnAddress: text + 0x408)
        record(at: virtual(1, 0x3c80), next: virtual(1, 0x3f00), returnAddress: signed(text + 0x508))
        record(at: virtual(1, 0x3f00), next: 0, returnAddress: 0)
        // init_task and swapper/1 in default_idle; one final record for them and pid 3.
        record(at: virtual(2, 0x3c00), next: virtual(2, 0x3f00), returnAddress: text + 0x508)
        record(at: virtual(2, 0x3e00), next: virtual(2, 0x3f00), returnAddress: signed(text + 0x508))
        record(at: virtual(2, 0x3f00), next: 0, returnAddress: 0)
        kernel.cpus = [
            (
                1,
                SyntheticKernel.arm64Registers(
                    pc: text + 0x110, sp: first - 0x10, lr: signed(text + 0x208), frame: first)
            ),
            (
                0,
                SyntheticKernel.arm64Registers(
                    pc: text + 0x810, sp: virtual(2, 0x3df0), lr: signed(text + 0x508), frame: virtual(2, 0x3e00))
            ),
        ]
    }

    // MARK: log

    static func log(_ machine: Machine, release: String) -> [SyntheticKernel.LogEntry] {
        let trace =
            machine == .x86_64
            ? ["Call Trace:", " <TASK>", " panic+0x5/0x100", " do_one_initcall+0x5/0x100", " ret_from_fork+0x5/0x100"]
            : ["Call trace:", " panic+0x8/0x100", " do_one_initcall+0x4/0x100", " ret_from_fork+0x8/0x100"]
        return [
            .init(0, "Linux version \(release) (seed@example) #1 SMP PREEMPT_DYNAMIC seed"),
            .init(1_000_000_000, "sysrq: Trigger a crash"),
            .init(1_000_100_000, "Kernel panic - not syncing: sysrq triggered crash"),
            .init(1_000_200_000, "CPU: 0 PID: 1 Comm: init Tainted: P           O       \(release) #1"),
        ] + trace.enumerated().map { .init(1_000_300_000 + UInt64($0.offset), $0.element) }
    }
}
