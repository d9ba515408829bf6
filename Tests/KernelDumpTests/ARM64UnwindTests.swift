import KernelDump
import KtriageTestSupport
import Testing

/// A pretend arm64 kernel with BTF, three tasks and their stacks in the vmalloc area, for the
/// frame-record unwinder: symbols come through the System.map path.
struct ARM64TaskKernel {
    enum Offset {
        static let state: UInt64 = 0, pid: UInt64 = 4, cpu: UInt64 = 8, exitState: UInt64 = 12
        static let tasks: UInt64 = 16, realParent: UInt64 = 32, mm: UInt64 = 40, comm: UInt64 = 48
        static let threadGroup: UInt64 = 64, thread: UInt64 = 80
        static let size: UInt64 = 104
        /// `cpu_context` is `x19`…`x28`, `fp`, `sp`, `pc` in the kernel; here only the last three.
        static let contextFP: UInt64 = 0, contextSP: UInt64 = 8, contextPC: UInt64 = 16
        /// `offsetof(struct pt_regs, stackframe)` in arm64 6.1: 34 user registers, `orig_x0`,
        /// `syscallno`/`unused2`, `sdei_ttbr1`, `pmr_save`.
        static let stackframe: UInt64 = 304
    }

    static let layout = ARM64Layout(kaslrOffset: 0x20_0000, pacMask: 0xffff_0000_0000_0000)
    let kernel = SyntheticKernel(megabytes: 4, arm64: layout, osRelease: "6.1.0-arm64-tasks")
    var symbols: [String: UInt64] = [:]
    var tasks: [UInt64] = []  // physical: init_task (image), pid 1 and pid 2 (linear map)
    /// Virtual base of the pretend stacks (two pages in the vmalloc area).
    let stack: UInt64 = layout.vmallocBase
    private var stackPages: [UInt64] = []

    static func btf() -> [UInt8] {
        var builder = BTFBlobBuilder()
        builder.type("int", .int, sizeOrType: 4)  // 1
        builder.words(1 << 24 | 32)
        builder.type("unsigned int", .int, sizeOrType: 4)  // 2
        builder.words(32)
        builder.type("char", .int, sizeOrType: 1)  // 3
        builder.words(2 << 24 | 8)
        builder.type("", .array, sizeOrType: 0)  // 4: char[16]
        builder.words(3, 1, 16)
        builder.type("", .pointer, sizeOrType: 6)  // 5: struct list_head *
        let next = builder.name("next")
        let prev = builder.name("prev")
        builder.type("list_head", .structure, vlen: 2, sizeOrType: 16)  // 6
        builder.words(next, 5, 0, prev, 5, 64)
        builder.type("", .pointer, sizeOrType: 8)  // 7: struct task_struct *
        let members: [(String, UInt32, UInt64)] = [
            ("__state", 2, Offset.state), ("pid", 1, Offset.pid), ("cpu", 2, Offset.cpu),
            ("exit_state", 1, Offset.exitState), ("tasks", 6, Offset.tasks), ("real_parent", 7, Offset.realParent),
            ("mm", 7, Offset.mm), ("comm", 4, Offset.comm), ("thread_group", 6, Offset.threadGroup),
            ("thread", 13, Offset.thread),
        ]
        let names = members.map { builder.name($0.0) }
        builder.type("task_struct", .structure, vlen: members.count, sizeOrType: UInt32(Offset.size))  // 8
        for (index, member) in members.enumerated() { builder.words(names[index], member.1, UInt32(member.2 * 8)) }
        let curr = builder.name("curr")
        let idle = builder.name("idle")
        builder.type("rq", .structure, vlen: 2, sizeOrType: 16)  // 9
        builder.words(curr, 7, 0, idle, 7, 64)
        builder.type("long unsigned int", .int, sizeOrType: 8)  // 10
        builder.words(64)
        let fp = builder.name("fp")
        let sp = builder.name("sp")
        let pc = builder.name("pc")
        builder.type("cpu_context", .structure, vlen: 3, sizeOrType: 24)  // 11
        builder.words(fp, 10, 0, sp, 10, 64, pc, 10, 128)
        builder.type("", .array, sizeOrType: 0)  // 12: u64[2]
        builder.words(10, 1, 2)
        let context = builder.name("cpu_context")
        builder.type("thread_struct", .structure, vlen: 1, sizeOrType: 24)  // 13
        builder.words(context, 11, 0)
        let stackframe = builder.name("stackframe")
        builder.type("pt_regs", .structure, vlen: 1, sizeOrType: 336)  // 14
        builder.words(stackframe, 12, UInt32(Offset.stackframe * 8))
        return builder.blob()
    }

