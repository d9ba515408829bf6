import Foundation

/// Recipes for `BUG:` headers (sanitizers, faults, lockups, lock and memory-state checks).
extension TitleEngine {
    func bugTitle() -> TitleResult {
        let detail = afterLiteral
        if detail.isEmpty { return TitleResult("BUG: corrupted", kind: .bug, corrupted: "bare BUG: line") }
        if detail.hasPrefix("KASAN:") { return kasanTitle(detail.dropFirst(6).drop(while: { $0 == " " })) }
        if detail.hasPrefix("KMSAN:") { return kmsanTitle(detail.dropFirst(6).drop(while: { $0 == " " })) }
        if detail.hasPrefix("KCSAN:") {
            return TitleResult(
                "KCSAN: " + detail.dropFirst(6).drop(while: { $0 == " " }), kind: .kcsan, expectsStack: false)
        }
        if detail.hasPrefix("KFENCE:") { return kfenceTitle(detail.dropFirst(7).drop(while: { $0 == " " })) }
        if detail.hasPrefix("unable to handle kernel paging request")
            || detail.hasPrefix("unable to handle page fault for address")
            || detail.hasPrefix("Unable to handle kernel data access")
        {
            return titled(
                "BUG: unable to handle kernel paging request in {F}", kind: .oops,
                pick: guilty(GuiltyFrameRules.fault),
                alts: ["bad-access in {F}"])
        }
        if detail.hasPrefix("unable to handle kernel NULL pointer dereference")
            || detail.hasPrefix("kernel NULL pointer dereference")
        {
            return titled(
                "BUG: unable to handle kernel NULL pointer dereference in {F}", kind: .oops,
                pick: guilty(GuiltyFrameRules.fault), alts: ["bad-access in {F}"])
        }
        if detail.hasPrefix("unable to handle kernel") {
            return TitleResult("BUG: unable to handle kernel", kind: .oops, corrupted: "fault header cut short")
        }
        if detail.hasPrefix("spinlock ") || detail.hasPrefix("rwlock ") {
            let lockWord = detail.hasPrefix("spinlock ") ? "spinlock" : "rwlock"
            var what = detail.dropFirst(lockWord.count + 1)
            if let cpuRange = what.range(of: " on CPU") { what = what[..<cpuRange.lowerBound] }
            if let comma = what.firstIndex(of: ",") { what = what[..<comma] }
            return titled(
                "BUG: \(lockWord) \(what.trimmingCharacters(in: .whitespaces)) in {F}", kind: .lockdep,
                pick: guilty(GuiltyFrameRules.spinlockDebug))
        }
        if detail.hasPrefix("soft lockup") {
            return titled(
                "BUG: soft lockup in {F}", kind: .softLockup, pick: guilty(GuiltyFrameRules.stall),
                alts: ["stall in {F}"])
        }
        if detail.contains("still has locks held!") {
            return locksHeldTitle(prefix: "BUG")
        }
        if detail.hasPrefix("scheduling while atomic") {
            return titled(
                "BUG: scheduling while atomic in {F}", kind: .atomicSleep,
                pick: guilty(GuiltyFrameRules.schedulingWhileAtomic))
        }
        if detail.hasPrefix("lock held when returning to user space") {
            return atLineTitle("BUG: lock held when returning to user space in {F}", kind: .lockdep)
        }
        if detail.hasPrefix("bad unlock balance detected") {
            return titled("BUG: bad unlock balance in {F}", kind: .lockdep, pick: guilty(GuiltyFrameRules.lockSite))
        }
        if detail.hasPrefix("held lock freed") {
            return titled("BUG: held lock freed in {F}", kind: .lockdep, pick: guilty(GuiltyFrameRules.lockSite))
        }
        for fixed in [
            "Bad rss-counter state", "non-zero nr_ptes on freeing mm", "non-zero nr_pmds on freeing mm",
            "workqueue lockup",
        ]
        where detail.hasPrefix(fixed) {
            return TitleResult("BUG: " + fixed, kind: .bug, expectsStack: false)
        }
        if detail.hasPrefix("Bad page map") { return TitleResult("BUG: Bad page map", kind: .badPage) }
        if detail.hasPrefix("Dentry ") && detail.contains("still in use") {
            var alt = "BUG: Dentry still in use"
            if let open = detail.range(of: "[unmount of ") { alt += " " + detail[open.lowerBound...] }
            var result = TitleResult("BUG: Dentry still in use in unmount", kind: .bug)
            result.altTitles = [alt]
            return result
        }
        if detail.hasPrefix("Bad page state") || detail.hasPrefix("Bad page cache") {
            let what = detail.hasPrefix("Bad page state") ? "state" : "cache"
            // The allocation stack follows `page last allocated via order …` directly, without a marker.
            var candidates: [String] = []
            if let start = walker.firstIndex(from: 0, where: { $0.contains("page last allocated") }) {
                for line in lines.dropFirst(start + 1) {
                    guard let frame = FrameParser.parse(line[...]) else {
                        if candidates.isEmpty || line.contains("[inline]") { continue }
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
        if detail.hasPrefix("sleeping function called from invalid context") {
            return titled(
                "BUG: sleeping function called from invalid context in {F}", kind: .atomicSleep,
                pick: guilty(GuiltyFrameRules.contextCheck))
        }
        if detail.hasPrefix("using "), let preemptibleRange = detail.range(of: " in preemptible") {
            let fn = detail[detail.index(detail.startIndex, offsetBy: 6)..<preemptibleRange.lowerBound]
            return titled(
                "BUG: using \(fn) in preemptible code in {F}", kind: .lockdep,
                pick: guilty(GuiltyFrameRules.preemptibleAccess))
        }
        if detail.hasPrefix("workqueue leaked lock or atomic") {
            if let lineIndex = walker.firstIndex(from: 0, where: { $0.contains("last function:") }),
                let labelRange = lines[lineIndex].range(of: "last function:"),
                let fn = Self.identifier(lines[lineIndex][labelRange.upperBound...])
            {
                var result = TitleResult(
                    "BUG: workqueue leaked lock or atomic in \(fn)", kind: .lockdep, expectsStack: false)
                result.guiltyFunction = fn
                return result
            }
            return TitleResult("BUG: workqueue leaked lock or atomic", kind: .lockdep, expectsStack: false)
        }
        if detail.hasPrefix("memory leak") {
            return titled("memory leak in {F}", kind: .memoryLeak, pick: guilty(GuiltyFrameRules.memoryLeak))
        }
        if detail.contains("stack guard page was hit") {
            return titled(
                "BUG: stack guard page was hit in {F}", kind: .stackOverflow,
                pick: guilty(GuiltyFrameRules.stall), alts: ["stack-overflow in {F}"])
        }
        if detail.hasPrefix("Invalid wait context") {
            return titled(
                "WARNING: locking bug in {F}", kind: .lockdep, pick: guilty(GuiltyFrameRules.contextCheck))
        }
        if detail.hasPrefix("kernel NULL pointer") || detail.hasPrefix("unable to handle") {
            return titled(
                "BUG: unable to handle kernel NULL pointer dereference in {F}", kind: .oops,
                pick: guilty(GuiltyFrameRules.fault))
        }
        var result = TitleResult(rawTitle, kind: .bug)
        result.expectsStack = false
        return result
    }

    func kasanTitle(_ detail: Substring) -> TitleResult {
        // `use-after-free in foo+0x1/0x2`, `double-free or invalid-free in foo`, old `… on address ffff…`.
        guard let inRange = detail.range(of: " in ") else {
            if let on = detail.range(of: " on address") {
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
            if detail.contains(" at addr") {
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
            if line.contains("Read of size") || line.contains("Read at addr") { return "Read" }
            if line.contains("Write of size") || line.contains("Write at addr") { return "Write" }
        }
        return nil
    }

    func kmsanTitle(_ detail: Substring) -> TitleResult {
        guard let inRange = detail.range(of: " in ") else {
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
                from: 0, where: { $0.contains("Uninit was created at") || $0.contains("created at:") })
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
        for kind in ["use-after-free", "out-of-bounds"] where detail.hasPrefix(kind) {
            var remainder = detail.dropFirst(kind.count).drop(while: { $0 == " " })
            let rw = remainder.hasPrefix("read") ? "read" : remainder.hasPrefix("write") ? "write" : nil
            if let rw { remainder = remainder.dropFirst(rw.count) }
            let fn = remainder.range(of: " in ").map { remainder[$0.upperBound...] }
            let label = rw.map { "\(kind) \($0)" } ?? kind
            return titled(
                "KFENCE: \(label) in {F}", kind: .kfence,
                pick: guilty(GuiltyFrameRules.kfenceAccess, candidates: candidates(fn)),
                alts: ["bad-access in {F}"]
            )
        }
        if detail.hasPrefix("invalid free") {
            let fn = detail.range(of: " in ").map { detail[$0.upperBound...] }
            return titled(
                "KFENCE: invalid free in {F}", kind: .kfence,
                pick: guilty(GuiltyFrameRules.kfenceFree, candidates: candidates(fn)),
                alts: ["invalid-free in {F}"], expectsStack: false)
        }
        if detail.hasPrefix("invalid read") || detail.hasPrefix("invalid write") {
            let rw = detail.hasPrefix("invalid read") ? "read" : "write"
            let fn = detail.range(of: " in ").map { detail[$0.upperBound...] }
            return titled(
                "KFENCE: invalid \(rw) in {F}", kind: .kfence,
                pick: guilty(GuiltyFrameRules.kfenceAccess, candidates: candidates(fn)),
                alts: ["bad-access in {F}"])
        }
        if detail.hasPrefix("memory corruption") {
            let fn = detail.range(of: " in ").map { detail[$0.upperBound...] }
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
            } else if line.contains("at: "), let fn = Self.atFunction(line) {
                names.append(fn)
            }
        }
        return names
    }

    /// Titles naming the function of the first `at:` line.
    func atLineTitle(_ template: String, kind: CrashKind) -> TitleResult {
        for line in lines.dropFirst() where line.contains("at: ") {
            if let fn = Self.atFunction(line) {
                var result = TitleResult(
                    template.replacingOccurrences(of: "{F}", with: fn), kind: kind, expectsStack: false)
                result.guiltyFunction = fn
                return result
            }
        }
        return titled(template, kind: kind, pick: guilty(GuiltyFrameRules.contextCheck), expectsStack: false)
    }
}
