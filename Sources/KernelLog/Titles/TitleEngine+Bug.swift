import Foundation

/// Recipes for `BUG:` headers (sanitizers, faults, lockups, lock and memory-state checks).
extension TitleEngine {
    func bugTitle() -> TitleResult {
        let s = afterLiteral
        if s.isEmpty { return TitleResult("BUG: corrupted", kind: .bug, corrupted: "bare BUG: line") }
        if s.hasPrefix("KASAN:") { return kasanTitle(s.dropFirst(6).drop(while: { $0 == " " })) }
        if s.hasPrefix("KMSAN:") { return kmsanTitle(s.dropFirst(6).drop(while: { $0 == " " })) }
        if s.hasPrefix("KCSAN:") {
            return TitleResult("KCSAN: " + s.dropFirst(6).drop(while: { $0 == " " }), kind: .kcsan, expectsStack: false)
        }
        if s.hasPrefix("KFENCE:") { return kfenceTitle(s.dropFirst(7).drop(while: { $0 == " " })) }
        if s.hasPrefix("unable to handle kernel paging request")
            || s.hasPrefix("unable to handle page fault for address")
            || s.hasPrefix("Unable to handle kernel data access")
        {
            return titled(
                "BUG: unable to handle kernel paging request in {F}", kind: .oops,
                pick: StackWalker.pick(ipThenStack()),
                alts: ["bad-access in {F}"])
        }
        if s.hasPrefix("unable to handle kernel NULL pointer dereference")
            || s.hasPrefix("kernel NULL pointer dereference")
        {
            return titled(
                "BUG: unable to handle kernel NULL pointer dereference in {F}", kind: .oops,
                pick: StackWalker.pick(ipThenStack()), alts: ["bad-access in {F}"])
        }
        if s.hasPrefix("unable to handle kernel") {
            return TitleResult("BUG: unable to handle kernel", kind: .oops, corrupted: "fault header cut short")
        }
        if s.hasPrefix("spinlock ") || s.hasPrefix("rwlock ") {
            let lockWord = s.hasPrefix("spinlock ") ? "spinlock" : "rwlock"
            var what = s.dropFirst(lockWord.count + 1)
            if let r = what.range(of: " on CPU") { what = what[..<r.lowerBound] }
            if let c = what.firstIndex(of: ",") { what = what[..<c] }
            let extra: [FramePattern] = [.contains("spin"), .contains("_lock"), .contains("_unlock")]
            return titled(
                "BUG: \(lockWord) \(what.trimmingCharacters(in: .whitespaces)) in {F}", kind: .lockdep,
                pick: StackWalker.pick(walker.stackFrames(from: 0), skip: extra))
        }
        if s.hasPrefix("soft lockup") {
            return titled(
                "BUG: soft lockup in {F}", kind: .softLockup, pick: StackWalker.pickStall(walker.stackFrames(from: 0)),
                alts: ["stall in {F}"])
        }
        if s.contains("still has locks held!") {
            return locksHeldTitle(prefix: "BUG")
        }
        if s.hasPrefix("scheduling while atomic") {
            return titled(
                "BUG: scheduling while atomic in {F}", kind: .atomicSleep,
                pick: StackWalker.pick(walker.stackFrames(from: 0), skip: [.prefix("schedule"), .prefix("__schedule")]))
        }
        if s.hasPrefix("lock held when returning to user space") {
            return atLineTitle("BUG: lock held when returning to user space in {F}", kind: .lockdep)
        }
        if s.hasPrefix("bad unlock balance detected") {
            return titled("BUG: bad unlock balance in {F}", kind: .lockdep, pick: StackWalker.pick(atOrFrames()))
        }
        if s.hasPrefix("held lock freed") {
            return titled("BUG: held lock freed in {F}", kind: .lockdep, pick: StackWalker.pick(atOrFrames()))
        }
        for fixed in [
            "Bad rss-counter state", "non-zero nr_ptes on freeing mm", "non-zero nr_pmds on freeing mm",
            "workqueue lockup",
        ]
        where s.hasPrefix(fixed) {
            return TitleResult("BUG: " + fixed, kind: .bug, expectsStack: false)
        }
        if s.hasPrefix("Bad page map") { return TitleResult("BUG: Bad page map", kind: .badPage) }
        if s.hasPrefix("Dentry ") && s.contains("still in use") {
            var alt = "BUG: Dentry still in use"
            if let open = s.range(of: "[unmount of ") { alt += " " + s[open.lowerBound...] }
            var r = TitleResult("BUG: Dentry still in use in unmount", kind: .bug)
            r.alts = [alt]
            return r
        }
        if s.hasPrefix("Bad page state") || s.hasPrefix("Bad page cache") {
            let what = s.hasPrefix("Bad page state") ? "state" : "cache"
            // The allocation stack follows `page last allocated via order …` directly, without a marker.
            let extra: [FramePattern] = [
                .contains("_page"), .prefix("page"), .contains("folio"), .prefix("free_"), .prefix("__free_"),
                .contains("alloc_hook"),
            ]
            var cands: [String] = []
            if let start = walker.firstIndex(from: 0, where: { $0.contains("page last allocated") }) {
                for line in lines.dropFirst(start + 1) {
                    guard let f = FrameParser.parse(line[...]) else {
                        if cands.isEmpty || line.contains("[inline]") { continue }
                        break
                    }
                    cands.append(contentsOf: f.titleNames)
                }
            }
            if cands.isEmpty { cands = walker.stackFrames(from: 0) }
            return titled("BUG: Bad page \(what) in {F}", kind: .badPage, pick: StackWalker.pick(cands, skip: extra))
        }
        if s.hasPrefix("sleeping function called from invalid context") {
            return titled(
                "BUG: sleeping function called from invalid context in {F}", kind: .atomicSleep,
                pick: StackWalker.pick(walker.stackFrames(from: 0)))
        }
        if s.hasPrefix("using "), let r = s.range(of: " in preemptible") {
            let fn = s[s.index(s.startIndex, offsetBy: 6)..<r.lowerBound]
            return titled(
                "BUG: using \(fn) in preemptible code in {F}", kind: .lockdep,
                pick: StackWalker.pick(
                    walker.stackFrames(from: 0), skip: [.contains("preempt"), .contains("this_cpu")]))
        }
        if s.hasPrefix("workqueue leaked lock or atomic") {
            if let i = walker.firstIndex(from: 0, where: { $0.contains("last function:") }),
                let r = lines[i].range(of: "last function:"),
                let fn = Self.identifier(lines[i][r.upperBound...])
            {
                var t = TitleResult(
                    "BUG: workqueue leaked lock or atomic in \(fn)", kind: .lockdep, expectsStack: false)
                t.frame = fn
                return t
            }
            return TitleResult("BUG: workqueue leaked lock or atomic", kind: .lockdep, expectsStack: false)
        }
        if s.hasPrefix("memory leak") {
            let start = walker.firstIndex(from: 0, where: { $0.contains("backtrace") }) ?? 0
            let extra: [FramePattern] = [
                .contains("alloc"), .contains("kmemleak"), .contains("kmalloc"), .contains("slab"), .contains("kmem"),
                .contains("strdup"), .contains("strndup"), .contains("memdup"), .contains("kasprintf"),
                .contains("vmalloc"), .prefix("__kmalloc"), .prefix("__do_kmalloc"), .prefix("kvasprintf"),
            ]
            return titled(
                "memory leak in {F}", kind: .memoryLeak,
                pick: StackWalker.pick(walker.stackFrames(from: start), skip: extra))
        }
        if s.contains("stack guard page was hit") {
            return titled(
                "BUG: stack guard page was hit in {F}", kind: .stackOverflow,
                pick: StackWalker.pickStall(walker.stackFrames(from: 0)), alts: ["stack-overflow in {F}"])
        }
        if s.hasPrefix("Invalid wait context") {
            return titled(
                "WARNING: locking bug in {F}", kind: .lockdep, pick: StackWalker.pick(walker.stackFrames(from: 0)))
        }
        if s.hasPrefix("kernel NULL pointer") || s.hasPrefix("unable to handle") {
            return titled(
                "BUG: unable to handle kernel NULL pointer dereference in {F}", kind: .oops,
                pick: StackWalker.pick(ipThenStack()))
        }
        var r = TitleResult(rawTitle, kind: .bug)
        r.expectsStack = false
        return r
    }

