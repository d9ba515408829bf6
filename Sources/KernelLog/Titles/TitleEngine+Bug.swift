import Foundation

/// Title rules of `BUG:` formats with a structure of their own (sanitizers, lock and
/// memory-state checks); `TitleRecipes.bug` says which header takes which.
extension TitleEngine {
    /// `BUG: spinlock <what> on CPU#n` / `BUG: rwlock …` (spinlock debugging).
    func spinlockDebugTitle(_ detail: Substring) -> TitleResult {
        let lockWord = detail.hasBytePrefix("spinlock ") ? "spinlock" : "rwlock"
        var what = detail.dropFirst(lockWord.count + 1)
        if let cpuRange = what.byteRange(of: " on CPU") { what = what[..<cpuRange.lowerBound] }
        if let comma = what.firstIndex(of: ",") { what = what[..<comma] }
        return titled(
            "BUG: \(lockWord) \(what.trimmingCharacters(in: .whitespaces)) in {F}", kind: .lockdep,
            pick: guilty(GuiltyFrameRules.spinlockDebug))
    }

    /// `BUG: Dentry <addr>{…} still in use (1) [unmount of ext4 sda1]`: the unmount, not the dentry.
    func dentryInUseTitle(_ detail: Substring) -> TitleResult {
        var alt = "BUG: Dentry still in use"
        if let open = detail.byteRange(of: "[unmount of ") { alt += " " + detail[open.lowerBound...] }
        var result = TitleResult("BUG: Dentry still in use in unmount", kind: .bug)
        result.altTitles = [alt]
        return result
    }

    /// `BUG: Bad page state` / `Bad page cache`: blamed on the allocation stack when the report has one.
    func badPageTitle(_ detail: Substring) -> TitleResult {
        let what = detail.hasBytePrefix("Bad page state") ? "state" : "cache"
        // The allocation stack follows `page last allocated via order …` directly, without a marker.
        var candidates: [String] = []
        if let start = walker.firstIndex(from: 0, where: { $0.containsBytes("page last allocated") }) {
            for line in lines.dropFirst(start + 1) {
                guard let frame = FrameParser.parse(line[...]) else {
                    if candidates.isEmpty || line.containsBytes("[inline]") { continue }
                    break
                }
                candidates.append(contentsOf: frame.titleNames)
            }
        }
        if candidates.isEmpty { candidates = walker.stackFrames(from: 0) }
        return titled(
            "BUG: Bad page \(what) in {F}", kind: .badPage,
            pick: guilty(GuiltyFrameRules.badPage, candidates: candidates))
    }

    /// `BUG: using smp_processor_id() in preemptible [00000000] code: …`: the accessor is part of the title.
    func preemptibleAccessTitle(_ detail: Substring) -> TitleResult {
        // `using %s%s() in preemptible`: the accessor lies between the `using ` the recipe
        // matched (bytes) and the first ` in preemptible` after it. Searched from the start, that
        // could begin inside `using ` (`using in preemptible`): a range ending before it started.
        let prefix = "using "
        guard detail.hasBytePrefix(prefix) else { return TitleResult(rawTitle, kind: .lockdep, expectsStack: false) }
        let accessorStart = detail.utf8.index(detail.startIndex, offsetBy: prefix.utf8.count)
        guard let preemptibleRange = detail[accessorStart...].byteRange(of: " in preemptible") else {
            return TitleResult(rawTitle, kind: .lockdep, expectsStack: false)
        }
        let accessor = detail[accessorStart..<preemptibleRange.lowerBound]
        return titled(
            "BUG: using \(accessor) in preemptible code in {F}", kind: .lockdep,
            pick: guilty(GuiltyFrameRules.preemptibleAccess))
    }

    /// `BUG: workqueue leaked lock or atomic`: the work function is on the `last function:` line.
    func workqueueLeakTitle() -> TitleResult {
        if let lineIndex = walker.firstIndex(from: 0, where: { $0.containsBytes("last function:") }),
            let labelRange = lines[lineIndex].byteRange(of: "last function:"),
            let function = Self.identifier(lines[lineIndex][labelRange.upperBound...])
        {
            var result = TitleResult(
                "BUG: workqueue leaked lock or atomic in \(function)", kind: .lockdep, expectsStack: false)
            result.guiltyFunction = function
            return result
        }
        return TitleResult("BUG: workqueue leaked lock or atomic", kind: .lockdep, expectsStack: false)
    }

