/// Lists every task the way crash's `ps` does: each CPU's idle task (`runqueues.idle` through
/// `__per_cpu_offset`; CPU 0's is `init_task`), every process on `init_task.tasks`, and every
/// thread of each process (`signal->thread_head` / `thread_node` where the kernel has it, 2.6.39+;
/// else the `thread_group` list, removed in 6.7). The task running on each CPU at crash time is
/// `runqueues.curr`.
///
/// Walks are bounded (`maxTasks`, a visited set against loops); a damaged pointer ends that walk
/// and is reported, the tasks read so far are kept.
struct TaskListReader {
    static let maxTasks = 1_000_000
    static let maxCPUs = 8192
    /// `TASK_COMM_LEN`.
    static let commLength = 16

    let reader: KernelObjectReader

    struct Fields {
        let pid: BTFMemberLocation
        let realParent: UInt64
        let cpuPath: String
        let statePath: String
        let comm: UInt64
        let mm: UInt64
        let tasks: UInt64
    }

    func read() throws -> (tasks: [DumpTask], problems: [String]) {
        var problems: [String] = []
        let initTask = try reader.symbol("init_task")
        let tasksOffset = try reader.offset("task_struct", "tasks")
        let cpuPath = reader.has("task_struct", "cpu") ? "cpu" : "thread_info.cpu"
        let statePath = reader.has("task_struct", "__state") ? "__state" : "state"

        // Idle and current task of each CPU.
        var idle: [(cpu: Int, task: UInt64)] = []
        var current: Set<UInt64> = []
        do {
            let runqueues = try reader.symbol("runqueues")
            let offsets = try reader.symbol("__per_cpu_offset")
            let count = Int(
                try reader.memory.readUnsigned(try reader.symbol("nr_cpu_ids"), size: 4, what: "nr_cpu_ids"))
            for cpu in 0..<min(max(count, 1), Self.maxCPUs) {
                let offset = try reader.word(offsets &+ UInt64(cpu * 8), what: "__per_cpu_offset[\(cpu)]")
                let queue = runqueues &+ offset
                let idleTask = try reader.unsigned(queue, "rq", "idle")
                let currentTask = try reader.unsigned(queue, "rq", "curr")
                if idleTask != 0 { idle.append((cpu, idleTask)) }
                if currentTask != 0 { current.insert(currentTask) }
            }
        } catch {
            problems.append(
                "per-CPU run queues unreadable (\(error)): idle tasks other than init_task and the active marks are missing"
            )
        }
        if !idle.contains(where: { $0.task == initTask }) { idle.insert((0, initTask), at: 0) }

        var addresses: [UInt64] = idle.map(\.task)
        var seen = Set(addresses)
        // Processes.
        var leaders: [UInt64] = []
        let head = initTask &+ tasksOffset
        var node: UInt64
        do { node = try reader.word(head, what: "init_task.tasks.next") } catch {
            problems.append("\(error)")
            node = head
        }
        var visited: Set<UInt64> = [head]
        var previous = initTask
        while node != head {
            guard visited.count <= Self.maxTasks else {
                problems.append("more than \(Self.maxTasks) processes: walk stopped")
                break
            }
            guard visited.insert(node).inserted else {
                problems.append("the task list loops back to 0x\(String(node, radix: 16))")
                break
            }
            // A node whose own next pointer cannot be read is no task: the walk ends before it.
            let following: UInt64
            do { following = try reader.word(node, what: "task_struct.tasks.next") } catch {
                problems.append(
                    "task list cut after task 0x\(String(previous, radix: 16)): its next pointer 0x\(String(node, radix: 16)) cannot be read (\(error))"
                )
                break
            }
            let task = node &- tasksOffset
            leaders.append(task)
            if seen.insert(task).inserted { addresses.append(task) }
            previous = task
            node = following
        }
        // Threads of each process, from one budget of list nodes: a real kernel's thread lists
        // are disjoint and hold each task once, but damaged ones may all run down one long chain,
        // which per-list bounds would let every process walk again.
        var threadBudget = Self.maxTasks
        for (index, leader) in leaders.enumerated() {
            guard threadBudget > 0 else {
                problems.append(
                    "threads of the last \(leaders.count - index) processes not read: the \(Self.maxTasks) thread-list nodes of the budget are spent"
                )
                break
            }
            do {
                for thread in try threads(of: leader, budget: &threadBudget) where seen.insert(thread).inserted {
                    guard addresses.count < Self.maxTasks else { break }
                    addresses.append(thread)
                }
            } catch {
                problems.append("threads of 0x\(String(leader, radix: 16)) unreadable: \(error)")
            }
        }

        let idleCPU = Dictionary(idle.map { ($0.task, $0.cpu) }, uniquingKeysWith: { first, _ in first })
        var tasks: [DumpTask] = []
        tasks.reserveCapacity(addresses.count)
        for address in addresses {
            do {
                tasks.append(
                    try task(
                        at: address, cpuPath: cpuPath, statePath: statePath, idleCPU: idleCPU[address],
                        active: current.contains(address)))
            } catch {
                problems.append("task 0x\(String(address, radix: 16)) unreadable: \(error)")
            }
        }
        tasks.sort { ($0.pid, $0.cpu, $0.task) < ($1.pid, $1.cpu, $1.task) }
        return (tasks, problems)
    }

