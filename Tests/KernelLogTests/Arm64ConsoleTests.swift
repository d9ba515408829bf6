import Foundation
import KernelLog
import Testing

/// The console logs of the real Debian arm64 6.1 crashes in ../shared/vmcores-arm64: one record
/// per crash (the `Oops - BUG … Fatal exception` panic and its end marker belong to the report),
/// titles by syzkaller's conventions, the faulting frame and registers from the `pc :`/`lr :`
/// lines, and the reporting frames never blamed.
@Suite struct Arm64ConsoleTests {
    static let root = Paths.shared.appendingPathComponent("vmcores-arm64")

    /// case → (title, guilty function or nil when the title names none).
    static let expected: [String: (title: String, guilty: String?)] = [
        "arm64-bug-smp2": ("kernel BUG in lkdtm_BUG", "lkdtm_BUG"),
        "arm64-kdump-guest-corrupt-list-add": (
            "BUG: corrupted list in lkdtm_CORRUPT_LIST_ADD", "lkdtm_CORRUPT_LIST_ADD"
        ),
        "arm64-lkdtm-corrupt-list-add": ("BUG: corrupted list in lkdtm_CORRUPT_LIST_ADD", "lkdtm_CORRUPT_LIST_ADD"),
        "arm64-lkdtm-exception": (
            "BUG: unable to handle kernel NULL pointer dereference in lkdtm_EXCEPTION", "lkdtm_EXCEPTION"
        ),
        "arm64-lkdtm-softlockup": ("BUG: soft lockup in full_proxy_write", "full_proxy_write"),
        "arm64-lkdtm-warning": ("WARNING in lkdtm_WARNING", "lkdtm_WARNING"),
        // No syzkaller recipe reads this fault message: the header line, normalised, is the title.
        "arm64-lkdtm-write-ro": ("Unable to handle kernel write to read-only memory at virtual address ADDR", nil),
        "arm64-sysrq-c": ("kernel panic: sysrq triggered crash", nil),
    ]

    @Test(.enabled(if: Paths.exists(root), "shared arm64 vmcores not present"))
    func consoleLogs() throws {
        let cases = try FileManager.default.contentsOfDirectory(atPath: Self.root.path).sorted()
        var checked = 0
        for name in cases {
            let path = Self.root.appendingPathComponent(name).appendingPathComponent("console.log").path
            guard let data = FileManager.default.contents(atPath: path) else { continue }
            guard let want = Self.expected[name] else {
                Issue.record("no expectation for \(name)")
                continue
            }
            checked += 1
            let records = FrontDoor.records([UInt8](data), source: .console)
            #expect(records.count == 1, "\(name): \(records.map(\.title))")
            let record = try #require(records.first, "\(name)")
            #expect(record.title == want.title, "\(name)")
            #expect(record.guilty?.function == want.guilty, "\(name)")
            #expect(record.kernel?.release == "6.1.0-56-arm64", "\(name)")
            #expect(record.panicked || name == "arm64-kdump-guest-corrupt-list-add", "\(name)")
            // The `pc :` line is the faulting frame, and the register dump is kept with it.
            if let pc = record.registers["pc"] {
                #expect(record.rip.map { pc.hasPrefix($0.function + "+") } ?? false, "\(name): rip \(pc)")
                #expect(record.registers["lr"] != nil, "\(name)")
                #expect(record.registers["sp"] != nil && record.registers["x0"] != nil, "\(name)")
            }
            let reporting: Set<String> = ["dump_backtrace", "show_stack", "dump_stack_lvl", "dump_stack"]
            #expect(!reporting.contains(record.rip?.function ?? ""), "\(name)")
            #expect(!reporting.contains(record.guilty?.function ?? ""), "\(name)")
        }
        #expect(checked == Self.expected.count)
    }

    @Test("an arm64 BUG that panics is one record; reporting frames stay in frames, never blamed")
    func panicTailJoinsReport() throws {
        let log = """
            [   61.120000] kernel BUG at fs/btrfs/extent-tree.c:3089!
            [   61.120100] Internal error: Oops - BUG: 00000000f2000800 [#1] SMP
            [   61.120200] Modules linked in: btrfs xor raid6_pq
            [   61.120300] CPU: 5 PID: 4411 Comm: btrfs-transacti Not tainted 6.1.0-28-arm64 #1  Debian 6.1.119-1
            [   61.120400] Hardware name: Ampere Altra Max (DT)
            [   61.120500] pstate: 60400009 (nZCv daif +PAN -UAO -TCO -DIT -SSBS BTYPE=--)
            [   61.120600] pc : __btrfs_free_extent+0x6a8/0xb20 [btrfs]
            [   61.120700] lr : __btrfs_free_extent+0x6a8/0xb20 [btrfs]
            [   61.120800] sp : ffff80000f0b3a10
            [   61.120900] x29: ffff80000f0b3a10 x28: 0000000000000001 x27: ffff0000a1c4e000
            [   61.121000] x2 : 0000000000000000 x1 : ffff0000a1c4e000 x0 : 0000000000000000
            [   61.121100] Call trace:
            [   61.121200]  dump_backtrace+0xe4/0x140
            [   61.121300]  show_stack+0x20/0x30
            [   61.121400]  dump_stack_lvl+0x64/0x80
            [   61.121500]  __btrfs_free_extent+0x6a8/0xb20 [btrfs]
            [   61.121600]  __btrfs_run_delayed_refs+0x2d4/0x11e0 [btrfs]
            [   61.121700]  btrfs_run_delayed_refs+0x74/0x200 [btrfs]
            [   61.121800]  btrfs_commit_transaction+0x60/0xd20 [btrfs]
            [   61.121900]  transaction_kthread+0x158/0x1c0 [btrfs]
            [   61.122000]  kthread+0x110/0x114
            [   61.122100]  ret_from_fork+0x10/0x20
            [   61.122200] Code: aa1303e0 94001234 17ffff9a d4210000 (d4210000)
            [   61.122300] ---[ end trace 0000000000000000 ]---
            [   61.122400] Kernel panic - not syncing: Oops - BUG: Fatal exception
            [   61.122500] SMP: stopping secondary CPUs
            [   61.122600] Kernel Offset: 0x4c6a9e600000 from 0xffff800008000000
            [   61.122700] ---[ end Kernel panic - not syncing: Oops - BUG: Fatal exception ]---
            """
        let records = FrontDoor.records(log)
        #expect(records.count == 1, "\(records.map(\.title))")
        let record = try #require(records.first)
        #expect(record.title == "kernel BUG in __btrfs_free_extent")
        #expect(record.panicked)
        #expect(record.rip?.function == "__btrfs_free_extent")
        #expect(record.rip?.module == "btrfs")
        #expect(record.guilty?.function == "__btrfs_free_extent")
        #expect(record.registers["lr"] == "__btrfs_free_extent+0x6a8/0xb20")
        #expect(record.frames.prefix(3).map(\.function) == ["dump_backtrace", "show_stack", "dump_stack_lvl"])
    }
}
