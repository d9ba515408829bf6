import Foundation

/// The kernel's reporting and infrastructure machinery, read from its source
/// (`GeneratedMachinery`), as a skip rule for the guilty frame: the first frame outside the
/// machinery that noticed the bug is guilty.
enum MachinerySkip {
    /// Where a pick consults the table.
    enum Scope {
        /// Not at all: the title rule's own skip words decide.
        case none
        /// Every candidate but the crash site (the first candidate: the faulting instruction or
        /// the access a sanitizer caught; or the WARN site the header names): a report raised
        /// inside the machinery is blamed on it.
        case belowCrashSite
        /// Every candidate.
        case everywhere
    }

    /// What noticed the bug a report describes.
    enum Noticer {
        /// The CPU: a fault at an instruction (general protection, paging request, NULL
        /// dereference, invalid opcode, arm aborts).
        case hardware
        /// A checker in the kernel: sanitizers (KASAN, KMSAN, KFENCE, UBSAN), WARN and BUG_ON,
        /// list, refcount, usercopy and fortify checks, kmemleak.
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
        // checked access are skipped; the checked access itself keeps the blame.
        case .checker: return .belowCrashSite
        // The bug is taking a lock or sleeping in the wrong context: the lock or sleeping
        // function called (console_lock) is what these titles name.
        case .other: return .none
        }
    }

    /// Whether `name` is a machinery function. Dispatchers (the stall anchors: softirq and
    /// workqueue runners, timer expiry, syscall entry) are not: the frames below them belong to
    /// another context, so they are the last place a report can be blamed on.
    static func contains(_ name: String) -> Bool {
        GeneratedMachinery.names.contains(Substring(name)) && !StackAnchors.stall.matchesAny(name)
    }
}
