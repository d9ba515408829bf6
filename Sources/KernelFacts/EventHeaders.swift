/// Headers of node-health events: messages an operator's node prints when it is short of memory,
/// its hardware reports errors, or its storage or network fails — not kernel bugs. Each row is a
/// printk format of the kernel; the version notes say where older kernels print otherwise.
/// Formats are from Debian's linux-source-6.1 unless a row says another version.
///
/// Ordered after the crash headers (`CrashHeaders.table` ends with these): a line holding a crash
/// literal is a crash.
public enum EventHeaders {
    public static let table: [CrashHeader] = oom + machineCheck + filesystem + storage + network

    /// mm/oom_kill.c. `dump_header` (ratelimited) prints `%s invoked oom-killer: gfp_mask=…`, the
    /// stack, memory and task dumps, then (4.19+) `oom-kill:constraint=CONSTRAINT_…,…`;
    /// `__oom_kill_process` always prints `<message>: Killed process %d (%s) total-vm:…` (5.0+),
    /// where message is `Out of memory`, `Memory cgroup out of memory` or
    /// `Out of memory (oom_kill_allocating_task)`. 2.6.36–4.x: `<message>: Kill process %d (%s)
    /// score %d or sacrifice child` then `Killed process %d (%s) total-vm:…`; 2.6.32–2.6.35:
    /// `<message>: kill process %d (%s) score %li or a child`.
    static let oom: [CrashHeader] = [
        CrashHeader(literal: "invoked oom-killer:", family: .oomInvoked, role: .start),
        CrashHeader(literal: "Out of memory: Kill", family: .oomKill, role: .continuation),
        CrashHeader(literal: "Out of memory: kill process", family: .oomKill, role: .continuation),
        CrashHeader(literal: "Out of memory (oom_kill_allocating_task): Kill", family: .oomKill, role: .continuation),
        CrashHeader(literal: "Memory cgroup out of memory: Kill", family: .oomKill, role: .continuation),
        CrashHeader(literal: "Memory cgroup out of memory: kill process", family: .oomKill, role: .continuation),
        // mm/page_alloc.c warn_alloc (ratelimited): `%s: page allocation failure: order:%u, mode:%#x(%pGg),
        // nodemask=…`, then the stack and show_mem — memory pressure, with no WARNING header, so not a
        // crash (2.6–3.x: `mode:0x%x`). It joins a report in progress (ABRT's reports carry one).
        CrashHeader(literal: "page allocation failure: order:", family: .allocFailure, role: .continuation),
    ]

    /// arch/x86/kernel/cpu/mce/core.c prints every line of a machine check with `HW_ERR`
    /// (`[Hardware Error]: `, 2.6.36+), as do APEI GHES records; `mce_notify_irq` prints
    /// `Machine check events logged` for corrected errors (with `HW_ERR` from 3.x; bare before).
    /// drivers/edac/edac_mc.c: `EDAC MC%d: %d CE %s on %s (…)` and `… UE …` (3.5+, the count
    /// first); 2.6–3.4 print `EDAC MC%d: CE page 0x…, offset …` / `UE page …`. A controller index
    /// of two digits holds one of these eight-byte literals too (`EDAC MC12` holds `EDAC MC1`).
    static let machineCheck: [CrashHeader] =
        [
            CrashHeader(
                literal: "[Hardware Error]: ", family: .mce, role: .start,
                excludes: ["[Hardware Error]: Machine check events logged"]),
            CrashHeader(literal: "Machine check events logged", family: .mce, role: .start),
            // 2.6.x before HW_ERR: `CPU 1: Machine Check Exception: 4 Bank 4: b200000000070f0f`.
            CrashHeader(literal: "Machine Check Exception: ", family: .mce, role: .start),
        ]
        + (0...9).map {
            CrashHeader(literal: "EDAC MC\($0)", family: .edac, role: .line, requiresAny: [" CE ", " UE "])
        }
        // mm/memory-failure.c (pr_fmt `Memory failure: `): `%#lx: recovery action for %s: %s` once per
        // poisoned page (2.6.32+; the page type and result words are its action tables).
        + [
            CrashHeader(
                literal: "Memory failure: ", family: .memoryFailure, role: .line, requiresAny: ["recovery action for"])
        ]

