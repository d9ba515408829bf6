import Foundation
import KtriageBytes

/// Recipes for `WARNING:` and `INFO:` headers (WARN_ON, lockdep, RCU, stalls, hung tasks).
extension TitleEngine {
    /// Lockdep banners and the words their titles start with.
    static let lockdepBanners: [(banner: String, word: String)] = [
        ("possible circular locking dependency detected", "possible deadlock"),
        ("possible irq lock inversion dependency detected", "possible deadlock"),
        ("possible recursive locking detected", "possible deadlock"),
        ("inconsistent lock state", "inconsistent lock state"),
    ]

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

    func warningTitle() -> TitleResult {
        let detail = afterLiteral
        if detail.isEmpty { return TitleResult("WARNING: corrupted", kind: .warning, corrupted: "bare WARNING: line") }
        for (banner, word) in Self.lockdepBanners where detail.hasPrefix(banner) {
            return lockdepTitle(word: word, banner: banner)
        }
        if detail.contains("-safe -> ") && detail.contains("-unsafe lock order detected") {
            return lockdepTitle(word: "possible deadlock", banner: "lock order")
        }
        if detail.hasPrefix("suspicious RCU usage") {
            // The splat names the source line (`include/linux/rcupdate.h:301 Illegal context switch…`).
            guard lines.dropFirst().contains(where: { Self.hasSourceLine($0) }) else {
                return TitleResult(rawTitle, kind: .lockdep, corrupted: "RCU splat cut before its source line")
            }
            return titled(
                "WARNING: suspicious RCU usage in {F}", kind: .lockdep,
                pick: guilty(GuiltyFrameRules.suspiciousRCU))
        }
        if detail.contains("still has locks held!") { return locksHeldTitle(prefix: "WARNING") }
        for name in [
            "nested lock was not taken", "lock held when returning to user space", "bad unlock balance",
            "held lock freed",
        ]
        where detail.lowercased().hasPrefix(name) {
            if name == "lock held when returning to user space" {
                return atLineTitle("WARNING: \(name) in {F}", kind: .lockdep)
            }
            return titled("WARNING: \(name) in {F}", kind: .lockdep, pick: guilty(GuiltyFrameRules.lockSite))
        }
        if detail.hasPrefix("kernel stack regs at"), let badRange = detail.range(of: " has bad '") {
            let reg = detail[badRange.upperBound...].prefix(while: { $0 != "'" })
            return TitleResult("WARNING: kernel stack regs has bad '\(reg)' value", kind: .warning, expectsStack: false)
        }
        if detail.hasPrefix("kernel stack frame pointer at") {
            return TitleResult("WARNING: kernel stack frame pointer has bad value", kind: .warning, expectsStack: false)
        }
        // `CPU: 1 PID: 2 at path/file.c:12 fn+0x..`, 2.6–4.x `at path/file.c:12 fn()`, 6.x `path/file.c:12 at 0x…, CPU#1`.
        guard let (path, fn) = warningLocation(detail) else {
            return TitleResult(rawTitle, kind: .warning, expectsStack: false)
        }
        var candidates: [String] = []
        if let ip = walker.ipFrame(from: 0) { candidates.append(ip) }
        if let ppc = powerpcInterrupt() { candidates.append(ppc) }
        candidates.append(contentsOf: walker.stackFrames(from: 0))
        if path.hasSuffix("kernel/locking/lockdep.c"),
            fn.map({ $0.hasPrefix("lock_") || $0.hasPrefix("__lock") || $0.contains("lock") }) ?? false
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
        if path.hasSuffix("mm/vmalloc.c"), fn?.contains("vmalloc_node") ?? false {
            return titled(
                "WARNING: zero-size vmalloc in {F}", kind: .warning,
                pick: guilty(GuiltyFrameRules.warning(), candidates: candidates, crashSite: fn))
        }
        if path.contains("mm/"),
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
        if text.hasPrefix("["), let close = text.range(of: "] ") {
            let candidate = text[close.upperBound...]
            if let sp = candidate.firstIndex(of: " "), candidate[..<sp].contains(":"), candidate[..<sp].contains(".") {
                text = candidate
            }
        }
        if text.hasPrefix("CPU:") || text.hasPrefix("at ") || text.hasPrefix("[") {
            guard let at = text.range(of: "at ") else { return nil }
            text = text[at.upperBound...]
        }
        let path = text.prefix(while: { $0 != " " && $0 != "," })
        guard let colon = path.lastIndex(of: ":"), path[..<colon].contains(".") else { return nil }
        let file = String(path[..<colon])
        var after = text.dropFirst(path.count).drop(while: { $0 == " " || $0 == "," })
        if after.hasPrefix("at ") {
            let fnText = after.dropFirst(3)
            return (file, fnText.hasPrefix("0x") ? nil : Self.identifier(fnText))
        }
        if after.hasPrefix("[<"), let bracket = after.firstIndex(of: "]") {
            after = after[after.index(after: bracket)...].drop(while: { $0 == " " })
        }
        return (file, Self.identifier(after))
    }

