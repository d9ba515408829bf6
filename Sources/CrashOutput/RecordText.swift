import CrashFleet
import KernelFacts
import KernelLog
import KtriageBytes

/// One crash record explained for a person, as plain text (`ktriage show`).
public enum RecordText {
    /// Text styles, applied only when the caller allows colour.
    public struct Style: Sendable {
        public var bold: @Sendable (String) -> String
        public var dim: @Sendable (String) -> String

        public static let plain = Style(bold: { $0 }, dim: { $0 })
        public static let terminal = Style(
            bold: { "\u{1B}[1m" + $0 + "\u{1B}[0m" }, dim: { "\u{1B}[2m" + $0 + "\u{1B}[0m" })
    }

    public static func render(_ record: CrashRecord, style: Style = .plain) -> String {
        var out: [String] = []
        out.append(style.bold(clean(record.title)))
        var status: [String] = [record.kind.rawValue]
        if record.recordClass == .event { status.append("node event, not a crash") }
        if record.panicked { status.append("panicked") }
        if record.corrupted { status.append("corrupted" + (record.corruptedReason.map { ": " + clean($0) } ?? "")) }
        if let link = record.linkedTo { status.append("follows report #\(link + 1) of this input") }
        field(&out, "kind", status.joined(separator: ", "))
        var place = "\(record.file ?? "-"):\(record.line)"
        if let host = record.host { place += "  host " + clean(host) }
        if let wall = record.time.wallMicros { place += "  " + TimeText.iso8601(micros: wall) }
        if let mono = record.time.monotonicMicros { place += "  [" + TimeText.seconds(micros: mono) + "]" }
        field(&out, "where", place)
        field(&out, "message", clean(record.message))
        if let kernel = record.kernel {
            var parts: [String] = []
            if let version = kernel.version { parts.append("version " + clean(version)) }
            if let build = kernel.build { parts.append("build " + clean(build)) }
            if let flavour = kernel.flavour { parts.append("flavour " + clean(flavour)) }
            field(
                &out, "kernel",
                clean(kernel.release) + (parts.isEmpty ? "" : " (" + parts.joined(separator: ", ") + ")"))
        }
        if let taint = record.taint {
            let explained = taint.explanations
            if explained.isEmpty {
                field(&out, "taint", "not tainted")
            } else {
                field(&out, "taint", clean(taint.letters.replacingOccurrences(of: " ", with: "")))
                for line in explained { out.append(String(repeating: " ", count: 13) + line) }
            }
        }
        var task: [String] = []
        if let cpu = record.cpu { task.append("CPU \(cpu)") }
        if let pid = record.pid { task.append("PID \(pid)") }
        if let comm = record.comm { task.append("comm " + clean(comm)) }
        if !task.isEmpty { field(&out, "task", task.joined(separator: ", ")) }
        if let hardware = record.hardware {
            field(&out, "hardware", clean(hardware) + (record.bios.map { HardwareName.biosMarker + clean($0) } ?? ""))
        }
        if let workqueue = record.workqueue { field(&out, "workqueue", clean(workqueue)) }
        if let rip = record.rip { field(&out, "crashed at", frameText(rip)) }
        if let guilty = record.guilty {
            field(&out, "guilty", clean(guilty.function) + (guilty.module.map { " [" + clean($0) + "]" } ?? ""))
        }
        field(&out, "signature", record.signature + " (v\(record.signatureVersion))")
        if !record.frames.isEmpty {
            out.append("")
            out.append(style.bold("Call trace"))
            var context: FrameContext?
            for frame in record.frames {
                if frame.context != context {
                    out.append("  <" + frame.context.rawValue + ">")
                    context = frame.context
                }
                let text = "    " + (frame.reliable ? "" : "? ") + frameText(frame)
                out.append(frame.reliable ? text : style.dim(text))
            }
        }
        if !record.modules.isEmpty || record.lastUnloaded != nil {
            out.append("")
            let names = record.modules.map { module in
                clean(module.name) + (module.taint.map { "(" + clean($0) + ")" } ?? "")
            }
            out.append(style.bold("Modules") + " (\(record.modules.count)): " + names.joined(separator: " "))
            if let last = record.lastUnloaded { out.append("last unloaded: " + clean(last)) }
        }
        if !record.registers.isEmpty {
            out.append("")
            out.append(style.bold("Registers"))
            // In the order printed (RIP, RSP … / pc, lr, sp, x29 …); records stored without it sorted.
            let names = record.registerOrder ?? record.registers.keys.sorted()
            var line = ""
            for name in names {
                let cell = clean(name) + ": " + clean(record.registers[name] ?? "")
                if line.count + cell.count > 100 {
                    out.append("  " + line)
                    line = ""
                }
                line += (line.isEmpty ? "" : "  ") + cell
            }
            if !line.isEmpty { out.append("  " + line) }
        }
        if let code = record.code { out.append("Code: " + clean(code)) }
        return out.joined(separator: "\n")
    }

    /// `function+0x4c/0x1a0 [module] (0xffffffffc0a1b2c3)`, escaped for the terminal.
    public static func frameText(_ frame: Frame) -> String { clean(TraceText.frame(frame)) }

    private static func field(_ out: inout [String], _ name: String, _ value: String) {
        out.append(name + ":" + String(repeating: " ", count: max(1, 12 - name.count)) + value)
    }

    /// Log-derived text with control bytes shown escaped, so nothing can drive the terminal.
    static func clean(_ text: String) -> String {
        ByteEscaping.displayString(Array(text.utf8))
    }
}
