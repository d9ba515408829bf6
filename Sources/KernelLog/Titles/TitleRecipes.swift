import KernelFacts

/// The title recipe table: one row per report format, tried in order within the header's family
/// (a more specific prefix before a shorter one). Adding a crash family is one row here plus a
/// fixture; a format with a structure of its own gets a `.custom` row naming its rule in
/// `TitleEngine`. Titles follow syzbot's conventions (`../shared/docs/title-rules.md`).
enum TitleRecipes {
    static let table: [TitleRecipe] = bug + warning + info + faults + panics + checkers + events

    /// `bad-access in {F}`: syzbot's alternative title for memory-safety reports, so that a fault
    /// and a sanitizer report of one bug can be matched.
    static let badAccess = ["bad-access in {F}"]

    /// `BUG:` headers (lib/bug.c callers, mm/, kernel/locking/, the sanitizers).
    static let bug: [TitleRecipe] =
        [
            TitleRecipe(
                family: .bug, match: .empty, template: "BUG: corrupted", kind: .bug,
                build: .corrupted("bare BUG: line"), formats: "any"),
            TitleRecipe(
                family: .bug, match: .prefix(["KASAN:"]), kind: .kasan,
                build: .custom { engine, detail in engine.kasanTitle(detail.dropFirst(6).drop(while: { $0 == " " })) },
                formats: "mm/kasan/report.c, 4.0+ (`BUG: KASAN: <bug> in <fn>`)"),
            TitleRecipe(
                family: .bug, match: .prefix(["KMSAN:"]), kind: .kmsan,
                build: .custom { engine, detail in engine.kmsanTitle(detail.dropFirst(6).drop(while: { $0 == " " })) },
                formats: "mm/kmsan/report.c, 6.1+"),
            TitleRecipe(
                family: .bug, match: .prefix(["KCSAN:"]), kind: .kcsan,
                build: .custom { _, detail in
                    TitleResult(
                        "KCSAN: " + detail.dropFirst(6).drop(while: { $0 == " " }), kind: .kcsan, expectsStack: false)
                },
                formats: "kernel/kcsan/report.c, 5.8+: the header names both racing functions"),
            TitleRecipe(
                family: .bug, match: .prefix(["KFENCE:"]), kind: .kfence,
                build: .custom { engine, detail in engine.kfenceTitle(detail.dropFirst(7).drop(while: { $0 == " " })) },
                formats: "mm/kfence/report.c, 5.12+"),
            TitleRecipe(
                family: .bug,
                match: .prefix([
                    "unable to handle kernel paging request", "unable to handle page fault for address",
                    "Unable to handle kernel data access",
                ]),
                template: "BUG: unable to handle kernel paging request in {F}", kind: .oops,
                build: .frame(GuiltyFrameRules.fault), alts: badAccess,
                formats: "arch/x86/mm/fault.c (page_fault_oops; `page fault for address` 4.20+); powerpc `data access`"),
            TitleRecipe(
                family: .bug,
                match: .prefix(["unable to handle kernel NULL pointer dereference", "kernel NULL pointer dereference"]),
                template: "BUG: unable to handle kernel NULL pointer dereference in {F}", kind: .oops,
                build: .frame(GuiltyFrameRules.fault), alts: badAccess,
                formats: "arch/x86/mm/fault.c (`kernel NULL pointer dereference, address:` 4.20+)"),
            TitleRecipe(
                family: .bug, match: .prefix(["unable to handle kernel"]), template: "BUG: unable to handle kernel",
                kind: .oops, build: .corrupted("fault header cut short"), formats: "a fault header cut short"),
            TitleRecipe(
                family: .bug, match: .prefix(["spinlock ", "rwlock "]), kind: .lockdep,
                build: .custom { engine, detail in engine.spinlockDebugTitle(detail) },
                formats: "kernel/locking/spinlock_debug.c (`BUG: spinlock <what> on CPU#n`)"),
            TitleRecipe(
                family: .bug, match: .prefix(["soft lockup"]), template: "BUG: soft lockup in {F}", kind: .softLockup,
                build: .frame(GuiltyFrameRules.stall), alts: ["stall in {F}"], formats: "kernel/watchdog.c"),
            TitleRecipe(
                family: .bug, match: .contains("still has locks held!"), kind: .lockdep,
                build: .custom { engine, _ in engine.locksHeldTitle(prefix: "BUG") },
                formats: "kernel/locking/lockdep.c (debug_check_no_locks_held), before 4.x"),
            TitleRecipe(
                family: .bug, match: .prefix(["scheduling while atomic"]),
                template: "BUG: scheduling while atomic in {F}", kind: .atomicSleep,
                build: .frame(GuiltyFrameRules.schedulingWhileAtomic), formats: "kernel/sched/core.c"),
            TitleRecipe(
                family: .bug, match: .prefix(["lock held when returning to user space"]), kind: .lockdep,
                build: .custom { engine, _ in
                    engine.atLineTitle("BUG: lock held when returning to user space in {F}", kind: .lockdep)
                },
                formats: "kernel/locking/lockdep.c (lockdep_sys_exit): the lock site is on the `at:` line"),
            TitleRecipe(
                family: .bug, match: .prefix(["bad unlock balance detected"]),
                template: "BUG: bad unlock balance in {F}", kind: .lockdep, build: .frame(GuiltyFrameRules.lockSite),
                formats: "kernel/locking/lockdep.c (print_unlock_imbalance_bug)"),
            TitleRecipe(
                family: .bug, match: .prefix(["held lock freed"]), template: "BUG: held lock freed in {F}",
                kind: .lockdep, build: .frame(GuiltyFrameRules.lockSite),
                formats: "kernel/locking/lockdep.c (print_freed_lock_bug)"),
        ]
        + [
            "Bad rss-counter state", "non-zero nr_ptes on freeing mm", "non-zero nr_pmds on freeing mm",
            "workqueue lockup",
        ].map {
            TitleRecipe(
                family: .bug, match: .prefix([$0]), template: "BUG: " + $0, kind: .bug, build: .fixed,
                expectsStack: false, formats: "kernel/fork.c (check_mm), kernel/workqueue.c: no stack printed")
        }
        + [
            TitleRecipe(
                family: .bug, match: .prefix(["Bad page map"]), template: "BUG: Bad page map", kind: .badPage,
                build: .fixed, formats: "mm/memory.c (print_bad_pte)"),
            TitleRecipe(
                family: .bug, match: .all([.prefix(["Dentry "]), .contains("still in use")]), kind: .bug,
                build: .custom { engine, detail in engine.dentryInUseTitle(detail) },
                formats: "fs/dcache.c (umount_check)"),
            TitleRecipe(
                family: .bug, match: .prefix(["Bad page state", "Bad page cache"]), kind: .badPage,
                build: .custom { engine, detail in engine.badPageTitle(detail) },
                formats: "mm/page_alloc.c (bad_page), mm/filemap.c"),
            TitleRecipe(
                family: .bug, match: .prefix(["sleeping function called from invalid context"]),
                template: "BUG: sleeping function called from invalid context in {F}", kind: .atomicSleep,
                build: .frame(GuiltyFrameRules.contextCheck), formats: "kernel/sched/core.c (__might_resched)"),
            TitleRecipe(
                family: .bug, match: .all([.prefix(["using "]), .contains(" in preemptible")]), kind: .lockdep,
                build: .custom { engine, detail in engine.preemptibleAccessTitle(detail) },
                formats: "lib/smp_processor_id.c (check_preemption_disabled)"),
            TitleRecipe(
                family: .bug, match: .prefix(["workqueue leaked lock or atomic"]), kind: .lockdep,
                build: .custom { engine, _ in engine.workqueueLeakTitle() },
                formats: "kernel/workqueue.c (process_one_work): the work function is on `last function:`"),
            TitleRecipe(
                family: .bug, match: .prefix(["memory leak"]), template: "memory leak in {F}", kind: .memoryLeak,
                build: .frame(GuiltyFrameRules.memoryLeak), formats: "mm/kmemleak.c (print_unreferenced)"),
            TitleRecipe(
                family: .bug, match: .contains("stack guard page was hit"),
                template: "BUG: stack guard page was hit in {F}", kind: .stackOverflow,
                build: .frame(GuiltyFrameRules.stall), alts: ["stack-overflow in {F}"],
                formats: "arch/x86/kernel/traps.c (handle_stack_overflow), 4.9+"),
            // syzbot files `Invalid wait context` under locking bugs, as lockdep's WARN does.
            TitleRecipe(
                family: .bug, match: .prefix(["Invalid wait context"]), template: "WARNING: locking bug in {F}",
                kind: .lockdep, build: .frame(GuiltyFrameRules.contextCheck),
                formats: "kernel/locking/lockdep.c (print_lock_invalid_wait_context), 5.7+"),
            // Shortened NULL-dereference headers (2.6 `unable to handle kernel NULL pointer at`).
            TitleRecipe(
                family: .bug, match: .prefix(["kernel NULL pointer", "unable to handle"]),
                template: "BUG: unable to handle kernel NULL pointer dereference in {F}", kind: .oops,
                build: .frame(GuiltyFrameRules.fault), formats: "2.6.x arch/x86/mm/fault.c"),
            TitleRecipe(
                family: .bug, kind: .bug, build: .headerLine, expectsStack: false,
                formats: "any other BUG: message: the header is the title"),
        ]

