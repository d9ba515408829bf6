import KernelDump
import KtriageTestSupport
import Testing

/// A pretend kernel with BTF, `init_task`, two more processes and a run queue, for the task walk:
/// symbols come through the System.map path, layouts from a BTF blob placed in its memory.
struct TaskKernel {
    /// `struct task_struct` as this BTF lays it out.
    enum Offset {
        static let state: UInt64 = 0, pid: UInt64 = 4, cpu: UInt64 = 8, exitState: UInt64 = 12
        static let tasks: UInt64 = 16, realParent: UInt64 = 32, mm: UInt64 = 40, comm: UInt64 = 48
        static let threadGroup: UInt64 = 64
        static let size: UInt64 = 80
    }

    let kernel = SyntheticKernel(megabytes: 4, osRelease: "6.1.0-tasks")
    var symbols: [String: UInt64] = [:]
    var tasks: [UInt64] = []  // physical addresses: init_task, pid 1, pid 2

    static func btf(commLength: UInt32 = 16) -> [UInt8] {
        var builder = BTFBlobBuilder()
        builder.type("int", .int, sizeOrType: 4)  // 1
        builder.words(1 << 24 | 32)
        builder.type("unsigned int", .int, sizeOrType: 4)  // 2
        builder.words(32)
        builder.type("char", .int, sizeOrType: 1)  // 3
        builder.words(2 << 24 | 8)
        builder.type("", .array, sizeOrType: 0)  // 4: char[16] (or as asked)
        builder.words(3, 1, commLength)
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
        ]
        let names = members.map { builder.name($0.0) }
        builder.type("task_struct", .structure, vlen: members.count, sizeOrType: UInt32(Offset.size))  // 8
        for (index, member) in members.enumerated() { builder.words(names[index], member.1, UInt32(member.2 * 8)) }
        let curr = builder.name("curr")
        let idle = builder.name("idle")
        builder.type("rq", .structure, vlen: 2, sizeOrType: 16)  // 9
        builder.words(curr, 7, 0, idle, 7, 64)
        return builder.blob()
    }

    init(commLength: UInt32 = 16) {
        let blob = Self.btf(commLength: commLength)
        let btfAt = kernel.allocate(bytes: blob.count)
        kernel.write(blob, at: btfAt)
        let runqueue = kernel.allocate(bytes: 16)
        let offsets = kernel.allocate(bytes: 8)
        let cpuCount = kernel.allocate(bytes: 4)
        kernel.write(UInt32(1), at: cpuCount)
        for _ in 0..<3 { tasks.append(kernel.allocate(bytes: Int(Offset.size))) }
        let comms = ["swapper/0", "init", "kworker/0:1"]
        for (index, task) in tasks.enumerated() {
            kernel.write(Int32(index), at: task + Offset.pid)
            kernel.write(UInt32(index == 2 ? 0x402 : 0), at: task + Offset.state)
            kernel.write(Array(comms[index].utf8), at: task + Offset.comm)
            kernel.writePointer(kernel.imageAddress(tasks[index == 2 ? 1 : 0]), at: task + Offset.realParent)
            kernel.writePointer(index == 1 ? 0xffff_8880_0123_4000 : 0, at: task + Offset.mm)
            let group = kernel.imageAddress(task + Offset.threadGroup)
            kernel.writePointer(group, at: task + Offset.threadGroup)
            // tasks: init_task → 1 → 2 → init_task
            kernel.writePointer(kernel.imageAddress(tasks[(index + 1) % 3] + Offset.tasks), at: task + Offset.tasks)
        }
        kernel.writePointer(kernel.imageAddress(tasks[1]), at: runqueue)  // curr
        kernel.writePointer(kernel.imageAddress(tasks[0]), at: runqueue + 8)  // idle
        symbols = [
            "__start_BTF": kernel.imageAddress(btfAt), "__stop_BTF": kernel.imageAddress(btfAt) + UInt64(blob.count),
            "init_task": kernel.imageAddress(tasks[0]), "runqueues": kernel.imageAddress(runqueue),
            "__per_cpu_offset": kernel.imageAddress(offsets), "nr_cpu_ids": kernel.imageAddress(cpuCount),
        ]
    }

    func facts() throws -> DumpFacts {
        try TestPaths.open(ELFCoreWriter().write(kernel), name: "tasks.elf").facts(systemMap: symbols)
    }
}

@Suite("Task walk on a synthetic kernel with BTF")
struct TaskWalkTests {
    @Test("idle task, processes, states, parents, the active task")
    func wholeList() throws {
        let facts = try TaskKernel().facts()
        #expect(facts.btf?.types == 9)
        #expect(facts.partial == false)
        let tasks = facts.tasks ?? []
        #expect(tasks.map(\.pid) == [0, 1, 2])
        #expect(tasks.map(\.comm) == ["swapper/0", "init", "kworker/0:1"])
        #expect(tasks.map(\.state) == ["RU", "RU", "ID"])
        #expect(tasks.map(\.ppid) == [0, 0, 1])
        #expect(tasks.map(\.active) == [false, true, false])
        #expect(tasks.map(\.kernelThread) == [true, false, true])
        #expect(facts.taskCount == 3)
        // The facts whose symbols the map lacks are missing, each with its reason.
        #expect(facts.uptimeSeconds == nil)
        #expect(facts.problems.contains { $0.hasPrefix("HZ: ") && $0.contains("tick_nsec") })
    }

    @Test("a task list that loops ends the walk, keeps what was read and is marked partial")
    func loop() throws {
        let setup = TaskKernel()
        // pid 2's next points back at pid 1 instead of init_task.
        setup.kernel.writePointer(
            setup.kernel.imageAddress(setup.tasks[1] + TaskKernel.Offset.tasks),
            at: setup.tasks[2] + TaskKernel.Offset.tasks)
        let facts = try setup.facts()
        #expect(facts.partial)
        #expect(facts.tasks?.map(\.pid) == [0, 1, 2])
        #expect(facts.problems.contains { $0.contains("the task list loops back to") })
    }

    @Test("a damaged pointer ends the walk with the task it was read from")
    func damaged() throws {
        let setup = TaskKernel()
        setup.kernel.writePointer(0xffff_dead_0000_0000, at: setup.tasks[1] + TaskKernel.Offset.tasks)
        let facts = try setup.facts()
        #expect(facts.partial)
        #expect(facts.tasks?.map(\.pid) == [0, 1])
        let address = String(setup.kernel.imageAddress(setup.tasks[1]), radix: 16)
        #expect(
            facts.problems.contains {
                $0.contains("task list cut after task 0x\(address): its next pointer 0xffffdead00000000 cannot be read")
            }, "\(facts.problems)")
    }
}

@Suite("Backtraces without ORC tables")
struct NoORCTests {
    @Test("a kernel without ORC symbols: stacks are scanned instead, and the reasons say why")
    func noTables() throws {
        let setup = TaskKernel()
        let dump = try TestPaths.open(ELFCoreWriter().write(setup.kernel), name: "no-orc.elf")
        _ = dump.facts(systemMap: setup.symbols)
        let result = dump.backtraces(systemMap: setup.symbols)
        #expect(result.problems.contains { $0.contains("no ORC tables") }, "\(result.problems)")
        #expect(result.problems.contains { $0.contains("frames are unreliable") }, "\(result.problems)")
        // This BTF has no task_struct.stack: no stack to scan, each task says so.
        #expect(result.traces.count == 3)
        #expect(result.traces.allSatisfy { $0.frames.isEmpty && $0.problem?.contains("'stack'") == true })
    }
}
