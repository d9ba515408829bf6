import KernelDump

/// `vmcore ps`: crash's `ps` columns (`PID PPID CPU TASK ST COMM`, `>` for the task running on
/// its CPU, kernel threads in brackets), then a count by state and the tasks in `UN`
/// (uninterruptible, `D` in `/proc`) listed again: what a hung-task post-mortem looks for first.
public enum VmcorePsText {
    public static func render(_ facts: DumpFacts) -> String {
        let tasks = facts.tasks ?? []
        var out = "      PID    PPID  CPU       TASK        ST  COMM\n"
        for task in tasks { out += line(task) }
        var counts: [String: Int] = [:]
        for task in tasks { counts[task.state, default: 0] += 1 }
        let order = counts.keys.sorted { (counts[$0] ?? 0, $1) > (counts[$1] ?? 0, $0) }
        out += "\n\(tasks.count) tasks: " + order.map { "\(counts[$0] ?? 0) \($0)" }.joined(separator: ", ") + "\n"
        let blocked = tasks.filter { $0.state == "UN" }
        if blocked.isEmpty {
            out += "No task in UN (uninterruptible, D) state.\n"
        } else {
            out += "\(blocked.count) in UN (uninterruptible, D) state:\n"
            for task in blocked { out += line(task) }
        }
        for problem in facts.problems { out += "Problem: \(problem)\n" }
        return out
    }

    /// One crash-style row.
    static func line(_ task: DumpTask) -> String {
        let mark = task.active ? ">" : " "
        // Any process names itself (`prctl(PR_SET_NAME)`), escape bytes included.
        let name = TerminalText.clean(task.comm)
        let comm = task.kernelThread ? "[\(name)]" : name
        let address = String(task.task, radix: 16)
        return mark + right(String(task.pid), 8) + right(String(task.ppid), 8) + right(String(task.cpu), 5) + "  "
            + right(address, 16) + "  " + task.state + "  " + comm + "\n"
    }

    static func right(_ text: String, _ width: Int) -> String {
        text.count >= width ? text : String(repeating: " ", count: width - text.count) + text
    }
}