    /// `WARNING:` headers (kernel/panic.c __warn, lockdep, RCU).
    static let warning: [TitleRecipe] =
        [
            TitleRecipe(
                family: .warning, match: .empty, template: "WARNING: corrupted", kind: .warning,
                build: .corrupted("bare WARNING: line"), formats: "any")
        ]
        + lockdepBanners(family: .warning)
        + [
            TitleRecipe(
                family: .warning, match: .prefix(["suspicious RCU usage"]), kind: .lockdep,
                build: .custom { engine, _ in engine.suspiciousRCUWarningTitle() },
                formats: "kernel/rcu/update.c (lockdep_rcu_suspicious), 4.x+ as WARNING"),
            TitleRecipe(
                family: .warning, match: .contains("still has locks held!"), kind: .lockdep,
                build: .custom { engine, _ in engine.locksHeldTitle(prefix: "WARNING") },
                formats: "kernel/locking/lockdep.c, 4.x+"),
            TitleRecipe(
                family: .warning, match: .prefixIgnoringCase(["lock held when returning to user space"]),
                kind: .lockdep,
                build: .custom { engine, _ in
                    engine.atLineTitle("WARNING: lock held when returning to user space in {F}", kind: .lockdep)
                },
                formats: "kernel/locking/lockdep.c (lockdep_sys_exit)"),
        ]
        + ["nested lock was not taken", "bad unlock balance", "held lock freed"].map {
            TitleRecipe(
                family: .warning, match: .prefixIgnoringCase([$0]), template: "WARNING: \($0) in {F}", kind: .lockdep,
                build: .frame(GuiltyFrameRules.lockSite),
                formats: "kernel/locking/lockdep.c, 4.x+ (`bad unlock balance detected!`, `held lock freed!`)")
        }
        + [
            TitleRecipe(
                family: .warning, match: .all([.prefix(["kernel stack regs at"]), .contains(" has bad '")]),
                kind: .warning, build: .custom { engine, detail in engine.badStackRegisterTitle(detail) },
                formats: "arch/x86/kernel/unwind_frame.c (bad_address)"),
            TitleRecipe(
                family: .warning, match: .prefix(["kernel stack frame pointer at"]),
                template: "WARNING: kernel stack frame pointer has bad value", kind: .warning, build: .fixed,
                expectsStack: false, formats: "arch/x86/kernel/unwind_frame.c"),
            TitleRecipe(
                family: .warning, kind: .warning, build: .custom { engine, detail in engine.warnSiteTitle(detail) },
                formats:
                    "kernel/panic.c __warn: 3.10+ `CPU: n PID: n at file:line fn+off/size`, 2.6–4.x "
                    + "`at file:line fn+off/size()`, 6.x `[cond] file:line at fn+off/size, CPU#n`"),
        ]

