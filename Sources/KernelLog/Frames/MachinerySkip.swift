import KtriageBytes

/// The role of a machinery function in a stack (see `scripts/kernel-tables/generate_machinery.py`).
enum MachineryRole: Sendable {
    /// The code that noticed or reported the bug, and leaf helpers working on what the caller
    /// handed over (string, copy, container, bit and allocator helpers, lock primitives): never
    /// blamed.
    case reporting
    /// Services with their own state (wait queues, timers, workqueues, the driver model, crypto
    /// glue, unwinders): skipped on the way to the culprit, blamed when the checked access
    /// itself happened inside them.
    case plumbing
}

/// The kernel's reporting and infrastructure machinery, read from its source
/// (`GeneratedMachinery`), as a skip rule for the guilty frame: the first frame outside the
/// machinery that noticed the bug is guilty.
enum MachinerySkip {
    /// Where a pick consults the table.
    enum Scope {
        /// Not at all: the title rule's own skip words decide.
        case none
        /// Every candidate; plumbing only below the crash site (the first candidate: the faulting
        /// instruction or the access a sanitizer caught; or the WARN site the header names).
        case belowCrashSite
    }

    /// What noticed the bug a report describes.
    enum Noticer {
        /// The CPU: a fault at an instruction (general protection, paging request, NULL
        /// dereference, invalid opcode, arm aborts).
        case hardware
        /// A checker in the kernel: sanitizers (KASAN, KMSAN, KFENCE, UBSAN), WARN and BUG_ON,
        /// list, refcount, usercopy, fortify and spinlock-debug checks, kmemleak, the page
        /// allocator's bad-page and allocation-failure reports.
        case checker
        /// Lockdep and the context checks (sleeping or scheduling in atomic context, per-CPU
        /// access in preemptible code), and anything else.
        case other
    }

    /// Where the table applies, by what noticed the bug.
    static func scope(for noticer: Noticer) -> Scope {
        switch noticer {
        // The CPU faulted in whatever code ran, even generic code fed corrupted data: a wait
        // queue, timer queue or klist walk that faults is blamed on the walk (dev corpus).
        case .hardware: return .none
        // The checker's report frames and the generic code between the culprit and the
        // checked access are skipped.
        case .checker: return .belowCrashSite
        // The bug is taking a lock or sleeping in the wrong context: the lock or sleeping
        // function called (console_lock) is what these titles name.
        case .other: return .none
        }
    }

    static let reporting = names(of: .reporting)
    static let plumbing = names(of: .plumbing)

    static func names(of role: MachineryRole) -> MachineryNameSet {
        MachineryNameSet(GeneratedMachinery.groups.filter { $0.role == role }.map(\.names))
    }

    /// The role of `name`, if it is a machinery function. Dispatchers (the stall anchors:
    /// softirq and workqueue runners, timer expiry, syscall entry) are not: the frames below
    /// them belong to another context, so they are the last place a report can be blamed on.
    static func role(of name: String) -> MachineryRole? {
        let role: MachineryRole? =
            plumbing.contains(name) ? .plumbing : reporting.contains(name) ? .reporting : nil
        guard let role, !StackAnchors.stall.matchesAny(name) else { return nil }
        return role
    }

    /// Whether a pick skips `name` under `scope`; `atCrashSite` says the candidate is the crash site.
    static func skips(_ name: String, scope: Scope, atCrashSite: Bool) -> Bool {
        guard scope == .belowCrashSite, let role = role(of: name) else { return false }
        return role == .reporting || !atCrashSite
    }
}
