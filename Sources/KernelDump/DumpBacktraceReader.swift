/// Every task's kernel stack — x86-64 with the dump's ORC tables (`ORCUnwinder`), arm64 by its
/// frame records (`FrameRecordUnwinder`): tasks running at crash time from their CPU's saved
/// registers, the others from the context `switch_to` saved (`thread.sp`, `thread.cpu_context`).
enum DumpBacktraceReader {
    static func read(
        _ dump: Vmcore, facts: DumpFacts, reader: KernelObjectReader?, including: (DumpTask) -> Bool
    ) -> DumpBacktraces {
        var result = DumpBacktraces(traces: [], problems: [])
        guard let reader, let tasks = facts.tasks else {
            let reason = "no task list: " + facts.problems.joined(separator: "; ")
            if dump.isARM64 { return readCPUFrameRecords(dump, reader: reader, reason: reason, including: including) }
            result.problems = [reason]
            return result
        }
        if dump.isARM64 {
            return readFrameRecords(dump, facts: facts, reader: reader, tasks: tasks.filter(including))
        }
        let kallsyms = dump.kallsyms
        let unwinder: ORCUnwinder
        do {
            let layout = try ORCLayout.select(reader: reader, release: dump.vmcoreinfo?.osRelease)
            unwinder = try ORCUnwinder(
                reader: reader, kernelSymbols: reader.symbols, modules: facts.modules ?? [], layout: layout,
                symbolize: { kallsyms?.textSymbol(containing: $0) })
        } catch {
            return scanStacks(dump, facts: facts, reader: reader, tasks: tasks.filter(including), reason: "\(error)")
        }
        result.traces = unwind(tasks.filter(including), cpus: dump.cpus, with: unwinder)
        result.problems += unwinder.problems
        if let problem = unwinder.namer.problem { result.problems.append(problem) }
        return result
    }

    /// Each task from its CPU's registers when it was running, else from what `switch_to` saved.
    static func unwind(_ tasks: [DumpTask], cpus: [CPUState], with unwinder: some TaskUnwinder) -> [DumpBacktrace] {
        tasks.map { task in
            var trace = DumpBacktrace(
                pid: task.pid, comm: task.comm, cpu: task.cpu, task: task.task, active: task.active, frames: [],
                problem: nil)
            if task.active {
                if task.cpu < cpus.count {
                    (trace.frames, trace.problem) = unwinder.unwindRunning(cpus[task.cpu])
                } else {
                    trace.problem = "no NT_PRSTATUS registers for CPU \(task.cpu)"
                }
            } else {
                do {
                    (trace.frames, trace.problem) = try unwinder.unwindSleeping(task: task.task)
                } catch {
                    trace.problem = "\(error)"
                }
            }
            return trace
        }
    }
}

/// An unwinder of running tasks (from a CPU's registers) and sleeping ones (from their `task_struct`).
protocol TaskUnwinder {
    func unwindRunning(_ cpu: CPUState) -> (frames: [DumpFrame], problem: String?)
    func unwindSleeping(task: UInt64) throws -> (frames: [DumpFrame], problem: String?)
}

extension DumpBacktraceReader {
    /// Without an unwinder: each task's stack scanned for return addresses (`StackScanner`), from
    /// its CPU's stack pointer when it was running, its saved one when it slept.
    static func scanStacks(
        _ dump: Vmcore, facts: DumpFacts, reader: KernelObjectReader, tasks: [DumpTask], reason: String
    ) -> DumpBacktraces {
        var result = DumpBacktraces(
            traces: [], problems: [reason + "; stacks were scanned for return addresses instead: frames are unreliable"]
        )
        let kallsyms = dump.kallsyms
        let namer = FrameNamer(
            reader: reader, modules: facts.modules ?? [], symbolize: { kallsyms?.textSymbol(containing: $0) })
        let scanner = StackScanner(
            reader: reader, namer: namer, machine: dump.machine.name, pageSize: dump.pageSize,
            strip: dump.stripPointerAuthentication)
        for task in tasks {
            var trace = DumpBacktrace(
                pid: task.pid, comm: task.comm, cpu: task.cpu, task: task.task, active: task.active, frames: [],
                problem: nil)
            let stackPointer =
                task.active && task.cpu < dump.cpus.count
                ? dump.cpus[task.cpu].stackPointer
                : ["thread.sp", "thread.cpu_context.sp"].lazy.compactMap {
                    try? reader.unsigned(task.task, "task_struct", $0)
                }.first
            do {
                (trace.frames, trace.problem) = try scanner.scan(task: task.task, stackPointer: stackPointer)
            } catch {
                trace.problem = "\(error)"
            }
            result.traces.append(trace)
        }
        if let problem = namer.problem { result.problems.append(problem) }
        return result
    }

    /// arm64 without a task list (no BTF, or no symbols for it): each CPU's stack from its
    /// registers alone, as a task with pid −1, no name and no `task_struct` address.
    static func readCPUFrameRecords(
        _ dump: Vmcore, reader: KernelObjectReader?, reason: String, including: (DumpTask) -> Bool
    ) -> DumpBacktraces {
        var result = DumpBacktraces(
            traces: [], problems: [reason + "; each CPU unwound from its registers alone"], programCounterName: "PC")
        let kallsyms = dump.kallsyms
        let namer = FrameNamer(reader: reader, modules: [], symbolize: { kallsyms?.textSymbol(containing: $0) })
        let unwinder = FrameRecordUnwinder(
            memory: dump.memory, reader: reader, namer: namer, strip: dump.stripPointerAuthentication)
        for cpu in dump.cpus {
            let placeholder = DumpTask(
                pid: -1, ppid: -1, cpu: cpu.cpu, task: 0, state: "RU", stateBits: 0, comm: "", active: true,
                kernelThread: false)
            guard including(placeholder) else { continue }
            var trace = DumpBacktrace(pid: -1, comm: "", cpu: cpu.cpu, task: 0, active: true, frames: [], problem: nil)
            (trace.frames, trace.problem) = unwinder.unwindRunning(cpu)
            result.traces.append(trace)
        }
        return result
    }

    /// arm64: frame records from each CPU's registers or each task's `cpu_context`.
    static func readFrameRecords(_ dump: Vmcore, facts: DumpFacts, reader: KernelObjectReader, tasks: [DumpTask])
        -> DumpBacktraces
    {
        var result = DumpBacktraces(traces: [], problems: [], programCounterName: "PC")
        let kallsyms = dump.kallsyms
        let namer = FrameNamer(
            reader: reader, modules: facts.modules ?? [], symbolize: { kallsyms?.textSymbol(containing: $0) })
        let unwinder = FrameRecordUnwinder(
            memory: dump.memory, reader: reader, namer: namer, strip: dump.stripPointerAuthentication)
        if unwinder.stackframeOffset == nil {
            result.problems.append("BTF has no pt_regs.stackframe: exception frames are not marked")
        }
        result.traces = unwind(tasks, cpus: dump.cpus, with: unwinder)
        if let problem = namer.problem { result.problems.append(problem) }
        return result
    }
}

/// The stacks of every task, and why some could not be unwound.
public struct DumpBacktraces: Sendable, Equatable {
    public var traces: [DumpBacktrace]
    public var problems: [String]
    /// What crash calls the program counter of an exception frame: `RIP` (x86-64), `PC` (arm64).
    public var programCounterName = "RIP"
}