    /// `INFO:` headers (lockdep, RCU stalls, hung tasks).
    static let info: [TitleRecipe] =
        [
            TitleRecipe(
                family: .info, match: .empty, template: "INFO: corrupted", kind: .bug,
                build: .corrupted("bare INFO: line"), formats: "any")
        ]
        + lockdepBanners(family: .info)
        + [
            TitleRecipe(
                family: .info,
                match: .all([
                    .prefix(["rcu_", "rcu "]),
                    .containsAny([
                        "detected stall", "self-detected stall", "detected expedited stall", "detected stalls",
                    ]),
                ]),
                kind: .rcuStall, build: .custom { engine, _ in engine.rcuStallTitle() },
                formats: "kernel/rcu/tree_stall.h (`INFO: rcu_sched self-detected stall on CPU`), 2.6.32+"),
            TitleRecipe(
                family: .info, match: .prefix(["trying to register non-static key"]),
                template: "INFO: trying to register non-static key in {F}", kind: .lockdep,
                build: .frame(GuiltyFrameRules.nonStaticKey), formats: "kernel/locking/lockdep.c (assign_lock_key)"),
            TitleRecipe(
                family: .info, match: .prefix(["suspicious RCU usage"]), template: "INFO: suspicious RCU usage in {F}",
                kind: .lockdep, build: .frame(GuiltyFrameRules.suspiciousRCU),
                formats: "kernel/rcu/update.c, 3.x (`INFO: suspicious RCU usage.`)"),
            TitleRecipe(
                family: .info,
                match: .all([.prefix(["task "]), .contains(" blocked "), .contains("for more than ")]),
                template: "INFO: task hung in {F}", kind: .hungTask, build: .frame(GuiltyFrameRules.hungTask),
                alts: ["hang in {F}"], formats: "kernel/hung_task.c (check_hung_task), 2.6.32+"),
            TitleRecipe(
                family: .info, match: .all([.prefix(["task "]), .contains(" can't die for more than ")]),
                template: "INFO: task can't die in {F}", kind: .hungTask, build: .frame(GuiltyFrameRules.hungTask),
                alts: ["hang in {F}"], formats: "syzkaller's kernel patch (`task ... can't die`)"),
            TitleRecipe(
                family: .info, match: .prefix(["Freed in", "Allocated in"]), kind: .kasan,
                build: .custom { _, detail in
                    TitleResult("INFO: " + detail, kind: .kasan, corrupted: "a fragment of an old KASAN report")
                },
                formats: "SLUB debug / early KASAN (3.x): the object's history, not a report of its own"),
            TitleRecipe(
                family: .info, kind: .bug, build: .headerLine, expectsStack: false,
                formats: "any other INFO: message: the header is the title"),
        ]

