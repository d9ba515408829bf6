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
    /// Node-health events (`class` `event`), with the kinds `oom` and `mce` above.
    /// Filesystem errors: `EXT4-fs error`, XFS corruption and metadata I/O errors, `BTRFS error`.
    case filesystemError = "fs_error"
    /// A filesystem made read-only by an error: ext4's remount, XFS's shutdown, BTRFS's forced readonly.
    case filesystemReadOnly = "fs_readonly"
    /// Block layer and buffer cache I/O errors (`I/O error, dev sda, sector …`).
    case ioError = "io_error"
    /// EDAC memory controller errors (`EDAC MC0: 1 CE memory read error …`).
    case memoryError = "memory_error"
    /// `nfs: server … not responding` (sunrpc).
    case serverNotResponding = "server_not_responding"
    case other
}
