/// The guilty-frame rule of each report family, as data: which frames are candidates, which
/// skip words the family adds to `FrameSkipList.global`, what noticed the bug and how the frame
/// is chosen. The title templates stay with the recipes in `TitleEngine+Bug/Warning/Other`.
enum GuiltyFrameRules {
    // MARK: Faults the CPU noticed

    /// Paging request, NULL dereference, general protection, stack segment, arm aborts, Oops:
    /// the faulting instruction, then the stack.
    static let fault = GuiltyFrameRule(candidates: .instructionThenStack, noticer: .hardware)
    /// Divide error, invalid opcode, int3, double fault: only the instruction counts (the stack
    /// of a double fault is the overflowed one).
    static let faultInstructionOnly = GuiltyFrameRule(candidates: .instructionOnly, noticer: .hardware)

    // MARK: Checkers

    /// `kernel BUG at …`: the BUG_ON site; `skb_*` wrappers assert on the caller's behalf.
    static let kernelBUG = GuiltyFrameRule(
        candidates: .instructionThenStack, skip: [.prefix("skb_"), .prefix("__skb")], noticer: .checker)
    static let listCorruption = GuiltyFrameRule(candidates: .instructionThenStack, noticer: .checker)
    static let refcount = GuiltyFrameRule(
        candidates: .instructionThenStack, skip: [.contains("refcount")], noticer: .checker)
    /// The hardened-usercopy checker itself.
    static let usercopy = GuiltyFrameRule(
        candidates: .instructionThenStack,
        skip: [.prefix("usercopy_"), .prefix("__check_"), .prefix("check_"), .contains("usercopy_abort")],
        noticer: .checker)
    static let fortify = GuiltyFrameRule(
        candidates: .instructionThenStack, skip: [.prefix("fortify_"), .prefix("__fortify")], noticer: .checker)
    static let ubsan = GuiltyFrameRule(
        candidates: .firstStack, skip: [.contains("ubsan"), .contains("overflow")], noticer: .checker)
    /// `BUG: spinlock bad magic` and friends: the spinlock debug code and lock helpers.
    static let spinlockDebug = GuiltyFrameRule(
        candidates: .firstStack, skip: [.contains("spin"), .contains("_lock"), .contains("_unlock")],
        noticer: .checker)
    /// kmemleak: the allocation stack after `backtrace:`, without the allocators.
    static let memoryLeak = GuiltyFrameRule(
        candidates: .stackAfter("backtrace"),
        skip: [
            .contains("alloc"), .contains("kmemleak"), .contains("kmalloc"), .contains("slab"), .contains("kmem"),
            .contains("strdup"), .contains("strndup"), .contains("memdup"), .contains("kasprintf"),
            .contains("vmalloc"), .prefix("__kmalloc"), .prefix("__do_kmalloc"), .prefix("kvasprintf"),
        ],
        noticer: .checker)
    /// `page allocation failure`: the caller of the allocator.
    static let allocationFailure = GuiltyFrameRule(
        candidates: .firstStack, skip: [.contains("alloc"), .contains("page"), .contains("folio")], noticer: .checker)
    /// `Bad page state`: the stack after `page last allocated` (or the first stack), without the
    /// page allocator's helpers.
    static let badPage = GuiltyFrameRule(
        candidates: .ruleSupplied,
        skip: [
            .contains("_page"), .prefix("page"), .contains("folio"), .prefix("free_"), .prefix("__free_"),
            .contains("alloc_hook"),
        ],
        noticer: .checker)
    /// The KASAN tag-fault path on arm64 (hardware tags) sits between the report and the access.
    static let kasanTagFault: [FramePattern] = [
        .prefix("el1_"), .prefix("el1h_"), .contains("fault"), .prefix("do_mem_abort"),
    ]
    /// Functions that free on someone else's behalf.
    static let freeHelpers: [FramePattern] = [
        .prefix("kfree"), .prefix("__kfree"), .prefix("kvfree"), .prefix("kmem_cache_free"),
        .prefix("__kmem_cache_free"),
        .prefix("slab_free"), .prefix("__slab_free"), .prefix("do_slab_free"), .prefix("vfree"), .prefix("__vfree"),
        .prefix("free_pages"), .prefix("__free_pages"), .prefix("free_percpu"), .prefix("kfree_skb"), .contains("rcu"),
        .prefix("slab_"), .prefix("kmem_cache"),
    ]
    /// KASAN: the header's function, then the access stack.
    static let kasanAccess = GuiltyFrameRule(candidates: .ruleSupplied, skip: kasanTagFault, noticer: .checker)
    static let kasanInvalidFree = GuiltyFrameRule(
        candidates: .ruleSupplied, skip: freeHelpers + kasanTagFault, noticer: .checker)
    /// KMSAN: the header's function, then the first stack (printed without `Call Trace:`);
    /// skb, netlink-ack and cipher helpers carry the uninitialised bytes for their caller.
    static let kmsan = GuiltyFrameRule(
        candidates: .ruleSupplied,
        skip: [
            .prefix("skb_"), .prefix("__skb"), .prefix("netlink_ack"), .contains("crypto"), .prefix("alloc_skb"),
            .prefix("chacha"), .prefix("aes_"), .prefix("sha1"), .prefix("sha256"), .prefix("sha512"),
            .prefix("blake2"), .prefix("__alloc_skb"), .prefix("consume_skb"), .prefix("kmsan"),
        ],
        noticer: .checker)
    /// KFENCE: the header's function, then every frame after the header.
    static let kfenceAccess = GuiltyFrameRule(candidates: .ruleSupplied, noticer: .checker)
    static let kfenceFree = GuiltyFrameRule(candidates: .ruleSupplied, skip: freeHelpers, noticer: .checker)
    /// WARN: the instruction (the WARN site), powerpc's interrupted function, then the stack.
    static func warning(skip: [FramePattern] = []) -> GuiltyFrameRule {
        GuiltyFrameRule(candidates: .ruleSupplied, skip: skip, noticer: .checker)
    }
    /// `WARNING in F/usb_submit_urb`: the driver that submitted, past the USB core.
    static let usbSubmitWarning = warning(skip: [.prefix("usb_"), .prefix("__usb")])