    func kasanTitle(_ detail: Substring) -> TitleResult {
        // `use-after-free in foo+0x1/0x2`, `double-free or invalid-free in foo`, old `… on address ffff…`.
        guard let inRange = detail.byteRange(of: " in ") else {
            if let on = detail.byteRange(of: " on address") {
                let what = detail[..<on.lowerBound]
                if let rw = accessDirection() {
                    return TitleResult("KASAN: \(what) \(rw)", kind: .kasan, expectsStack: true)
                }
            }
            return TitleResult("KASAN: " + detail, kind: .kasan, corrupted: "unrecognised KASAN header")
        }
        let what = detail[..<inRange.lowerBound]
        let headerFunction = Self.identifier(detail[inRange.upperBound...])
        var candidates: [String] = []
        if let headerFunction { candidates.append(headerFunction) }
        candidates.append(contentsOf: walker.stackFrames(from: 0))
        if what == "double-free or invalid-free" || what == "double-free" || what == "invalid-free" {
            return titled(
                "KASAN: invalid-free in {F}", kind: .kasan,
                pick: guilty(GuiltyFrameRules.kasanInvalidFree, candidates: candidates),
                alts: ["invalid-free in {F}"])
        }
        guard let rw = accessDirection() else {
            var result = TitleResult("KASAN: " + detail, kind: .kasan)
            if detail.containsBytes(" at addr") {
                result.expectsStack = true
            } else {
                result.corruptedReason = "KASAN access line missing"
            }
            return result
        }
        return titled(
            "KASAN: \(what) \(rw) in {F}", kind: .kasan,
            pick: guilty(GuiltyFrameRules.kasanAccess, candidates: candidates),
            alts: ["bad-access in {F}"])
    }

    /// `Read`/`Write` from the line describing the access.
    func accessDirection() -> String? {
        for line in lines.prefix(12) {
            if line.containsBytes("Read of size") || line.containsBytes("Read at addr") { return "Read" }
            if line.containsBytes("Write of size") || line.containsBytes("Write at addr") { return "Write" }
        }
        return nil
    }

    func kmsanTitle(_ detail: Substring) -> TitleResult {
        guard let inRange = detail.byteRange(of: " in ") else {
            return TitleResult("KMSAN: " + detail, kind: .kmsan, expectsStack: false)
        }
        let what = detail[..<inRange.lowerBound]
        // KMSAN prints the first stack right after the header, without `Call Trace:`.
        var first = walker.framesFollowing(0)
        if first.isEmpty { first = walker.stackFrames(from: 0) }
        var candidates: [String] = []
        if let function = Self.identifier(detail[inRange.upperBound...]) { candidates.append(function) }
        candidates.append(contentsOf: first)
        var result = titled(
            "KMSAN: \(what) in {F}", kind: .kmsan, pick: guilty(GuiltyFrameRules.kmsan, candidates: candidates),
            expectsStack: false)
        if what == "kernel-usb-infoleak" {
            let originStart = walker.firstIndex(
                from: 0, where: { $0.containsBytes("Uninit was created at") || $0.containsBytes("created at:") })
            if let originStart {
                var framesAfter: [String] = []
                var index = originStart + 1
                while index < lines.count, framesAfter.count < 64 {
                    if let frame = FrameParser.parse(lines[index][...]), let name = frame.titleName {
                        framesAfter.append(name)
                    } else if !framesAfter.isEmpty {
                        break
                    }
                    index += 1
                }
                if let originFrame = guilty(GuiltyFrameRules.kmsan, candidates: framesAfter).name {
                    result.altTitles.append("KMSAN origin in \(originFrame)")
                }
            }
        } else if result.guiltyFunction != nil {
            let stripped = StackWalker.stripSyscallPrefix(result.guiltyFunction ?? "")
            if !result.altTitles.contains("bad-access in \(stripped)") {
                result.altTitles.append("bad-access in \(stripped)")
            }
        }
        return result
    }

