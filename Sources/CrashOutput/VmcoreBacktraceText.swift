import KernelDump

/// `vmcore bt`: crash's `bt` layout — a `PID: … TASK: … CPU: … COMMAND: "…"` line per task, then
/// one `#n [stack pointer] function+offset at address [module]` line per frame; exception frames
/// as `[exception RIP: function+offset]` (`PC` on arm64); why an unwind stopped early, when it did.
public enum VmcoreBacktraceText {
    public static func render(_ traces: [DumpBacktrace], problems: [String], programCounterName: String = "RIP")
        -> String
    {
        var out = ""
        for (index, trace) in traces.enumerated() {
            if index > 0 { out += "\n" }
            if trace.task == 0 {
                // No task list (arm64 without BTF symbols): the CPU's registers alone.
                out += "CPU: \(trace.cpu)  (registers only: no task list)\n"
            } else {
                out +=
                    "PID: \(trace.pid)  TASK: \(String(trace.task, radix: 16))  CPU: \(trace.cpu)  COMMAND: \"\(TerminalText.clean(trace.comm))\""
                out += trace.active ? "  (active)\n" : "\n"
            }
            for (number, frame) in trace.frames.enumerated() {
                let name = frameName(frame)
                if frame.exception { out += "    [exception \(programCounterName): \(name)]\n" }
                let label = number < 10 ? " #\(number)" : "#\(number)"
                // A frame found by scanning the stack is marked as the kernel marks it: `?`.
                out +=
                    "\(label) [\(String(frame.stackPointer, radix: 16))] \(frame.reliable ? "" : "? ")\(name) at \(String(frame.address, radix: 16))"
                out += frame.module.map { " [\(TerminalText.clean($0))]" } ?? ""
                out += "\n"
            }
            if let problem = trace.problem { out += "    (unwind stopped: \(problem))\n" }
        }
        for problem in problems { out += "Problem: \(problem)\n" }
        return out
    }

    /// `function+0x1f`, or the hex address when the function is unknown (module text).
    static func frameName(_ frame: DumpFrame) -> String {
        guard let function = frame.function else { return String(frame.address, radix: 16) }
        return TerminalText.clean(function) + "+0x" + String(frame.offset ?? 0, radix: 16)
    }
}
