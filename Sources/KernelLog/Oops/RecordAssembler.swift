import Foundation
import KernelFacts
import KtriageBytes

/// Turns a collected report into a record: title, fields, frames, corruption checks.
enum RecordAssembler {
    static func assemble(_ report: ReportBuilder, keepText: Bool) -> CrashRecord {
        let titleLines = Array(report.lines[min(report.headerIndex, report.lines.count - 1)...])
        let headerLine = titleLines.first ?? ""
        let engine = TitleEngine(lines: titleLines, header: report.header)
        var result = engine.make()
        if let lead = report.leadFamily {
            result.kind = leadKind(lead) ?? result.kind
        }
        let title = TitleNormalizer.normalize(result.title)
        var seen = Set([title])
        let alts = result.altTitles.map(TitleNormalizer.normalize).filter { seen.insert($0).inserted }.sorted()

        var fields = FieldExtractor()
        fields.scan(report.lines)
        let frames = fields.frames

        let recordClass = classify(report)
        var corrupted = result.corruptedReason
        // Cut at a limit: what the record says about the end of the report may be wrong. An
        // event's title comes from lines kept past the cap (an OOM report's task dump is what is cut).
        if corrupted == nil, report.truncated, recordClass == .crash {
            corrupted = "cut after \(CrashReportParser.maxReportLines) lines (CrashReportParser.maxReportLines)"
        }
        if corrupted == nil, fields.framesCut {
            corrupted =
                "more than \(CrashReportParser.maxFramesPerReport) frames: the rest left out (CrashReportParser.maxFramesPerReport)"
        }
        if corrupted == nil, containsTimestamp(title) { corrupted = "two lines merged into the title" }
        if corrupted == nil, result.expectsStack, let why = stackProblem(titleLines) { corrupted = why }
        if corrupted == nil, report.lines.contains(where: { $0.containsBytes("serialport: VM disconnected.") }) {
            corrupted = "console disconnected"
        }

        var guilty: GuiltyFrame?
        if let frameName = result.guiltyFunction {
            let module = ([fields.rip].compactMap { $0 } + frames).first(where: { frameBase($0.function) == frameName }
            )?.module
            guilty = GuiltyFrame(function: StackWalker.stripSyscallPrefix(frameName), module: module)
        }
        let metadata = report.metadata
        // A hung-task report is about the blocked task; the CPU line names khungtaskd, its reporter.
        var task: (comm: String?, pid: Int?) = (fields.comm, fields.pid)
        var reporter: ReportingTask?
        if let blocked = fields.blockedTask {
            task = (blocked.comm, blocked.pid)
            if fields.comm != nil || fields.pid != nil { reporter = ReportingTask(comm: fields.comm, pid: fields.pid) }
        } else if report.header.family == .oomInvoked || report.header.family == .oomKill,
            let victim = oomVictim(report.lines)
        {
            // An OOM kill is about its victim; the task whose allocation invoked the killer reported it.
            task = (victim.comm, victim.pid)
            if fields.comm != nil || fields.pid != nil { reporter = ReportingTask(comm: fields.comm, pid: fields.pid) }
        }
        var record = CrashRecord(
            file: nil, line: report.lineNumber, endLine: report.endLineNumber, source: metadata.source,
            host: metadata.host, boot: metadata.bootID,
            time: CrashTime(wallMicros: metadata.wallClockMicros, monotonicMicros: metadata.monotonicMicros),
            kind: result.kind, title: title, altTitles: alts, signature: CrashSignature.of(title: title),
            signatureVersion: CrashSignature.version, corrupted: corrupted != nil, corruptedReason: corrupted,
            panicked: report.panicked, linkedTo: report.linkedTo, kernel: fields.kernel, taint: fields.taint,
            cpu: fields.cpu,
            pid: task.pid, comm: task.comm, hardware: fields.hardware, bios: fields.bios,
            workqueue: fields.workqueue,
            guilty: guilty, rip: fields.rip, frames: frames, modules: fields.modules, lastUnloaded: fields.lastUnloaded,
            registers: fields.registers, code: fields.code, message: headerLine,
            text: keepText ? report.lines : [])
        record.registerOrder = fields.registerOrder.isEmpty ? nil : fields.registerOrder
        record.taskState = fields.blockedTask?.state
        record.reporter = reporter
        record.recordClass = recordClass
        return record
    }

