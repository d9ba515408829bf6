import Foundation
import KernelLog
import Testing

/// The console logs of the real Debian 6.1 crashes in ../shared/vmcores: each must give the
/// right kind and guilty function (expectations derived from the lkdtm crash type of each case).
@Suite struct VmcoreConsoleTests {
    /// case → (kind, guilty function or nil when the crash names none, title prefix). The guilty
    /// function is the first non-generic frame the kernel printed (lkdtm's handlers are often
    /// inlined into `direct_entry`, and 6.1's sysrq-c calls panic() directly). Stalls follow syzbot's
    /// stall rule: the function the syscall dispatcher called (`full_proxy_write`), not the spin site.
    static let expected: [String: (CrashKind, String?, String)] = [
        "boot-oom-80m": (.oom, nil, "out of memory"),
        "kdump-guest-corrupt-list-add": (.listCorruption, "lkdtm_CORRUPT_LIST_ADD", "BUG: corrupted list in"),
        "lkdtm-access-null": (.oops, "lkdtm_ACCESS_NULL", "BUG: unable to handle kernel NULL pointer dereference in"),
        "lkdtm-bug-smp2": (.bug, "lkdtm_BUG", "kernel BUG in"),
        "lkdtm-corrupt-list-add": (.listCorruption, "lkdtm_CORRUPT_LIST_ADD", "BUG: corrupted list in"),
        "lkdtm-corrupt-stack": (.stackProtector, "lkdtm_CORRUPT_STACK", "kernel panic: stack is corrupted in"),
        "lkdtm-exec-data": (.oops, "data_area", "BUG: unable to handle kernel paging request in"),
        "lkdtm-exhaust-stack": (.stackOverflow, nil, "BUG: stack guard page was hit in"),
        "lkdtm-fortify-mem-object": (.fortify, "lkdtm_FORTIFY_MEM_OBJECT", "kernel BUG in"),
        "lkdtm-hung-task": (.hungTask, "direct_entry", "INFO: task hung in"),
        "lkdtm-panic": (.panic, nil, "kernel panic: dumptest"),
        "lkdtm-refcount-inc-overflow": (.refcount, "lkdtm_REFCOUNT_INC_OVERFLOW", "WARNING: refcount bug in"),
        "lkdtm-slab-free-double": (.bug, "direct_entry", "kernel BUG in"),
        "lkdtm-softlockup": (.softLockup, "full_proxy_write", "BUG: soft lockup in"),
        "lkdtm-usercopy-slab-size-to": (.usercopy, "do_usercopy_slab_size", "BUG: bad usercopy in"),
        "lkdtm-warning-message": (.warning, "lkdtm_WARNING_MESSAGE", "WARNING in"),
        "lkdtm-warning": (.warning, "lkdtm_WARNING", "WARNING in"),
        "lkdtm-write-ro": (.oops, "lkdtm_WRITE_RO", "BUG: unable to handle kernel paging request in"),
        "sysrq-c": (.panic, nil, "kernel panic: sysrq triggered crash"),
    ]

    @Test(.enabled(if: Paths.exists(Paths.vmcores), "shared vmcores not present"))
    func consoleLogs() throws {
        let cases = try FileManager.default.contentsOfDirectory(atPath: Paths.vmcores.path).sorted()
        var agreed = 0
        var total = 0
        for name in cases {
            let path = Paths.vmcores.appendingPathComponent(name).appendingPathComponent("console.log").path
            guard let data = FileManager.default.contents(atPath: path) else { continue }
            total += 1
            let records = FrontDoor.records([UInt8](data), source: .console)
            let first = records.first
            let line =
                "\(name): \(first?.kind.rawValue ?? "-") «\(first?.title ?? "-")» guilty=\(first?.guilty?.function ?? "-") records=\(records.count)"
            print(line)
            guard let (kind, guilty, prefix) = Self.expected[name] else {
                Issue.record("no expectation for \(name)")
                continue
            }
            let ok =
                first?.kind == kind && (guilty == nil || first?.guilty?.function == guilty)
                && (first?.title.hasPrefix(prefix) ?? false)
            if ok { agreed += 1 }
            #expect(first?.kind == kind, "\(name)")
            if let guilty { #expect(first?.guilty?.function == guilty, "\(name)") }
            #expect(first?.title.hasPrefix(prefix) ?? false, "\(name): \(first?.title ?? "-")")
            // One crash per boot: the panic tail belongs to the report, not a second crash.
            #expect(records.filter { $0.linkedTo == nil }.count == 1, "\(name): \(records.map(\.title))")
            #expect(first?.kernel?.release == "6.1.0-56-amd64" || name == "boot-oom-80m", "\(name)")
            #expect(
                first?.panicked ?? false || records.contains { $0.panicked } || name == "kdump-guest-corrupt-list-add",
                "\(name)")
        }
        print("vmcore console logs: \(agreed)/\(total) right kind, guilty function and title")
    }
}