    init() {
        let blob = Self.btf()
        let btfAt = kernel.allocate(bytes: blob.count)
        kernel.write(blob, at: btfAt)
        let runqueue = kernel.allocate(bytes: 16)
        let offsets = kernel.allocate(bytes: 8)
        let cpuCount = kernel.allocate(bytes: 4)
        kernel.write(UInt32(1), at: cpuCount)
        for _ in 0..<3 { tasks.append(kernel.allocate(bytes: Int(Offset.size))) }
        let addresses = [kernel.imageAddress(tasks[0]), kernel.directAddress(tasks[1]), kernel.directAddress(tasks[2])]
        let comms = ["swapper/0", "init", "kworker/0:1"]
        for (index, task) in tasks.enumerated() {
            kernel.write(Int32(index), at: task + Offset.pid)
            kernel.write(UInt32(index == 2 ? 0x402 : 0), at: task + Offset.state)
            kernel.write(Array(comms[index].utf8), at: task + Offset.comm)
            kernel.writePointer(addresses[index == 2 ? 1 : 0], at: task + Offset.realParent)
            kernel.writePointer(index == 1 ? 0xffff_0000_0123_4000 : 0, at: task + Offset.mm)
            kernel.writePointer(addresses[index] + Offset.threadGroup, at: task + Offset.threadGroup)
            kernel.writePointer(addresses[(index + 1) % 3] + Offset.tasks, at: task + Offset.tasks)
        }
        kernel.writePointer(addresses[1], at: runqueue)  // curr: init runs on CPU 0
        kernel.writePointer(addresses[0], at: runqueue + 8)
        stackPages = (0..<2).map { _ in kernel.allocate(bytes: kernel.pageSize) }
        kernel.mapARM64Pages(virtual: stack, physicalPages: stackPages)
        // A System.map holds link-time addresses: the KASLR slide (KERNELOFFSET) is added back.
        func linked(_ physical: UInt64) -> UInt64 { kernel.imageAddress(physical) - Self.layout.kaslrOffset }
        symbols = [
            "__start_BTF": linked(btfAt), "__stop_BTF": linked(btfAt) + UInt64(blob.count),
            "init_task": linked(tasks[0]), "runqueues": linked(runqueue),
            "__per_cpu_offset": linked(offsets), "nr_cpu_ids": linked(cpuCount),
        ]
    }

    /// Writes a word at a virtual stack address.
    func writeStack(_ value: UInt64, at address: UInt64) {
        let offset = Int(address - stack)
        kernel.write(value, at: stackPages[offset / kernel.pageSize] + UInt64(offset % kernel.pageSize))
    }

    /// A frame record `{next, return}` at `address`.
    func record(at address: UInt64, next: UInt64, returnAddress: UInt64) {
        writeStack(next, at: address)
        writeStack(returnAddress, at: address + 8)
    }

    /// The `pt_regs` whose `stackframe` is at `record`, as `kernel_entry` leaves it.
    func exceptionFrame(record: UInt64, x29: UInt64, pc: UInt64, lr: UInt64, pstate: UInt64) {
        let base = record - Offset.stackframe
        writeStack(x29, at: base + 29 * 8)
        writeStack(lr, at: base + 30 * 8)
        writeStack(pc, at: base + 32 * 8)
        writeStack(pstate, at: base + 33 * 8)
        self.record(at: record, next: x29, returnAddress: pc)
    }

    /// A code address in the image (no kallsyms here: frames are compared by address).
    func text(_ offset: UInt64) -> UInt64 { kernel.imageAddress(kernel.ramStart) + offset }

    /// A return address signed with a PAC in bits 63:48 (bit 55 set), as a saved LR is.
    static func signed(_ address: UInt64) -> UInt64 { address & 0x0000_ffff_ffff_ffff | 0x5a8b_0000_0000_0000 }

    func backtraces() throws -> DumpBacktraces {
        try TestPaths.open(ELFCoreWriter().write(kernel), name: "arm64-tasks.elf").backtraces(systemMap: symbols)
    }
}

