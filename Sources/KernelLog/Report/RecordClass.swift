/// Whether a record is a crash or a node-health event: the record's `class`.
///
/// A crash is what syzkaller would title (oops, BUG, WARNING, panic, lockups, stalls, hung tasks,
/// sanitizers, lockdep, corruption and refcount reports, `unregister_netdevice` waits). An event
/// is a signal about the node that is not a kernel bug: OOM kills, machine checks and EDAC
/// errors, filesystem errors and read-only remounts, block I/O errors, NFS servers not
/// responding, the one-line `NETDEV WATCHDOG`, a hard lockup that did not panic. An event that
/// ends in a kernel panic is a crash (the node went down).
///
/// The raw values are the stable JSON spelling.
public enum RecordClass: String, Sendable, Codable, CaseIterable {
    case crash
    case event
}