    /// Lockdep's banners, printed under `WARNING:` (4.x+) or `INFO:` (before), and the words their
    /// titles start with.
    static let lockdepWords: [(banner: String, word: String)] = [
        ("possible circular locking dependency detected", "possible deadlock"),
        ("possible irq lock inversion dependency detected", "possible deadlock"),
        ("possible recursive locking detected", "possible deadlock"),
        ("inconsistent lock state", "inconsistent lock state"),
    ]

    static func lockdepBanners(family: HeaderFamily) -> [TitleRecipe] {
        lockdepWords.map { banner, word in
            TitleRecipe(
                family: family, match: .prefix([banner]), kind: .lockdep,
                build: .custom { engine, _ in engine.lockdepTitle(word: word, banner: banner) },
                formats: "kernel/locking/lockdep.c")
        }
            + [
                TitleRecipe(
                    family: family, match: .all([.contains("-safe -> "), .contains("-unsafe lock order detected")]),
                    kind: .lockdep,
                    build: .custom { engine, _ in engine.lockdepTitle(word: "possible deadlock", banner: "lock order")
                    },
                    formats: "kernel/locking/lockdep.c (print_bad_irq_dependency)")
            ]
    }

    /// CPU faults and traps named by their own header literal.
    static let faults: [TitleRecipe] =
        ["paging request", "NULL pointer dereference", "access to user memory"].map {
            TitleRecipe(
                family: .armUnable, match: .prefix([$0]), template: "BUG: unable to handle kernel \($0) in {F}",
                kind: .oops, build: .frame(GuiltyFrameRules.fault), alts: badAccess,
                formats: "arch/arm*/mm/fault.c (__do_kernel_fault: `Unable to handle kernel %s at virtual address`)")
        }
        + [
            // s390: `Unable to handle kernel pointer dereference in virtual kernel address space`.
            TitleRecipe(
                family: .armUnable, match: .prefix(["pointer dereference"]),
                template: "BUG: unable to handle kernel paging request in {F}", kind: .oops,
                build: .frame(GuiltyFrameRules.fault), alts: badAccess, formats: "arch/s390/mm/fault.c"),
            TitleRecipe(
                family: .armUnable, kind: .oops, build: .headerLine, expectsStack: false,
                formats: "other `Unable to handle kernel` messages"),
            TitleRecipe(
                family: .gpf, template: "general protection fault in {F}", kind: .gpf,
                build: .frame(GuiltyFrameRules.fault), alts: badAccess, formats: "arch/x86/kernel/traps.c"),
            TitleRecipe(
                family: .stackSegment, template: "stack segment fault in {F}", kind: .gpf,
                build: .frame(GuiltyFrameRules.fault), formats: "arch/x86/kernel/traps.c (do_stack_segment)"),
            TitleRecipe(
                family: .doubleFault, template: "PANIC: double fault in {F}", kind: .doubleFault,
                build: .frame(GuiltyFrameRules.faultInstructionOnly), expectsStack: false,
                formats: "arch/x86/kernel/traps.c (exc_double_fault): the stack is gone, only RIP is known"),
            TitleRecipe(
                family: .divideError, template: "divide error in {F}", kind: .divideError,
                build: .frame(GuiltyFrameRules.faultInstructionOnly), formats: "arch/x86/kernel/traps.c"),
            TitleRecipe(
                family: .invalidOpcode, template: "invalid opcode in {F}", kind: .invalidOpcode,
                build: .frame(GuiltyFrameRules.faultInstructionOnly), formats: "arch/x86/kernel/traps.c"),
            TitleRecipe(
                family: .int3, template: "int3 in {F}", kind: .bug,
                build: .frame(GuiltyFrameRules.faultInstructionOnly),
                formats: "arch/x86/kernel/traps.c"),
            TitleRecipe(
                family: .armFault, kind: .oops, build: .custom { engine, _ in engine.armFaultTitle() },
                formats: "arch/arm/mm/fault.c, alignment.c"),
            TitleRecipe(
                family: .oops, template: "Oops in {F}", kind: .oops, build: .frame(GuiltyFrameRules.fault),
                formats: "`Oops:` without a header before it (arch die())"),
        ]