    func kfenceTitle(_ detail: Substring) -> TitleResult {
        let candidates = { (fn: Substring?) -> [String] in
            var names: [String] = []
            if let fn, let id = Self.identifier(fn) { names.append(id) }
            names.append(contentsOf: self.walker.allFrames(from: 1))
            return names
        }
        for kind in ["use-after-free", "out-of-bounds"] where detail.hasBytePrefix(kind) {
            var remainder = detail.dropFirst(kind.count).drop(while: { $0 == " " })
            let rw = remainder.hasBytePrefix("read") ? "read" : remainder.hasBytePrefix("write") ? "write" : nil
            if let rw { remainder = remainder.dropFirst(rw.count) }
            let fn = remainder.byteRange(of: " in ").map { remainder[$0.upperBound...] }
            let label = rw.map { "\(kind) \($0)" } ?? kind
            return titled(
                "KFENCE: \(label) in {F}", kind: .kfence,
                pick: guilty(GuiltyFrameRules.kfenceAccess, candidates: candidates(fn)),
                alts: ["bad-access in {F}"]
            )
        }
        if detail.hasBytePrefix("invalid free") {
            let fn = detail.byteRange(of: " in ").map { detail[$0.upperBound...] }
            return titled(
                "KFENCE: invalid free in {F}", kind: .kfence,
                pick: guilty(GuiltyFrameRules.kfenceFree, candidates: candidates(fn)),
                alts: ["invalid-free in {F}"], expectsStack: false)
        }
        if detail.hasBytePrefix("invalid read") || detail.hasBytePrefix("invalid write") {
            let rw = detail.hasBytePrefix("invalid read") ? "read" : "write"
            let fn = detail.byteRange(of: " in ").map { detail[$0.upperBound...] }
            return titled(
                "KFENCE: invalid \(rw) in {F}", kind: .kfence,
                pick: guilty(GuiltyFrameRules.kfenceAccess, candidates: candidates(fn)),
                alts: ["bad-access in {F}"])
        }
        if detail.hasBytePrefix("memory corruption") {
            let fn = detail.byteRange(of: " in ").map { detail[$0.upperBound...] }
            return titled(
                "KFENCE: memory corruption in {F}", kind: .kfence,
                pick: guilty(GuiltyFrameRules.kfenceFree, candidates: candidates(fn)),
                expectsStack: false)
        }
        return TitleResult("KFENCE: " + detail, kind: .kfence, corrupted: "unrecognised KFENCE header")
    }

    /// `… still has locks held!` / `… nested lock was not taken`: the function of the first frame line after it.
    func locksHeldTitle(prefix: String) -> TitleResult {
        titled("\(prefix): still has locks held in {F}", kind: .lockdep, pick: guilty(GuiltyFrameRules.lockSite))
    }

    /// Functions of `at:` lines and frame lines after the header, in order (lockdep reports name
    /// the lock site on `at:` lines before the stack).
    func atOrFrames() -> [String] {
        var names: [String] = []
        for line in lines.dropFirst() where names.count < CrashReportParser.maxFramesPerReport {
            if let frame = FrameParser.parse(line[...]) {
                names.append(contentsOf: frame.titleNames)
            } else if line.containsBytes("at: "), let fn = Self.atFunction(line) {
                names.append(fn)
            }
        }
        return names
    }

    /// Titles naming the function of the first `at:` line.
    func atLineTitle(_ template: String, kind: CrashKind) -> TitleResult {
        for line in lines.dropFirst() where line.containsBytes("at: ") {
            if let fn = Self.atFunction(line) {
                var result = TitleResult(
                    Self.fill(template, with: fn), kind: kind, expectsStack: false)
                result.guiltyFunction = fn
                return result
            }
        }
        return titled(template, kind: kind, pick: guilty(GuiltyFrameRules.contextCheck), expectsStack: false)
    }
}