@Suite("arm64 frame-record unwinding on a synthetic kernel")
struct ARM64UnwindTests {
    @Test("running task: pc, then frame records across an EL1 exception frame, PAC stripped, to the final record")
    func running() throws {
        let setup = ARM64TaskKernel()
        let stack = setup.stack
        let (first, exception, third, last) = (stack + 0x100, stack + 0x800, stack + 0x1100, stack + 0x1f00)
        setup.record(at: first, next: exception, returnAddress: ARM64TaskKernel.signed(setup.text(0x2004)))
        setup.exceptionFrame(
            record: exception, x29: third, pc: setup.text(0x3000), lr: setup.text(0x4004), pstate: 0x6040_0005)
        setup.record(at: third, next: last, returnAddress: ARM64TaskKernel.signed(setup.text(0x4004)))
        setup.record(at: last, next: 0, returnAddress: 0)
        setup.kernel.cpus = [
            (
                1,
                SyntheticKernel.arm64Registers(
                    pc: setup.text(0x1010), sp: stack + 0xf0, lr: setup.text(0x2004), frame: first)
            )
        ]
        let result = try setup.backtraces()
        #expect(result.problems.isEmpty, "\(result.problems)")
        #expect(result.programCounterName == "PC")
        let trace = try #require(result.traces.first { $0.pid == 1 })
        #expect(trace.active)
        #expect(trace.problem == nil)
        #expect(trace.frames.map(\.address) == [0x1010, 0x2004, 0x3000, 0x4004].map(setup.text))
        #expect(trace.frames.map(\.exception) == [false, false, true, false])
        // Each frame's stack address is the named function's own record (crash's column).
        #expect(trace.frames.map(\.stackPointer) == [stack + 0xf0, exception, third, last])
    }

    @Test("an exception frame from user mode ends the kernel stack")
    func userEntry() throws {
        let setup = ARM64TaskKernel()
        let stack = setup.stack
        let (first, entry) = (stack + 0x100, stack + 0x1f00)
        setup.record(at: first, next: entry, returnAddress: setup.text(0x2004))
        setup.exceptionFrame(record: entry, x29: 0xffff_e5d9_5e80, pc: 0x44_a7cc, lr: 0x4b_a534, pstate: 0x6000_1000)
        setup.kernel.cpus = [
            (1, SyntheticKernel.arm64Registers(pc: setup.text(0x1010), sp: stack, lr: setup.text(0x2004), frame: first))
        ]
        let trace = try #require(try setup.backtraces().traces.first { $0.pid == 1 })
        #expect(trace.problem == nil)
        #expect(trace.frames.map(\.address) == [setup.text(0x1010), setup.text(0x2004)])
    }

    @Test("sleeping task: from thread.cpu_context; a record chain that loops is reported")
    func sleepingAndLoop() throws {
        let setup = ARM64TaskKernel()
        let stack = setup.stack
        let context = setup.tasks[2] + ARM64TaskKernel.Offset.thread
        setup.kernel.write(stack + 0x200, at: context + ARM64TaskKernel.Offset.contextFP)
        setup.kernel.write(stack + 0x1f0, at: context + ARM64TaskKernel.Offset.contextSP)
        setup.kernel.write(ARM64TaskKernel.signed(setup.text(0x5008)), at: context + ARM64TaskKernel.Offset.contextPC)
        setup.record(at: stack + 0x200, next: stack + 0x240, returnAddress: setup.text(0x6004))
        setup.record(at: stack + 0x240, next: stack + 0x200, returnAddress: setup.text(0x7004))
        setup.kernel.cpus = [(1, SyntheticKernel.arm64Registers(pc: setup.text(0x1010), sp: stack, lr: 0))]
        let trace = try #require(try setup.backtraces().traces.first { $0.pid == 2 })
        #expect(!trace.active)
        #expect(trace.frames.map(\.address) == [0x5008, 0x6004, 0x7004].map(setup.text))
        #expect(trace.problem?.contains("the unwind repeats at") == true, "\(trace.problem ?? "")")
        // init_task's context was never written: no frames, and the reason.
        let idle = try #require(try setup.backtraces().traces.first { $0.pid == 0 })
        #expect(idle.frames.isEmpty)
        #expect(idle.problem?.contains("cpu_context.pc is 0") == true)
    }
}