    /// Panics and BUG_ON.
    static let panics: [TitleRecipe] = [
        TitleRecipe(
            family: .kernelPanic, kind: .panic, build: .custom { engine, _ in engine.panicTitle() },
            formats: "kernel/panic.c (`Kernel panic - not syncing: %s`)"),
        TitleRecipe(
            family: .rustPanic, kind: .panic, build: .custom { engine, _ in engine.rustPanicTitle() },
            formats: "rust/kernel (`rust_kernel: panicked at`), 6.1+"),
        TitleRecipe(
            family: .kernelBUG, match: .prefix(["at mm/usercopy.c"]), template: "BUG: bad usercopy in {F}",
            kind: .usercopy, build: .frame(GuiltyFrameRules.usercopy),
            formats: "mm/usercopy.c (usercopy_abort's BUG())"),
        TitleRecipe(
            family: .kernelBUG, match: .prefix(["at lib/list_debug.c"]), template: "BUG: corrupted list in {F}",
            kind: .listCorruption, build: .frame(GuiltyFrameRules.listCorruption), alts: badAccess,
            formats: "lib/list_debug.c with CONFIG_BUG_ON_DATA_CORRUPTION"),
        TitleRecipe(
            family: .kernelBUG, template: "kernel BUG in {F}", kind: .bug, build: .frame(GuiltyFrameRules.kernelBUG),
            formats: "lib/bug.c (`kernel BUG at %s:%u!`)"),
        TitleRecipe(
            family: .kernelBUGPowerPC, kind: .bug,
            build: .custom { _, detail in TitleResult("kernel BUG " + detail, kind: .bug) },
            formats: "arch/powerpc (`kernel BUG at`, no function in the trace format)"),
        TitleRecipe(
            family: .trusty, kind: .panic, build: .custom { _, detail in TitleEngine.trustyTitle(detail) },
            formats: "Android trusty"),
        TitleRecipe(
            family: .goFatal, template: "go runtime error", kind: .other, build: .fixed, expectsStack: false,
            formats: "gVisor / Go runtime `fatal error:`"),
        TitleRecipe(
            family: .syzFail, kind: .other, build: .custom { engine, detail in engine.syzFailTitle(detail) },
            formats: "syzkaller executor messages (SYZFAIL, SYZFATAL, panic:)"),
        TitleRecipe(
            family: .reboot, template: "unexpected kernel reboot", kind: .reboot, build: .fixed, expectsStack: false,
            formats: "a boot banner in the middle of a run"),
        TitleRecipe(
            family: .stackProtector, kind: .other, build: .headerLine, expectsStack: false,
            formats: "stack-protector messages without a panic"),
    ]