    /// The tasks of `leader`'s thread group (the leader included); each node followed is taken
    /// from `budget`, and a list that would pass it throws.
    func threads(of leader: UInt64, budget: inout Int) throws -> [UInt64] {
        let listHead: UInt64
        let nodeOffset: UInt64
        if reader.has("task_struct", "thread_node"), reader.has("signal_struct", "thread_head") {
            let signal = try reader.unsigned(leader, "task_struct", "signal")
            guard signal != 0 else { return [leader] }
            listHead = signal &+ (try reader.offset("signal_struct", "thread_head"))
            nodeOffset = try reader.offset("task_struct", "thread_node")
        } else {
            nodeOffset = try reader.offset("task_struct", "thread_group")
            listHead = leader &+ nodeOffset
        }
        var result: [UInt64] = []
        var visited: Set<UInt64> = [listHead]
        var node = try reader.word(listHead, what: "thread list head")
        while node != listHead {
            guard budget > 0 else {
                throw BTFError(
                    offset: nil, field: "thread list",
                    message:
                        "walk stopped: the processes' thread lists hold more than \(Self.maxTasks) thread-list nodes")
            }
            budget -= 1
            guard visited.insert(node).inserted else {
                throw BTFError(offset: nil, field: "thread list", message: "loops back to 0x\(String(node, radix: 16))")
            }
            result.append(node &- nodeOffset)
            node = try reader.word(node, what: "thread list next")
        }
        if !result.contains(leader) { result.insert(leader, at: 0) }
        return result
    }

    func task(at address: UInt64, cpuPath: String, statePath: String, idleCPU: Int?, active: Bool) throws -> DumpTask {
        let pid = Int32(truncatingIfNeeded: try reader.signed(address, "task_struct", "pid"))
        let parent = try reader.unsigned(address, "task_struct", "real_parent")
        // Idle tasks show parent 0 as in crash (secondary CPUs' idle tasks were forked by pid 1).
        let ppid =
            parent == 0 || pid == 0 ? 0 : Int32(truncatingIfNeeded: try reader.signed(parent, "task_struct", "pid"))
        // Clamped: the dump's BTF decides the member's width (an 8-byte `cpu` may exceed Int.max).
        let cpu = Int(clamping: try reader.unsigned(address, "task_struct", cpuPath))
        let state = try reader.unsigned(address, "task_struct", statePath)
        let exitState = try reader.unsigned(address, "task_struct", "exit_state")
        let bits = (state | exitState) & 0xffff_ffff
        let comm = try reader.charArray(address, "task_struct", "comm")
        let mm = try reader.unsigned(address, "task_struct", "mm")
        return DumpTask(
            pid: pid, ppid: ppid, cpu: idleCPU ?? cpu, task: address, state: TaskState.code(bits), stateBits: bits,
            comm: comm, active: active, kernelThread: mm == 0)
    }
}
