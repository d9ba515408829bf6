/// Which title recipe family a header belongs to.
public enum HeaderFamily: Sendable {
    case bug, warning, info, armUnable, gpf, stackSegment, kernelPanic, doubleFault, rustPanic
    case kernelBUG, kernelBUGPowerPC, slabObject, divideError, invalidOpcode, int3, ubsan, reboot
    case netdevUnregister, vfsClose, vfsBusy, armFault, trusty, goFatal, syzFail, oops
    // Messages that precede (or replace) one of the above on real fleets.
    case allocFailure, hardLockup, listCorruption, refcount, usercopy, fortify, netdevWatchdog, oomKill, oomInvoked,
        mce, stackProtector
    // Node-health messages (see `EventHeaders`).
    case edac, memoryFailure, filesystemError, filesystemReadOnly, blockIOError, bufferIOError, serverNotResponding

    /// Whether a report of this family is a node-health event rather than a crash (unless it
    /// ends in a panic): OOM kills and allocation failures, machine checks, EDAC, filesystem, I/O
    /// and NFS messages.
    public var isEvent: Bool {
        switch self {
        case .oomInvoked, .oomKill, .allocFailure, .mce, .edac, .memoryFailure, .filesystemError, .filesystemReadOnly,
            .blockIOError, .bufferIOError, .serverNotResponding:
            return true
        default:
            return false
        }
    }

    /// Families that are events when their message stands alone (no `WARNING:` joined it, no
    /// panic followed): the `NETDEV WATCHDOG` line of kernels that print it without WARN
    /// (6.x `netdev_crit`, and every timeout after the first under ≤6.4's `WARN_ONCE`), and
    /// `Watchdog detected hard LOCKUP` with `hardlockup_panic` off.
    public var isEventWhenAlone: Bool { self == .netdevWatchdog || self == .hardLockup }
}

/// How a header line relates to a report already being collected on the same context.
public enum HeaderRole: Sendable {
    /// Starts a new report; a report in progress ends before it.
    case start
    /// Part of a report in progress (`Kernel panic - not syncing` after an oops, `Internal error:`
    /// after arm64's `Unable to handle`); starts a report only when none is in progress.
    case continuation
    /// A message that the kernel prints just before a header of its own (`list_add corruption.`
    /// before `kernel BUG at lib/list_debug.c`): opens a report that a following header joins.
    case lead
    /// A one-line node-health message (a filesystem or I/O error): a record of its own that ends
    /// at its line; a report in progress on the same stream goes on around it.
    case line
}

/// One crash header: a literal found anywhere in a line, and lines that contain it without
/// being a crash.
public struct CrashHeader: Sendable {
    public let literal: String
    public let family: HeaderFamily
    public var role: HeaderRole
    /// Texts that make a line holding the literal something else (`ODEBUG:` holds `BUG:`).
    public var excludes: [String] = []
    /// The literal must begin the message (after spaces), not appear inside it.
    public var atStart = false
    /// When not empty, the line must also hold one of these (`EDAC MC0` lines are errors only
    /// with ` CE ` or ` UE `).
    public var requiresAny: [String] = []

    public init(
        literal: String, family: HeaderFamily, role: HeaderRole, excludes: [String] = [], atStart: Bool = false,
        requiresAny: [String] = []
    ) {
        self.literal = literal
        self.family = family
        self.role = role
        self.excludes = excludes
        self.atStart = atStart
        self.requiresAny = requiresAny
    }
}

/// The header table, in matching order: a line holding two literals belongs to the first
/// (arm's `Internal error: Oops - BUG: 0 [#1]` is a `BUG:` report).
public enum CrashHeaders {
    /// Crash headers, then node-health events (a line holding a crash literal is a crash).
    public static let table: [CrashHeader] = crashTable + EventHeaders.table