    /// PowerPC warnings name the interrupted function as `--- interrupt: 700 at fn+0x..`.
    func powerpcInterrupt() -> String? {
        for line in lines.prefix(60) where line.contains("--- interrupt:") {
            if let atRange = line.range(of: " at "), let function = Self.identifier(line[atRange.upperBound...]) {
                return function
            }
        }
        return nil
    }

    func lockdepTitle(word: String, banner: String) -> TitleResult {
        if word == "possible deadlock", banner.hasPrefix("possible circular"),
            !lines.contains(where: { $0.contains("is trying to acquire lock") || $0.contains("is trying to acquire") })
        {
            return TitleResult(rawTitle, kind: .lockdep, corrupted: "lockdep report cut before the lock it waits for")
        }
        // IRQ-safety reports (`…-safe -> …-unsafe lock order`, `irq lock inversion`) blame where
        // the lock became IRQ-safe: the stack right after `… which became HARDIRQ-irq-safe at:`.
        if banner == "lock order" || banner.hasPrefix("possible irq lock inversion"),
            let irqSafeIndex = lines.firstIndex(where: { $0.contains("-irq-safe at:") })
        {
            let pick = guilty(GuiltyFrameRules.lockdepIrqSafe, candidates: walker.framesFollowing(irqSafeIndex))
            if pick.name != nil { return titled("\(word) in {F}", kind: .lockdep, pick: pick) }
        }
        // The lock sites on the first `at:` lines, then the dependency chain's frames in order.
        var candidates: [String] = []
        for line in lines.dropFirst() where line.contains(", at: ") || line.contains("at: [<") {
            if let fn = Self.atFunction(line) { candidates.append(fn) }
            if candidates.count >= 2 { break }
        }
        // `inconsistent lock state` blames the current stack, not the one where the state was registered.
        candidates.append(
            contentsOf: word == "inconsistent lock state" ? walker.stackFrames(from: 0) : walker.allFrames(from: 1))
        return titled(
            "\(word) in {F}", kind: .lockdep, pick: guilty(GuiltyFrameRules.lockdepDependency, candidates: candidates))
    }

    func infoTitle() -> TitleResult {
        let detail = afterLiteral
        if detail.isEmpty { return TitleResult("INFO: corrupted", kind: .bug, corrupted: "bare INFO: line") }
        for (banner, word) in Self.lockdepBanners where detail.hasPrefix(banner) {
            return lockdepTitle(word: word, banner: banner)
        }
        if detail.contains("-safe -> ") && detail.contains("-unsafe lock order detected") {
            return lockdepTitle(word: "possible deadlock", banner: "lock order")
        }
        if detail.hasPrefix("rcu_") || detail.hasPrefix("rcu ") || detail.hasPrefix("rcu_preempt")
            || detail.hasPrefix("rcu_sched")
        {
            if detail.contains("detected stall") || detail.contains("self-detected stall")
                || detail.contains("detected expedited stall")
                || detail.contains("detected stalls")
            {
                return rcuStallTitle()
            }
        }
        if detail.hasPrefix("trying to register non-static key") {
            return titled(
                "INFO: trying to register non-static key in {F}", kind: .lockdep,
                pick: guilty(GuiltyFrameRules.nonStaticKey))
        }
        if detail.hasPrefix("suspicious RCU usage") {
            return titled(
                "INFO: suspicious RCU usage in {F}", kind: .lockdep,
                pick: guilty(GuiltyFrameRules.suspiciousRCU))
        }
        if detail.hasPrefix("task "), detail.contains(" blocked "), detail.contains("for more than ") {
            return titled(
                "INFO: task hung in {F}", kind: .hungTask, pick: guilty(GuiltyFrameRules.hungTask),
                alts: ["hang in {F}"])
        }
        if detail.hasPrefix("task "), detail.contains(" can't die for more than ") {
            return titled(
                "INFO: task can't die in {F}", kind: .hungTask, pick: guilty(GuiltyFrameRules.hungTask),
                alts: ["hang in {F}"])
        }
        if detail.hasPrefix("Freed in") || detail.hasPrefix("Allocated in") {
            return TitleResult("INFO: " + detail, kind: .kasan, corrupted: "a fragment of an old KASAN report")
        }
        return TitleResult(rawTitle, kind: .bug, expectsStack: false)
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
                    StackAnchors.timerInterrupt.contains(where: { line.contains($0) })
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