    // MARK: Lockdep and context checks

    /// Lockdep's lock-site reports (bad unlock balance, held lock freed, locks held, nested lock).
    static let lockSite = GuiltyFrameRule(candidates: .lockSitesAndFrames)
    /// Sleeping function called from invalid context, invalid wait context.
    static let contextCheck = GuiltyFrameRule(candidates: .firstStack)
    static let schedulingWhileAtomic = GuiltyFrameRule(
        candidates: .firstStack, skip: [.prefix("schedule"), .prefix("__schedule")])
    /// `BUG: using smp_processor_id() in preemptible code`.
    static let preemptibleAccess = GuiltyFrameRule(
        candidates: .firstStack, skip: [.contains("preempt"), .contains("this_cpu")])
    static let suspiciousRCU = GuiltyFrameRule(
        candidates: .firstStack, skip: [.contains("rcu"), .contains("kmem"), .contains("slab")])
    static let nonStaticKey = GuiltyFrameRule(
        candidates: .firstStack, skip: [.contains("stack"), .contains("lock"), .contains("IRQ"), .contains("irq")])
    /// Lockdep's WARN in `kernel/locking/lockdep.c` (`WARNING: locking bug`).
    static let lockingBugWarning = GuiltyFrameRule(candidates: .ruleSupplied)
    /// Workqueue flushing is how lockdep sees a dependency, not where it was made.
    static let lockdepDependency = GuiltyFrameRule(
        candidates: .ruleSupplied,
        skip: [
            .prefix("flush_workqueue"), .prefix("__flush_workqueue"), .prefix("flush_work"),
            .prefix("process_one_work"), .prefix("worker_thread"), .prefix("start_flush_work"),
        ])
    /// IRQ-safety reports: the stack after `… which became …-irq-safe at:`.
    static let lockdepIrqSafe = GuiltyFrameRule(
        candidates: .ruleSupplied, skip: [.prefix("flush_workqueue"), .prefix("process_one_work")])

    // MARK: Stalls, hangs, panics

    /// Soft lockup, stack guard page, corrupted stack end, kernel stack overflow: the top of the
    /// stack is wherever the CPU spun, so the frame above the dispatcher is blamed.
    static let stall = GuiltyFrameRule(candidates: .firstStack, choice: .aboveDispatcher)
    /// `Kernel panic - not syncing: Watchdog detected hard LOCKUP`: every stack of the report.
    static let hardLockupPanic = GuiltyFrameRule(candidates: .allFrames, choice: .aboveDispatcher)
    static let hardLockup = GuiltyFrameRule(candidates: .instructionThenStack)
    /// RCU stall: the stack under a timer interrupt, past RCU's own and the interrupt entry frames.
    static let rcuStall = GuiltyFrameRule(
        candidates: .ruleSupplied,
        skip: [.contains("rcu"), .contains("apic_timer_interrupt"), .contains("sysvec_"), .prefix("asm_")],
        choice: .aboveDispatcher)
    static let hungTask = GuiltyFrameRule(candidates: .firstStack, choice: .hungTask)
    static let stackProtector = GuiltyFrameRule(candidates: .firstStack, skip: [.contains("stack_chk")])
    static let rustPanic = GuiltyFrameRule(
        candidates: .firstStack,
        skip: [.contains("panic"), .prefix("core::"), .prefix("rust_"), .prefix("__rustc"), .prefix("<core::")])
}
