import CrashFleet
import KernelFacts
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
        if let address = frame.address { text += " (0x" + String(address, radix: 16) + ")" }
        return text
    }
}

/// Plain-language meaning of the taint flags, for reports (words from `TaintFlag`).
public enum TaintText {
    /// `W` → `W (warn): kernel issued a warning earlier`.
    public static func explain(_ letter: String) -> String {
        let name = Taint.table.first { String($0.letter) == letter }?.name ?? "unknown"
        let meaning = letter.first.flatMap { TaintFlag.meaning(ofLetter: $0) } ?? "not a known flag"
        return "\(letter) (\(name)): " + meaning
    }
}
