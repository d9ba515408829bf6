import Foundation
import KtriageBytes

/// Title rules of `WARNING:` and `INFO:` formats with a structure of their own (WARN sites,
/// lockdep chains, RCU stalls); `TitleRecipes` says which header takes which.
extension TitleEngine {
    /// Warnings raised by a known checker, keyed by the source file of the WARN (data).
    static let warningFiles: [(file: String, title: String, kind: CrashKind, skip: [FramePattern])] = [
        (
            "lib/debugobjects.c", "WARNING: ODEBUG bug in {F}", .warning,
            [
                .contains("debug"), .contains("timer"), .contains("work"), .contains("rcu"), .contains("percpu"),
                // Generic free helpers only: a subsystem's own `netdev_freemem` or
                // `xt_free_table_info` is where the live object was freed.
                .prefix("free"), .prefix("__free"), .prefix("kfree"), .prefix("kvfree"), .prefix("vfree"),
                .suffix("_free"),
            ]
        ),
        ("mm/usercopy.c", "WARNING: bad usercopy in {F}", .usercopy, [.contains("usercopy"), .contains("check_")]),
        ("lib/kobject.c", "WARNING: kobject bug in {F}", .warning, [.contains("kobject")]),
        ("fs/proc/generic.c", "WARNING: proc registration bug in {F}", .warning, [.contains("proc_")]),
        ("lib/refcount.c", "WARNING: refcount bug in {F}", .refcount, [.contains("refcount")]),
    ]

    /// `WARNING: suspicious RCU usage`: the splat names the source line
    /// (`include/linux/rcupdate.h:301 Illegal context switch…`); without it the report was cut.
    func suspiciousRCUWarningTitle() -> TitleResult {
        guard lines.dropFirst().contains(where: { Self.hasSourceLine($0) }) else {
            return TitleResult(rawTitle, kind: .lockdep, corrupted: "RCU splat cut before its source line")
        }
        return titled(
            "WARNING: suspicious RCU usage in {F}", kind: .lockdep, pick: guilty(GuiltyFrameRules.suspiciousRCU))
    }

    /// `WARNING: kernel stack regs at … in … has bad 'bp' value`: the register names the title.
    func badStackRegisterTitle(_ detail: Substring) -> TitleResult {
        guard let badRange = detail.byteRange(of: " has bad '") else {
            return TitleResult(rawTitle, kind: .warning, expectsStack: false)
        }
        let register = detail[badRange.upperBound...].prefix(while: { $0 != "'" })
        return TitleResult(
            "WARNING: kernel stack regs has bad '\(register)' value", kind: .warning, expectsStack: false)
    }

