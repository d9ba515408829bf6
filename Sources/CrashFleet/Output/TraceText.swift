import KernelLog

/// The decoded call trace of a record as plain lines (`function+0x4a3/0x1b90 [module]`),
/// for the HTML detail view, Markdown and bug reports. Escaping is the caller's job.
public enum TraceText {
    public static func lines(_ record: CrashRecord) -> [String] {
        var lines: [String] = []
        if let rip = record.rip { lines.append("RIP: " + frame(rip)) }
        if !record.frames.isEmpty { lines.append("Call Trace:") }
        var context: FrameContext = .task
        for item in record.frames {
            if item.context != context {
                lines.append(" <\(item.context.rawValue.uppercased())>")
                context = item.context
            }
            lines.append((item.reliable ? "  " : "  ? ") + frame(item))
        }
        return lines
    }

    public static func frame(_ frame: Frame) -> String {
        var text = frame.function
        if let offset = frame.offset {
            text += "+0x" + String(offset, radix: 16)
            if let size = frame.size { text += "/0x" + String(size, radix: 16) }
        }
        if let module = frame.module { text += " [" + module + "]" }
        return text
    }
}

/// Plain-language meaning of the taint flags, for reports.
public enum TaintText {
    static let meanings: [String: String] = [
        "P": "a proprietary module was loaded", "F": "a module was force-loaded",
        "S": "the CPU is out of specification (or SMP on an unsafe CPU)", "R": "a module was force-unloaded",
        "M": "a machine check exception occurred", "B": "a bad page was found (memory corruption)",
        "U": "userspace requested tainting", "D": "the kernel died recently (an earlier oops or BUG)",
        "A": "an ACPI table was overridden", "W": "a warning was issued earlier",
        "C": "a staging driver was loaded", "I": "a firmware bug workaround is active",
        "O": "an out-of-tree module was loaded", "E": "an unsigned module was loaded",
        "L": "a soft lockup occurred earlier", "K": "the kernel was live-patched",
        "X": "an auxiliary taint (distribution-defined)", "T": "built with the randstruct plugin",
        "N": "an in-kernel test was run", "J": "a fwctl firmware command was used",
    ]

    /// `W` → `W (warn): a warning was issued earlier`.
    public static func explain(_ letter: String) -> String {
        let name = Taint.table.first { String($0.letter) == letter }?.name ?? "unknown"
        return "\(letter) (\(name)): " + (meanings[letter] ?? "not a known flag")
    }
}