    /// fs/ext4/super.c: `EXT4-fs error (device %s): %s:%d: …` (`__ext4_error`, `_inode`, `_file`;
    /// also ext4_abort in 5.x+), `EXT4-fs error (device %s) in %s:%d: %s` (`__ext4_std_error`);
    /// `ext4_handle_error` then prints `EXT4-fs (%s): Remounting filesystem read-only` (errors=remount-ro)
    /// or panics (errors=panic). ext3/ext2 (≤4.x): `EXT3-fs error (device %s): %s: …` and
    /// `error: remounting filesystem read-only`.
    /// fs/xfs: `XFS (%s): ` prefix (xfs_message.c); xfs_do_force_shutdown (xfs_fsops.c) prints
    /// `%s (0x%x) detected at %pS (%s:%d).  Shutting down filesystem.` (5.18+) or, before,
    /// `Log I/O Error Detected.  Shutting down filesystem` and kin; xfs_error.c prints
    /// `Metadata corruption detected at %pS, %s block 0x%llx` and `Internal error %s at line %d of
    /// file %s.  Caller %pS`; xfs_buf.c `metadata I/O error in "%pS" at daddr 0x%llx len %d error %d`
    /// (4.x+; 3.x `metadata I/O error: block 0x%llx ("%s") error %d numblks %d`).
    /// fs/btrfs (super.c ≤6.1, messages.c 6.2+): `BTRFS %s (device %s%s): …` with the level word
    /// (`error`, `critical`), `BTRFS: error (device %s%s) in %s:%d: errno=%d %s` from
    /// `__btrfs_handle_fs_error`, then `BTRFS info (device %s): forced readonly`.
    static let filesystem: [CrashHeader] = [
        CrashHeader(literal: "EXT4-fs error (device", family: .filesystemError, role: .line),
        CrashHeader(literal: "EXT3-fs error (device", family: .filesystemError, role: .line),
        CrashHeader(literal: "EXT2-fs error (device", family: .filesystemError, role: .line),
        // ext4 `Remounting filesystem read-only`, ext2/ext3 `error: remounting filesystem read-only`.
        CrashHeader(literal: "emounting filesystem read-only", family: .filesystemReadOnly, role: .line),
        CrashHeader(literal: "Shutting down filesystem", family: .filesystemReadOnly, role: .line),
        CrashHeader(literal: "): forced readonly", family: .filesystemReadOnly, role: .line, requiresAny: ["BTRFS"]),
        CrashHeader(literal: "Metadata corruption detected at", family: .filesystemError, role: .line),
        CrashHeader(literal: "metadata I/O error", family: .filesystemError, role: .line, requiresAny: ["XFS"]),
        CrashHeader(literal: "Internal error ", family: .filesystemError, role: .line, requiresAny: ["XFS"]),
        CrashHeader(literal: "BTRFS error (device", family: .filesystemError, role: .line),
        CrashHeader(literal: "BTRFS critical (device", family: .filesystemError, role: .line),
        CrashHeader(literal: "BTRFS: error (device", family: .filesystemError, role: .line),
    ]

    /// block/blk-mq.c `blk_print_req_error` (5.16+): `%s error, dev %s, sector %llu op 0x%x:(%s) …`,
    /// the status words from blk-core.c's `blk_errors` (`I/O`, `critical medium`, `timeout`, …);
    /// 4.18–5.15 `blk_update_request: %s error, dev …` (4.x before: `blk_update_request: I/O error,
    /// dev %s, sector %llu`), ≤3.x `end_request: I/O error, dev %s, sector %llu`. fs/buffer.c:
    /// `Buffer I/O error on dev %pg, logical block %llu, async page read` (2.6: `on device %s`).
    static let storage: [CrashHeader] = [
        CrashHeader(literal: " error, dev ", family: .blockIOError, role: .line),
        CrashHeader(literal: "Buffer I/O error on dev", family: .bufferIOError, role: .line),
    ]

    /// net/sunrpc/clnt.c `call_timeout`: `%s: server %s not responding, still trying` (soft or hard
    /// mounts), `…, timed out` (soft); the program name is `nfs`, `lockd`, … Every version alike.
    static let network: [CrashHeader] = [
        CrashHeader(
            literal: " not responding, still trying", family: .serverNotResponding, role: .line,
            requiresAny: ["server "]),
        CrashHeader(
            literal: " not responding, timed out", family: .serverNotResponding, role: .line,
            requiresAny: ["server "]),
    ]
}