    /// A WARN_ON's header names its file and function: checkers are known by their file
    /// (`warningFiles`), anything else is `WARNING in <function>`.
    func warnSiteTitle(_ detail: Substring) -> TitleResult {
        // `CPU: 1 PID: 2 at path/file.c:12 fn+0x..`, 2.6–4.x `at path/file.c:12 fn()`, 6.x `path/file.c:12 at 0x…, CPU#1`.
        guard let (path, fn) = warningLocation(detail) else {
            return TitleResult(rawTitle, kind: .warning, expectsStack: false)
        }
        var candidates: [String] = []
        if let ip = walker.ipFrame(from: 0) { candidates.append(ip) }
        if let ppc = powerpcInterrupt() { candidates.append(ppc) }
        candidates.append(contentsOf: walker.stackFrames(from: 0))
        if path.hasSuffix("kernel/locking/lockdep.c"),
            fn.map({ $0.hasPrefix("lock_") || $0.hasPrefix("__lock") || $0.containsBytes("lock") }) ?? false
        {
            return titled(
                "WARNING: locking bug in {F}", kind: .lockdep,
                pick: guilty(GuiltyFrameRules.lockingBugWarning, candidates: candidates))
        }
        for entry in Self.warningFiles where path.hasSuffix(entry.file) {
            return titled(
                entry.title, kind: entry.kind,
                pick: guilty(GuiltyFrameRules.warning(skip: entry.skip), candidates: candidates, crashSite: fn))
        }
        if path.hasSuffix("mm/vmalloc.c"), fn?.containsBytes("vmalloc_node") ?? false {
            return titled(
                "WARNING: zero-size vmalloc in {F}", kind: .warning,
                pick: guilty(GuiltyFrameRules.warning(), candidates: candidates, crashSite: fn))
        }
        if path.containsBytes("mm/"),
            fn.map({
                ["kmalloc", "__kmalloc", "kvmalloc", "__kvmalloc", "krealloc", "__krealloc"].contains(
                    where: $0.hasPrefix)
            }) ?? false
        {
            return titled(
                "WARNING: kmalloc bug in {F}", kind: .warning,
                pick: guilty(GuiltyFrameRules.warning(), candidates: candidates, crashSite: fn))
        }
        if fn == "usb_submit_urb" {
            return titled(
                "WARNING in {F}/usb_submit_urb", kind: .warning,
                pick: guilty(GuiltyFrameRules.usbSubmitWarning, candidates: candidates, crashSite: fn))
        }
        if path.hasSuffix("net/sched/sch_generic.c"), fn == "dev_watchdog" {
            return titled(
                "WARNING in {F}", kind: .netdevWatchdog,
                pick: guilty(GuiltyFrameRules.warning(), candidates: candidates, crashSite: fn))
        }
        return titled(
            "WARNING in {F}", kind: .warning,
            pick: guilty(GuiltyFrameRules.warning(), candidates: candidates, crashSite: fn))
    }

    /// `something.c:123` in a line.
    static func hasSourceLine(_ line: String) -> Bool {
        let bytes = Array(line.utf8)
        for colon in bytes.indices
        where bytes[colon] == UInt8(ascii: ":") && colon + 1 < bytes.count && ByteScanning.isDigit(bytes[colon + 1]) {
            var extensionStart = colon
            while extensionStart > 0, ASCII.isLowercaseLetter(bytes[extensionStart - 1]) { extensionStart -= 1 }
            if extensionStart < colon, extensionStart > 0, bytes[extensionStart - 1] == UInt8(ascii: ".") {
                return true
            }
        }
        return false
    }

    /// The file and function of a WARNING header.
    func warningLocation(_ detail: Substring) -> (String, String?)? {
        var text = detail
        // 6.x `WARNING: [cond] path/file.c:12 at fn+0x…, CPU#1: comm/pid`
        if text.hasBytePrefix("["), let close = text.byteRange(of: "] ") {
            let candidate = text[close.upperBound...]
            if let sp = candidate.firstIndex(of: " "), candidate[..<sp].containsBytes(":"),
                candidate[..<sp].containsBytes(".")
            {
                text = candidate
            }
        }
        if text.hasBytePrefix("CPU:") || text.hasBytePrefix("at ") || text.hasBytePrefix("[") {
            guard let at = text.byteRange(of: "at ") else { return nil }
            text = text[at.upperBound...]
        }
        let path = text.prefix(while: { $0 != " " && $0 != "," })
        guard let colon = path.lastIndex(of: ":"), path[..<colon].containsBytes(".") else { return nil }
        let file = String(path[..<colon])
        var after = text.dropFirst(path.count).drop(while: { $0 == " " || $0 == "," })
        if after.hasBytePrefix("at ") {
            let fnText = after.dropFirst(3)
            return (file, fnText.hasBytePrefix("0x") ? nil : Self.identifier(fnText))
        }
        if after.hasBytePrefix("[<"), let bracket = after.firstIndex(of: "]") {
            after = after[after.index(after: bracket)...].drop(while: { $0 == " " })
        }
        return (file, Self.identifier(after))
    }