    /// Checkers with a header of their own.
    static let checkers: [TitleRecipe] = [
        TitleRecipe(
            family: .slabObject, kind: .slabCorruption,
            build: .custom { engine, detail in engine.slabObjectTitle(detail) },
            formats: "mm/slub.c (slab_bug: `BUG <cache> (<taint>): <problem>`)"),
        TitleRecipe(
            family: .ubsan, kind: .ubsan, build: .custom { engine, detail in engine.ubsanTitle(detail) },
            formats: "lib/ubsan.c (`UBSAN: <check> in <file>:<line>`, 4.5+; `Undefined behaviour in` before 5.9)"),
        TitleRecipe(
            family: .netdevUnregister, template: "unregister_netdevice: waiting for DEV to become free",
            kind: .refcount,
            build: .fixed, expectsStack: false, formats: "net/core/dev.c (netdev_wait_allrefs)"),
        TitleRecipe(
            family: .vfsClose, template: "VFS: Close: file count is zero (use-after-free)", kind: .bug, build: .fixed,
            expectsStack: false, formats: "fs/open.c (filp_close)"),
        TitleRecipe(
            family: .vfsBusy, template: "VFS: Busy inodes after unmount (use-after-free)", kind: .bug, build: .fixed,
            expectsStack: false, formats: "fs/super.c (generic_shutdown_super)"),
        TitleRecipe(
            family: .listCorruption, template: "BUG: corrupted list in {F}", kind: .listCorruption,
            build: .frame(GuiltyFrameRules.listCorruption), alts: badAccess,
            formats: "lib/list_debug.c (`list_add corruption.`, `list_del corruption`)"),
        TitleRecipe(
            family: .refcount, template: "WARNING: refcount bug in {F}", kind: .refcount,
            build: .frame(GuiltyFrameRules.refcount), formats: "lib/refcount.c (`refcount_t: …`)"),
        TitleRecipe(
            family: .usercopy, template: "BUG: bad usercopy in {F}", kind: .usercopy,
            build: .frame(GuiltyFrameRules.usercopy), formats: "mm/usercopy.c (`usercopy: Kernel memory …`)"),
        TitleRecipe(
            family: .fortify, template: "fortify: buffer overflow in {F}", kind: .fortify,
            build: .frame(GuiltyFrameRules.fortify), formats: "lib/string_helpers.c (fortify_panic/__fortify_report)"),
        TitleRecipe(
            family: .hardLockup, template: "watchdog: hard lockup in {F}", kind: .hardLockup,
            build: .frame(GuiltyFrameRules.hardLockup), alts: ["stall in {F}"],
            formats: "kernel/watchdog_hld.c / watchdog_perf.c (`Watchdog detected hard LOCKUP on cpu`)"),
        TitleRecipe(
            family: .allocFailure, template: "page allocation failure in {F}", kind: .allocationFailure,
            build: .frame(GuiltyFrameRules.allocationFailure), formats: "mm/page_alloc.c (warn_alloc)"),
        TitleRecipe(
            family: .mce, kind: .mce, build: .custom { engine, _ in engine.machineCheckTitle() },
            formats: "arch/x86/kernel/cpu/mce/core.c, APEI GHES (see EventHeaders)"),
    ]

    /// Node-health events (`EventHeaders`): titled by `TitleEngine+Event`.
    static let events: [TitleRecipe] = [
        HeaderFamily.netdevWatchdog, .edac, .memoryFailure, .filesystemError, .filesystemReadOnly, .blockIOError,
        .bufferIOError, .serverNotResponding, .oomInvoked, .oomKill,
    ].map {
        TitleRecipe(
            family: $0, kind: .other, build: .custom { engine, _ in engine.eventTitle() },
            formats: "see EventHeaders: one row per printk format")
    }
}