    /// Functions that free on someone else's behalf.
    static let freeHelpers: [FramePattern] = [
        .prefix("kfree"), .prefix("__kfree"), .prefix("kvfree"), .prefix("kmem_cache_free"),
        .prefix("__kmem_cache_free"),
        .prefix("slab_free"), .prefix("__slab_free"), .prefix("do_slab_free"), .prefix("vfree"), .prefix("__vfree"),
        .prefix("free_pages"), .prefix("__free_pages"), .prefix("free_percpu"), .prefix("kfree_skb"), .contains("rcu"),
        .prefix("slab_"), .prefix("kmem_cache"),
    ]

    func kasanTitle(_ s: Substring) -> TitleResult {
        // `use-after-free in foo+0x1/0x2`, `double-free or invalid-free in foo`, old `… on address ffff…`.
        guard let inRange = s.range(of: " in ") else {
            if let on = s.range(of: " on address") {
                let what = s[..<on.lowerBound]
                if let rw = accessDirection() {
                    return TitleResult("KASAN: \(what) \(rw)", kind: .kasan, expectsStack: true)
                }
            }
            return TitleResult("KASAN: " + s, kind: .kasan, corrupted: "unrecognised KASAN header")
        }
        let what = s[..<inRange.lowerBound]
        let headerFn = Self.identifier(s[inRange.upperBound...])
        var cands: [String] = []
        if let f = headerFn { cands.append(f) }
        cands.append(contentsOf: walker.stackFrames(from: 0))
        let hwTag: [FramePattern] = [.prefix("el1_"), .prefix("el1h_"), .contains("fault"), .prefix("do_mem_abort")]
        if what == "double-free or invalid-free" || what == "double-free" || what == "invalid-free" {
            let freeHelpers = Self.freeHelpers
            return titled(
                "KASAN: invalid-free in {F}", kind: .kasan, pick: StackWalker.pick(cands, skip: freeHelpers + hwTag),
                alts: ["invalid-free in {F}"])
        }
        guard let rw = accessDirection() else {
            var r = TitleResult("KASAN: " + s, kind: .kasan)
            if s.contains(" at addr") { r.expectsStack = true } else { r.corruptedReason = "KASAN access line missing" }
            return r
        }
        return titled(
            "KASAN: \(what) \(rw) in {F}", kind: .kasan, pick: StackWalker.pick(cands, skip: hwTag),
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

    func kmsanTitle(_ s: Substring) -> TitleResult {
        guard let inRange = s.range(of: " in ") else {
            return TitleResult("KMSAN: " + s, kind: .kmsan, expectsStack: false)
        }
        let what = s[..<inRange.lowerBound]
        let extra: [FramePattern] = [
            .prefix("skb_"), .prefix("__skb"), .prefix("netlink_ack"), .contains("crypto"), .prefix("alloc_skb"),
            .prefix("chacha"), .prefix("aes_"), .prefix("sha1"), .prefix("sha256"), .prefix("sha512"),
            .prefix("blake2"),
            .prefix("__alloc_skb"), .prefix("consume_skb"), .prefix("kmsan"),
        ]
        // KMSAN prints the first stack right after the header, without `Call Trace:`.
        var first = walker.framesFollowing(0)
        if first.isEmpty { first = walker.stackFrames(from: 0) }
        var cands: [String] = []
        if let f = Self.identifier(s[inRange.upperBound...]) { cands.append(f) }
        cands.append(contentsOf: first)
        var r = titled(
            "KMSAN: \(what) in {F}", kind: .kmsan, pick: StackWalker.pick(cands, skip: extra), expectsStack: false)
        if what == "kernel-usb-infoleak" {
            let originStart = walker.firstIndex(
                from: 0, where: { $0.contains("Uninit was created at") || $0.contains("created at:") })
            if let o = originStart {
                var framesAfter: [String] = []
                var i = o + 1
                while i < lines.count, framesAfter.count < 64 {
                    if let f = FrameParser.parse(lines[i][...]), let n = f.titleName {
                        framesAfter.append(n)
                    } else if !framesAfter.isEmpty {
                        break
                    }
                    i += 1
                }
                if let f2 = StackWalker.pick(framesAfter, skip: extra).name {
                    r.alts.append("KMSAN origin in \(f2)")
                }
            }
        } else if r.frame != nil {
            let f = StackWalker.stripSyscallPrefix(r.frame ?? "")
            if !r.alts.contains("bad-access in \(f)") { r.alts.append("bad-access in \(f)") }
        }
        return r
    }

    func kfenceTitle(_ s: Substring) -> TitleResult {
        let cands = { (fn: Substring?) -> [String] in
            var c: [String] = []
            if let fn, let id = Self.identifier(fn) { c.append(id) }
            c.append(contentsOf: self.walker.allFrames(from: 1))
            return c
        }
        for kind in ["use-after-free", "out-of-bounds"] where s.hasPrefix(kind) {
            var rest = s.dropFirst(kind.count).drop(while: { $0 == " " })
            let rw = rest.hasPrefix("read") ? "read" : rest.hasPrefix("write") ? "write" : nil
            if let rw { rest = rest.dropFirst(rw.count) }
            let fn = rest.range(of: " in ").map { rest[$0.upperBound...] }
            let label = rw.map { "\(kind) \($0)" } ?? kind
            return titled(
                "KFENCE: \(label) in {F}", kind: .kfence, pick: StackWalker.pick(cands(fn)), alts: ["bad-access in {F}"]
            )
        }
        if s.hasPrefix("invalid free") {
            let fn = s.range(of: " in ").map { s[$0.upperBound...] }
            return titled(
                "KFENCE: invalid free in {F}", kind: .kfence, pick: StackWalker.pick(cands(fn), skip: Self.freeHelpers),
                alts: ["invalid-free in {F}"], expectsStack: false)
        }
        if s.hasPrefix("invalid read") || s.hasPrefix("invalid write") {
            let rw = s.hasPrefix("invalid read") ? "read" : "write"
            let fn = s.range(of: " in ").map { s[$0.upperBound...] }
            return titled(
                "KFENCE: invalid \(rw) in {F}", kind: .kfence, pick: StackWalker.pick(cands(fn)),
                alts: ["bad-access in {F}"])
        }
        if s.hasPrefix("memory corruption") {
            let fn = s.range(of: " in ").map { s[$0.upperBound...] }
            return titled(
                "KFENCE: memory corruption in {F}", kind: .kfence,
                pick: StackWalker.pick(cands(fn), skip: Self.freeHelpers),
                expectsStack: false)
        }
        return TitleResult("KFENCE: " + s, kind: .kfence, corrupted: "unrecognised KFENCE header")
    }

    /// `… still has locks held!` / `… nested lock was not taken`: the function of the first frame line after it.
    func locksHeldTitle(prefix: String) -> TitleResult {
        titled("\(prefix): still has locks held in {F}", kind: .lockdep, pick: StackWalker.pick(atOrFrames()))
    }

    /// Functions of `at:` lines and frame lines after the header, in order (lockdep reports name
    /// the lock site on `at:` lines before the stack).
    func atOrFrames() -> [String] {
        var names: [String] = []
        for line in lines.dropFirst() where names.count < CrashReportParser.maxFramesPerReport {
            if let f = FrameParser.parse(line[...]) {
                names.append(contentsOf: f.titleNames)
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
                var r = TitleResult(template.replacingOccurrences(of: "{F}", with: fn), kind: kind, expectsStack: false)
                r.frame = fn
                return r
            }
        }
        return titled(template, kind: kind, pick: StackWalker.pick(walker.stackFrames(from: 0)), expectsStack: false)
    }
}
