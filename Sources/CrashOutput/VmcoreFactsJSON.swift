import KernelDump

/// The JSON of `DumpFacts`: the members `vmcore info` adds (`uptime_seconds`, `load_average`,
/// `tasks`, `memory_bytes`, `taint`, `command_line`, `modules`, …) and `vmcore ps`'s
/// `{"tasks": [...]}`. Addresses are `0x…` strings, like the registers of `vmcore info`.
public enum VmcoreFactsJSON {
    /// Adds the facts to `vmcore info`'s object (`nodename` is already there, from utsname).
    static func add(_ facts: DumpFacts, to object: inout SortedJSONObject) {
        if let btf = facts.btf {
            var source = SortedJSONObject()
            source.string("address", VmcoreSummary.hex(btf.address))
            source.int("bytes", btf.bytes)
            source.int("types", btf.types)
            object.raw("btf", source.finish())
        }
        object.string("command_line", facts.commandLine)
        object.strings("facts_problems", facts.problems)
        object.bool("facts_partial", facts.partial)
        object.int("hz", facts.hz)
        if let loads = facts.loadAverage {
            object.raw("load_average", "[" + loads.map { hundredths($0) }.joined(separator: ",") + "]")
        }
        if let memory = facts.memoryBytes { object.raw("memory_bytes", String(memory)) }
        if let modules = facts.modules { object.raw("modules", "[" + modules.map(module).joined(separator: ",") + "]") }
        if let taint = facts.taint {
            var value = SortedJSONObject()
            value.strings("flags", taint.flags)
            value.string("letters", taint.letters)
            value.string("mask", VmcoreSummary.hex(taint.mask))
            object.raw("taint", value.finish())
        }
        object.int("tasks", facts.taskCount)
        if let uptime = facts.uptimeSeconds { object.raw("uptime_seconds", String(format3(uptime))) }
    }

    /// `vmcore ps --format json`: `{"partial": …, "problems": [...], "tasks": [...]}`.
    public static func renderTasks(_ facts: DumpFacts) -> String {
        var object = SortedJSONObject()
        object.bool("partial", facts.partial)
        object.strings("problems", facts.problems)
        object.raw("tasks", "[" + (facts.tasks ?? []).map(task).joined(separator: ",") + "]")
        return JSONPretty.format(object.finish()) + "\n"
    }

    static func task(_ task: DumpTask) -> String {
        var object = SortedJSONObject()
        object.bool("active", task.active)
        object.string("comm", task.comm)
        object.int("cpu", task.cpu)
        object.bool("kernel_thread", task.kernelThread)
        object.int("pid", Int(task.pid))
        object.int("ppid", Int(task.ppid))
        object.string("state", task.state)
        object.string("state_bits", VmcoreSummary.hex(task.stateBits))
        object.string("task", VmcoreSummary.hex(task.task))
        return object.finish()
    }

    static func module(_ module: DumpFacts.Module) -> String {
        var object = SortedJSONObject()
        object.string("address", VmcoreSummary.hex(module.address))
        object.string("base", VmcoreSummary.hex(module.base))
        object.string("name", module.name)
        object.raw("size", String(module.size))
        object.string("state", module.state)
        object.string("taint", module.taint)
        return object.finish()
    }

    /// `0.08`: two decimals, as crash prints a load average.
    static func hundredths(_ value: Double) -> String { decimal(value, places: 2) }

    /// Three decimals (a millisecond), trailing zeros kept short: `6.452`.
    static func format3(_ value: Double) -> String { decimal(value, places: 3) }

    /// `value` with `places` decimals (`-0.250`). The readers bound what they hand over, but a
    /// formatter takes any `Double`: one too large for an `Int` of its last decimal is printed as
    /// Swift prints it (`1e+20`, still a JSON number), and one that is not finite as `null`.
    static func decimal(_ value: Double, places: Int) -> String {
        guard value.isFinite else { return "null" }
        let unit = (0..<places).reduce(1) { product, _ in product * 10 }
        let scaledValue = (value.magnitude * Double(unit)).rounded()
        guard scaledValue < 1e18 else { return "\(value)" }
        let scaled = Int(scaledValue)
        let fraction = String(scaled % unit)
        let sign = value < 0 && scaled != 0 ? "-" : ""
        return sign + "\(scaled / unit)." + String(repeating: "0", count: places - fraction.count) + fraction
    }
}

/// `vmcore bt --format json`: `{"problems": [...], "tasks": [{"pid", "comm", "cpu", "frames":
/// [{"function", "offset", "module", "address"}]}]}`.
public enum VmcoreBacktraceJSON {
    public static func render(_ traces: [DumpBacktrace], problems: [String]) -> String {
        var object = SortedJSONObject()
        object.strings("problems", problems)
        object.raw("tasks", "[" + traces.map(trace).joined(separator: ",") + "]")
        return JSONPretty.format(object.finish()) + "\n"
    }

    static func trace(_ trace: DumpBacktrace) -> String {
        var object = SortedJSONObject()
        object.bool("active", trace.active)
        object.string("comm", trace.comm)
        object.int("cpu", trace.cpu)
        object.raw("frames", "[" + trace.frames.map(frame).joined(separator: ",") + "]")
        object.int("pid", Int(trace.pid))
        object.string("problem", trace.problem)
        object.string("task", VmcoreSummary.hex(trace.task))
        return object.finish()
    }

    static func frame(_ frame: DumpFrame) -> String {
        var object = SortedJSONObject()
        object.string("address", VmcoreSummary.hex(frame.address))
        object.bool("exception", frame.exception)
        object.string("function", frame.function)
        object.string("module", frame.module)
        if let offset = frame.offset { object.string("offset", VmcoreSummary.hex(offset)) }
        if !frame.reliable { object.bool("reliable", false) }
        object.string("stack_pointer", VmcoreSummary.hex(frame.stackPointer))
        return object.finish()
    }
}
