import Foundation

/// Turns a collected report into a record: title, fields, frames, corruption checks.
enum RecordAssembler {
    static func assemble(_ b: ReportBuilder, keepText: Bool) -> CrashRecord {
        let titleLines = Array(b.lines[min(b.headerIndex, b.lines.count - 1)...])
        // The header range belongs to the header line's own string.
        let headerLine = titleLines.first ?? ""
        let range = headerLine.range(of: b.header.literal) ?? headerLine.startIndex..<headerLine.startIndex
        let engine = TitleEngine(lines: titleLines, header: b.header, literal: range)
        var result = engine.make()
        if let lead = b.leadFamily {
            result.kind = leadKind(lead) ?? result.kind
        }
        let title = TitleNormalizer.normalize(result.title)
        var seen = Set([title])
        let alts = result.alts.map(TitleNormalizer.normalize).filter { seen.insert($0).inserted }.sorted()

        var fields = FieldExtractor()
        fields.scan(b.lines)
        let frames = fields.frames

        var corrupted = result.corruptedReason
        // Cut at a limit: what the record says about the end of the report may be wrong.
        if corrupted == nil, b.truncated {
            corrupted = "cut after \(CrashReportParser.maxReportLines) lines (CrashReportParser.maxReportLines)"
        }
        if corrupted == nil, fields.framesCut {
            corrupted =
                "more than \(CrashReportParser.maxFramesPerReport) frames: the rest left out (CrashReportParser.maxFramesPerReport)"
        }
        if corrupted == nil, containsTimestamp(title) { corrupted = "two lines merged into the title" }
        if corrupted == nil, result.expectsStack, let why = stackProblem(titleLines) { corrupted = why }
        if corrupted == nil, b.lines.contains(where: { $0.contains("serialport: VM disconnected.") }) {
            corrupted = "console disconnected"
        }

        var guilty: GuiltyFrame?
        if let g = result.frame {
            let module = ([fields.rip].compactMap { $0 } + frames).first(where: { frameBase($0.function) == g })?.module
            guilty = GuiltyFrame(function: StackWalker.stripSyscallPrefix(g), module: module)
        }
        let m = b.metadata
        return CrashRecord(
            file: nil, line: b.lineNumber, endLine: b.endLineNumber, source: m.source, host: m.host, boot: m.bootID,
            time: CrashTime(wallMicros: m.wallClockMicros, monotonicMicros: m.monotonicMicros),
            kind: result.kind, title: title, altTitles: alts, signature: CrashSignature.of(title: title),
            signatureVersion: CrashSignature.version, corrupted: corrupted != nil, corruptedReason: corrupted,
            panicked: b.panicked, linkedTo: b.linkedTo, kernel: fields.kernel, taint: fields.taint, cpu: fields.cpu,
            pid: fields.pid, comm: fields.comm, hardware: fields.hardware, bios: fields.bios,
            workqueue: fields.workqueue,
            guilty: guilty, rip: fields.rip, frames: frames, modules: fields.modules, lastUnloaded: fields.lastUnloaded,
            registers: fields.registers, code: fields.code, message: headerLine,
            text: keepText ? b.lines : [])
    }

    static func frameBase(_ name: String) -> String {
        String(name.prefix(while: { $0 != "." }))
    }

    static func leadKind(_ f: HeaderFamily) -> CrashKind? {
        switch f {
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
    static func containsTimestamp(_ s: String) -> Bool {
        let b = Array(s.utf8)
        var i = 0
        while i < b.count {
            if b[i] == UInt8(ascii: "[") {
                var j = i + 1
                while j < b.count, b[j] == 0x20 { j += 1 }
                let d = j
                while j < b.count, b[j] >= 0x30 && b[j] <= 0x39 { j += 1 }
                if j > d, j < b.count, b[j] == UInt8(ascii: ".") {
                    j += 1
                    let f = j
                    while j < b.count, b[j] >= 0x30 && b[j] <= 0x39 { j += 1 }
                    if j > f, j < b.count, b[j] == UInt8(ascii: "]") { return true }
                }
            }
            i += 1
        }
        return false
    }

    /// A report that should carry a stack but has none, or whose stack marker has no frames.
    static func stackProblem(_ lines: [String]) -> String? {
        var sawMarker = false
        var sawFrames = false
        var checked = Set<String>()
        for (i, line) in lines.enumerated() where StackWalker.isStackMarker(line) {
            sawMarker = true
            let key = String(line.drop(while: { $0 == " " }).prefix(8))
            let firstOfKind = checked.insert(key).inserted
            // Within 15 lines of the marker, not counting `?` frames (guesses from stack scanning,
            // which neither make a trace nor use up the window).
            var found = false
            var j = i + 1
            var counted = 0
            while j < lines.count, counted < 15 {
                if StackWalker.isStackMarker(lines[j]) { break }
                let frame = FrameParser.parse(lines[j][...])
                if !(frame?.titleNames.isEmpty ?? true) || lines[j].contains("(stack is not available)") {
                    found = true
                    break
                }
                if frame == nil { counted += 1 }
                j += 1
            }
            if found { sawFrames = true }
            let riscv = line.hasPrefix("status: ")
            if firstOfKind, !riscv {
                if lines.count - i < 4 { return "report ends right after its stack marker" }
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