    static let crashTable: [CrashHeader] = [
        CrashHeader(
            literal: "BUG:", family: .bug, role: .start,
            excludes: ["ODEBUG:", "DEBUG:", "xlog_status:", "BUG: no syscalls can create resource", "_BUG:"]),
        CrashHeader(
            literal: "WARNING:", family: .warning, role: .start,
            excludes: [
                "WARNING: /etc/ssh", "sshd", "glibc", "EXT4-fs", "XFS (", "mand mount option", "hw-vuln",
                "Speculative Return Stack Overflow", "CPU_SRSO",
                "Unprivileged eBPF is enabled", "mitigation", "Mitigation", "WARNING: at least",
                "-WARNING:", "_WARNING:", "WARNING: Kernel version", "WARNING: Spectre", "WARNING: unpatched",
                "WARNING: TSC", "WARNING: tsc",
            ]),
        CrashHeader(
            literal: "INFO:", family: .info, role: .start,
            excludes: [
                "INFO: lockdep is turned off", "INFO: Stall ended before state dump start", "INFO: NMI handler",
                "_INFO:", "INFO: recovery required", "INFO: task blocked for", "INFO: Slab",
            ]),
        CrashHeader(literal: "Unable to handle kernel", family: .armUnable, role: .start),
        CrashHeader(
            literal: "general protection fault", family: .gpf, role: .start,
            excludes: [" error:", "traps: "]),
        CrashHeader(literal: "stack segment: ", family: .stackSegment, role: .start),
        CrashHeader(literal: "Kernel panic", family: .kernelPanic, role: .continuation),
        CrashHeader(literal: "PANIC: double fault", family: .doubleFault, role: .continuation),
        CrashHeader(literal: "rust_kernel: panicked", family: .rustPanic, role: .start),
        CrashHeader(literal: "kernel BUG", family: .kernelBUG, role: .start),
        CrashHeader(literal: "Kernel BUG", family: .kernelBUGPowerPC, role: .start),
        CrashHeader(literal: "BUG kmalloc-", family: .slabObject, role: .start),
        // SLUB debug checks on any cache: `BUG ext4_inode_cache (Tainted: G    B  ): Poison overwritten`.
        CrashHeader(literal: "): Poison overwritten", family: .slabObject, role: .start),
        CrashHeader(literal: "): Redzone overwritten", family: .slabObject, role: .start),
        CrashHeader(literal: "): Object padding overwritten", family: .slabObject, role: .start),
        CrashHeader(literal: "): Freepointer corrupt", family: .slabObject, role: .start),
        CrashHeader(literal: "): Object already free", family: .slabObject, role: .start),
        CrashHeader(literal: "): Invalid object pointer", family: .slabObject, role: .start),
        CrashHeader(literal: "divide error:", family: .divideError, role: .start, excludes: [" in "]),
        CrashHeader(literal: "divide_error:", family: .divideError, role: .start),
        CrashHeader(literal: "invalid opcode:", family: .invalidOpcode, role: .continuation, excludes: [" in "]),
        CrashHeader(literal: "int3:", family: .int3, role: .start),
        CrashHeader(literal: "UBSAN:", family: .ubsan, role: .start),
        CrashHeader(
            literal: "Booting the kernel.", family: .reboot, role: .start,
            excludes: ["Parsing ELF", "Decompressing Linux", "Unknown parameter '"], atStart: true),
        CrashHeader(literal: "unregister_netdevice: waiting for", family: .netdevUnregister, role: .continuation),
        CrashHeader(literal: "VFS: Close: file count is 0", family: .vfsClose, role: .start),
        CrashHeader(literal: "VFS: Busy inodes after unmount", family: .vfsBusy, role: .start),
        CrashHeader(literal: "Internal error:", family: .armFault, role: .continuation),
        CrashHeader(literal: "Unhandled fault:", family: .armFault, role: .start),
        CrashHeader(literal: "Alignment trap:", family: .armFault, role: .start),
        CrashHeader(literal: "trusty: panic", family: .trusty, role: .start),
        CrashHeader(
            literal: "fatal error:", family: .goFatal, role: .start, excludes: ["fatal error: runtime: out of memory"],
            atStart: true),
        CrashHeader(literal: "SYZFAIL:", family: .syzFail, role: .start),
        CrashHeader(literal: "SYZFATAL:", family: .syzFail, role: .start),
        CrashHeader(
            literal: "panic:", family: .syzFail, role: .start, excludes: ["_panic:", " panic: "], atStart: true),
        // Fleet kinds that syzbot rarely meets.
        CrashHeader(literal: "list_add corruption", family: .listCorruption, role: .lead),
        CrashHeader(literal: "list_del corruption", family: .listCorruption, role: .lead),
        CrashHeader(literal: "refcount_t: ", family: .refcount, role: .lead),
        CrashHeader(literal: "usercopy: Kernel memory ", family: .usercopy, role: .lead),
        // ≤6.7 `detected buffer overflow in memcpy`; 6.8+ `memcpy: detected buffer overflow: 9 byte read …`.
        CrashHeader(literal: "detected buffer overflow", family: .fortify, role: .lead),
        CrashHeader(literal: "detected field-spanning write", family: .fortify, role: .lead),
        // 6.x (and stable backports, Debian's 6.1 among them) print the timeout with netdev_crit and
        // the CPU, never with WARN: `ixgbe 0000:01:00.0 eth0: NETDEV WATCHDOG: CPU: 3: transmit queue 0 timed out 5120 ms`.
        CrashHeader(literal: "NETDEV WATCHDOG: CPU: ", family: .netdevWatchdog, role: .line),
        CrashHeader(literal: "NETDEV WATCHDOG:", family: .netdevWatchdog, role: .lead),
        CrashHeader(literal: "Watchdog detected hard LOCKUP on cpu", family: .hardLockup, role: .lead),
        CrashHeader(literal: "Oops: ", family: .oops, role: .continuation, excludes: ["Oops: 0000 [#"], atStart: true),
        CrashHeader(literal: "Oops: 0000 [#", family: .oops, role: .continuation, atStart: true),
    ]

    /// The first line of every boot (`init/version.c`): it names the running kernel and ends any
    /// report in progress.
    public static let bootBanner = KernelBanner.marker

    /// Every literal a line must hold for the crash parser to look at it: the prefilter's input.
    public static let literals = table.map(\.literal) + [bootBanner]
}
