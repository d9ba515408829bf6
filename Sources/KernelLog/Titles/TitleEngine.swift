import KernelFacts

/// Derives a syzbot-style title, alternative titles and the guilty frame from a report's lines.
///
/// `lines[0]` is the header line; later lines are the report in the header's context, cut
/// before the next crash so that a second report cannot lend the first one its frames.
struct TitleEngine {
    let lines: [String]
    let header: CrashHeader
    /// The header line from the header literal to its end.
    let rest: Substring
    let walker: StackWalker

    init(lines: [String], header: CrashHeader) {
        var kept = lines
        // A task name with a newline splits `INFO: task <comm>:<pid> blocked for …` over two lines.
        if kept.count > 1, let first = kept.first, first.containsBytes("INFO: task "),
            !first.containsBytes("for more than"),
            kept[1].containsBytes("for more than")
        {
            kept[0] = first + kept[1]
            kept.remove(at: 1)
        }
        // A panic or lockdep splat far into a report is caused by the report itself (panic_on_warn);
        // it only helps when the report is short and its own stack is missing.
        let limit = (lines.first?.containsBytes("KMSAN:") ?? false) ? 16 : 22
        if kept.count > limit + 1 {
            if let cut = kept.indices.dropFirst(limit + 1).first(where: {
                kept[$0].containsBytes("Kernel panic - not syncing")
                    || kept[$0].containsBytes("WARNING: possible circular locking dependency detected")
            }) {
                kept.removeSubrange(cut...)
            }
        }
        // Messages that start an unrelated splat (fault injection, vmalloc failure) end the text
        // used for the title.
        if let cut = kept.indices.dropFirst().first(where: { index in
            Self.splatStarts.contains(where: { kept[index].containsBytes($0) })
        }) {
            kept.removeSubrange(cut...)
        }
        self.lines = kept
        self.header = header
        let first = kept.first ?? ""
        let start = first.byteRange(of: header.literal)?.lowerBound ?? first.startIndex
        self.rest = first[start...]
        self.walker = StackWalker(lines: kept)
    }

    static let splatStarts = [
        "vmalloc: allocation failure:", "FAULT_INJECTION: forcing a failure", "FAULT_FLAG_ALLOW_RETRY missing",
    ]

    /// Text after the header literal, trimmed.
    var afterLiteral: Substring {
        rest.dropFirst(header.literal.count).drop(while: { $0 == " " })
    }

    /// Fills `template` (`{F}` marks the frame) and the alternative templates from a pick.
    /// `template` with its frame marker (`{F}`) replaced by `name`. Templates put text taken from
    /// the log before the marker (`BUG: spinlock \(what) in {F}`), never after it, so the last
    /// marker is the template's own: a log line that holds `{F}` keeps it.
    static func fill(_ template: String, with name: String) -> String {
        guard let marker = template.lastByteRange(of: "{F}") else { return template }
        var filled = template
        filled.replaceSubrange(marker, with: name)
        return filled
    }

    func titled(
        _ template: String, kind: CrashKind, pick: StackWalker.Pick, alts: [String] = [],
        expectsStack: Bool = true
    ) -> TitleResult {
        guard let raw = pick.name else {
            var result = TitleResult(
                Self.fill(template, with: "corrupted"), kind: kind, expectsStack: expectsStack,
                corrupted: "no frame to blame in the stack trace")
            result.altTitles = alts.map { Self.fill($0, with: "corrupted") }
            return result
        }
        let stripped = StackWalker.stripSyscallPrefix(raw)
        var result = TitleResult(
            Self.fill(template, with: stripped), kind: kind, expectsStack: expectsStack)
        result.guiltyFunction = raw
        var altList = alts.map { Self.fill($0, with: stripped) }
        let printed = pick.raw ?? raw
        var names: [String] = []
        if printed != stripped { names.append(printed) }
        names.append(contentsOf: StackWalker.syscallVariants(printed))
        for name in names {
            altList.append(Self.fill(template, with: name))
            altList.append(contentsOf: alts.map { Self.fill($0, with: name) })
        }
        var seen = Set<String>([result.title])
        result.altTitles = altList.filter { seen.insert($0).inserted }
        if pick.faultInjection { result.corruptedReason = "fault-injection frames in the stack" }
        return result
    }

    /// Frames from the instruction-pointer line then the first stack trace.
    func ipThenStack(from start: Int = 0) -> [String] {
        var candidates: [String] = []
        if let ip = walker.ipFrame(from: start) { candidates.append(ip) }
        candidates.append(contentsOf: walker.stackFrames(from: start))
        return candidates
    }

    /// The raw header line, used as the title when no recipe matches.
    var rawTitle: String { String(rest) }

    /// First identifier in `text` (letters, digits, `_`), stopping before `+`, `.`, `(` or space.
    static func identifier(_ text: Substring) -> String? {
        let id = text.drop(while: { $0 == " " }).prefix(while: { $0.isLetter || $0.isNumber || $0 == "_" })
        return id.isEmpty ? nil : String(id)
    }

    /// The function after `at:` on a lockdep line (`…, at: foo+0x1/0x2` or `at: [<addr>] foo+…`).
    static func atFunction(_ line: String) -> String? {
        guard let atRange = line.lastByteRange(of: "at: ") else { return nil }
        var text = line[atRange.upperBound...].drop(while: { $0 == " " })
        if text.hasBytePrefix("[<"), let close = text.firstIndex(of: "]") {
            text = text[text.index(after: close)...].drop(while: { $0 == " " })
        }
        return identifier(text).map(Demangler.demangle)
    }
}