    /// Crash or event: the driving header's family decides, and a panic makes any report a crash.
    static func classify(_ report: ReportBuilder) -> RecordClass {
        if report.panicked { return .crash }
        let family = report.header.family
        if family.isEvent { return .event }
        // A watchdog message that no `WARNING:` joined (lead only) or that is a line of its own.
        if family.isEventWhenAlone, report.isLeadOnly || report.header.role == .line { return .event }
        return .crash
    }

    /// `Killed process 4242 (postgres) total-vm:…` (every version; 2.6.32–4.x also `Kill process …`).
    static func oomVictim(_ lines: [String]) -> (comm: String, pid: Int)? {
        for line in lines {
            guard let range = line.byteRange(of: "Killed process ") ?? line.byteRange(of: "ill process ") else {
                continue
            }
            let after = line[range.upperBound...]
            guard let pid = Int(after.prefix(while: { $0.isNumber })), let open = after.firstIndex(of: "("),
                let close = after[open...].firstIndex(of: ")")
            else { continue }
            return (String(after[after.index(after: open)..<close]), pid)
        }
        return nil
    }

    static func frameBase(_ name: String) -> String {
        String(name.prefix(while: { $0 != "." }))
    }

    static func leadKind(_ family: HeaderFamily) -> CrashKind? {
        switch family {
        case .listCorruption: return .listCorruption
        case .refcount: return .refcount
        case .usercopy: return .usercopy
        case .fortify: return .fortify
        case .netdevWatchdog: return .netdevWatchdog
        case .hardLockup: return .hardLockup
        default: return nil
        }
    }

    /// `[  123.456789]` inside a title: two console lines were glued together.
    static func containsTimestamp(_ title: String) -> Bool {
        let bytes = Array(title.utf8)
        var index = 0
        while index < bytes.count {
            if bytes[index] == UInt8(ascii: "[") {
                var position = index + 1
                while position < bytes.count, bytes[position] == UInt8(ascii: " ") { position += 1 }
                let secondsStart = position
                while position < bytes.count, ByteScanning.isDigit(bytes[position]) { position += 1 }
                if position > secondsStart, position < bytes.count, bytes[position] == UInt8(ascii: ".") {
                    position += 1
                    let fractionStart = position
                    while position < bytes.count, ByteScanning.isDigit(bytes[position]) { position += 1 }
                    if position > fractionStart, position < bytes.count, bytes[position] == UInt8(ascii: "]") {
                        return true
                    }
                }
            }
            index += 1
        }
        return false
    }

    /// A report that should carry a stack but has none, or whose stack marker has no frames.
    static func stackProblem(_ lines: [String]) -> String? {
        var sawMarker = false
        var sawFrames = false
        var checked = Set<String>()
        for (markerIndex, line) in lines.enumerated() where StackWalker.isStackMarker(line) {
            sawMarker = true
            let key = String(line.drop(while: { $0 == " " }).prefix(8))
            let firstOfKind = checked.insert(key).inserted
            // Within 15 lines of the marker, not counting `?` frames (guesses from stack scanning,
            // which neither make a trace nor use up the window).
            var found = false
            var index = markerIndex + 1
            var counted = 0
            while index < lines.count, counted < 15 {
                if StackWalker.isStackMarker(lines[index]) { break }
                let frame = FrameParser.parse(lines[index][...])
                if !(frame?.titleNames.isEmpty ?? true) || lines[index].containsBytes("(stack is not available)") {
                    found = true
                    break
                }
                if frame == nil { counted += 1 }
                index += 1
            }
            if found { sawFrames = true }
            let riscv = line.hasPrefix("status: ")
            if firstOfKind, !riscv {
                if lines.count - markerIndex < 4 { return "report ends right after its stack marker" }
                if !found { return "no frames after \(line.trimmingCharacters(in: .whitespaces))" }
            }
        }
        if !sawMarker {
            // Old kernels and some architectures print frames without a marker line.
            if lines.contains(where: { !(FrameParser.parse($0[...])?.titleNames.isEmpty ?? true) }) { return nil }
            return "no stack trace"
        }
        return sawFrames ? nil : "no frames in any stack trace"
    }
}