    /// PowerPC warnings name the interrupted function as `--- interrupt: 700 at fn+0x..`.
    func powerpcInterrupt() -> String? {
        for line in lines.prefix(60) {
            // The ` at ` after the marker: one earlier in the line (`Read at addr…--- interrupt:`,
            // two console lines run together) names something else.
            guard let marker = line.byteRange(of: "--- interrupt:") else { continue }
            if let atRange = line[marker.upperBound...].byteRange(of: " at "),
                let function = Self.identifier(line[atRange.upperBound...])
            {
                return function
            }
        }
        return nil
    }

    func lockdepTitle(word: String, banner: String) -> TitleResult {
        if word == "possible deadlock", banner.hasPrefix("possible circular"),
            !lines.contains(where: {
                $0.containsBytes("is trying to acquire lock") || $0.containsBytes("is trying to acquire")
            })
        {
            return TitleResult(rawTitle, kind: .lockdep, corrupted: "lockdep report cut before the lock it waits for")
        }
        // IRQ-safety reports (`…-safe -> …-unsafe lock order`, `irq lock inversion`) blame where
        // the lock became IRQ-safe: the stack right after `… which became HARDIRQ-irq-safe at:`.
        if banner == "lock order" || banner.hasPrefix("possible irq lock inversion"),
            let irqSafeIndex = lines.firstIndex(where: { $0.containsBytes("-irq-safe at:") })
        {
            let pick = guilty(GuiltyFrameRules.lockdepIrqSafe, candidates: walker.framesFollowing(irqSafeIndex))
            if pick.name != nil { return titled("\(word) in {F}", kind: .lockdep, pick: pick) }
        }
        // The lock sites on the first `at:` lines, then the dependency chain's frames in order.
        var candidates: [String] = []
        for line in lines.dropFirst() where line.containsBytes(", at: ") || line.containsBytes("at: [<") {
            if let fn = Self.atFunction(line) { candidates.append(fn) }
            if candidates.count >= 2 { break }
        }
        // `inconsistent lock state` blames the current stack, not the one where the state was registered.
        candidates.append(
            contentsOf: word == "inconsistent lock state" ? walker.stackFrames(from: 0) : walker.allFrames(from: 1))
        return titled(
            "\(word) in {F}", kind: .lockdep, pick: guilty(GuiltyFrameRules.lockdepDependency, candidates: candidates))
    }

    func rcuStallTitle() -> TitleResult {
        // The frames below a timer interrupt are what the stalled CPU was doing. Several CPUs may
        // be dumped: try each timer-interrupt entry until one stack reaches a dispatcher.
        var from = 0
        var tried = 0
        while tried < 16,
            let interruptIndex = walker.firstIndex(
                from: from,
                where: { line in
                    StackAnchors.timerInterrupt.contains(where: { line.containsBytes($0) })
                })
        {
            tried += 1
            from = interruptIndex + 1
            var candidates: [String] = []
            // Only the interrupted stack: the next stack trace belongs to another CPU or task.
            for line in lines.dropFirst(interruptIndex + 1)
            where candidates.count < CrashReportParser.maxFramesPerReport {
                if StackWalker.isStackMarker(line) || line.hasBytes("NMI backtrace for cpu") { break }
                if let frame = FrameParser.parse(line[...]) ?? FrameParser.parseInstructionPointer(line[...]) {
                    candidates.append(contentsOf: frame.titleNames)
                }
            }
            let pick = guilty(GuiltyFrameRules.rcuStall, candidates: candidates)
            if pick.name != nil {
                return titled("INFO: rcu detected stall in {F}", kind: .rcuStall, pick: pick, alts: ["stall in {F}"])
            }
        }
        // No interrupted stack (only the GP kthread's or an NMI dump of another context): nothing
        // to blame; syzbot's convention names it `corrupted`.
        return titled(
            "INFO: rcu detected stall in {F}", kind: .rcuStall, pick: StackWalker.Pick(), alts: ["stall in {F}"])
    }

}
