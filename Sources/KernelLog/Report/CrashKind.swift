/// The fixed vocabulary of crash kinds: the record's `kind`.
///
/// The raw values are the stable JSON spelling; add cases, never rename them.
public enum CrashKind: String, Sendable, Codable, CaseIterable {
    case oops
    case bug
    case warning
    case panic
    case gpf
    case softLockup = "soft_lockup"
    case hardLockup = "hard_lockup"
    case rcuStall = "rcu_stall"
    case hungTask = "hung_task"
    case kasan
    case kmsan
    case kcsan
    case kfence
    case ubsan
    case lockdep
    case listCorruption = "list_corruption"
    case refcount
    case badPage = "bad_page"
    case stackProtector = "stack_protector"
    case usercopy
    case fortify
    case atomicSleep = "atomic_sleep"
    case oom
    case mce
    case netdevWatchdog = "netdev_watchdog"
    case doubleFault = "double_fault"
    case memoryLeak = "memory_leak"
    case stackOverflow = "stack_overflow"
    case divideError = "divide_error"
    case invalidOpcode = "invalid_opcode"
    case reboot
    /// `page allocation failure: order:N` (warn_alloc): reported by ABRT, not a crash by itself.
    case allocationFailure = "alloc_failure"
    /// SLUB debug: `BUG kmalloc-64 (Not tainted): Poison overwritten` and friends.
    case slabCorruption = "slab_corruption"
    case other
}
