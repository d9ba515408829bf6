import KernelFacts
import KernelLog
import Testing

/// The release comes only from where the kernel prints it (``KernelRelease``), never from an
/// unrelated number on a report line.
@Suite struct ReleaseSourceTests {
    @Test(
        "each line that prints the release next to the taint",
        arguments: [
            (
                "CPU: 0 PID: 107 Comm: init Tainted: G           OE      6.1.0-56-arm64 #1  Debian 6.1.192-2",
                "6.1.0-56-arm64"
            ),
            ("CPU: 2 PID: 0 Comm: swapper/2 Not tainted 3.16.0-4-amd64 #1 Debian 3.16.7-ckt11-1", "3.16.0-4-amd64"),
            ("CPU: 3 UID: 0 PID: 1 Comm: sh Not tainted 6.13.0 #1", "6.13.0"),
            (
                "Pid: 2214, comm: flush-253:0 Not tainted 2.6.32-431.el6.x86_64 #1 Dell Inc. PowerEdge R710",
                "2.6.32-431.el6.x86_64"
            ),
            ("Pid: 4130, comm: modprobe Not tainted (2.6.27.9-159.fc10.i686 #1) Dell Inc.", "2.6.27.9-159.fc10.i686"),
            ("CPU: 0    Tainted: G        W     (3.4.0 #1)", "3.4.0"),
            ("REGS: c0000001fe5bb8c0 TRAP: 0300   Not tainted  (3.10.0-123.el7.ppc64)", "3.10.0-123.el7.ppc64"),
            ("      Not tainted 4.15.0-20-generic #21-Ubuntu", "4.15.0-20-generic"),
            ("Tainted: GF          O--------------   3.10.0-54.0.1.el7.s390x #1", "3.10.0-54.0.1.el7.s390x"),
            ("3.6.0-rc1 #296 Tainted: G        W", "3.6.0-rc1"),
            ("5.2.0 #75 Not tainted", "5.2.0"),
            (
                "CPU: 7 PID: 31337 Comm: postgres Kdump: loaded Tainted: G           OE    --------- -  - 4.18.0-477.10.1.el8_8.x86_64 #1",
                "4.18.0-477.10.1.el8_8.x86_64"
            ),
            (
                "CPU: 0 UID: 0 PID: 1 Comm: sh Tainted: G        W  O       6.12.0-1-amd64 #1 Debian 6.12.9-1",
                "6.12.0-1-amd64"
            ),
        ])
    func printed(_ line: String, _ release: String) {
        #expect(KernelRelease.fromTaintLine(line)?.release == release, "\(line)")
    }

    @Test(
        "numbers that are not releases",
        arguments: [
            "BUG ext4_inode_cache (Tainted: G    B  ): Poison overwritten",
            "12 Tainted: G W",
            "CPU: 0 PID: 1 Comm: x Not tainted 0x1f0 #1",
            "CPU: 0 PID: 1 Comm: x Not tainted 1.2 #1",
            "CPU: 0 PID: 1 Comm: x Not tainted 6.1.0 built by someone",
            "Disabling lock debugging due to kernel taint",
            "Tainted: [W]=WARN, [O]=OOT_MODULE",
            "sshd 8.4p1 #1 Not tainted",
        ])
    func unrelated(_ line: String) {
        #expect(KernelRelease.fromTaintLine(line) == nil, "\(line)")
    }

    @Test func shape() {
        #expect(KernelRelease.isPlausible("6.1.0-56-amd64"))
        #expect(KernelRelease.isPlausible("4.18.0-513.5.1.el8_9.x86_64"))
        #expect(KernelRelease.isPlausible("6.8.0-rc1-syzkaller-00123-gabcdef"))
        #expect(KernelRelease.isPlausible("5.3.0+"))
        for word in ["12", "1.2", "0x1f0", "3", "v6.1", "6.1.0 ", String(repeating: "6.1", count: 30)] {
            #expect(!KernelRelease.isPlausible(word), "\(word)")
        }
    }

    @Test("a record's release: a report line with a number where the release stands is not one")
    func recordIgnoresUnrelatedNumber() {
        let log = """
            [  100.000001] Linux version 5.10.0-21-amd64 (debian-kernel@lists.debian.org) (gcc-10) #1 SMP Debian 5.10.162-1
            [  200.000001] BUG: unable to handle page fault for address: 0000000000001234
            [  200.000002] #PF: supervisor read access in kernel mode
            [  200.000003] Oops: 0000 [#1] SMP NOPTI
            [  200.000004] CPU: 1 PID: 812 Comm: kworker/1:2 Not tainted 1 #1
            [  200.000005] RIP: 0010:e1000_clean_rx_irq+0x1a/0x3c0 [e1000]
            [  200.000006] Call Trace:
            [  200.000007]  e1000_clean+0x2a4/0x8a0 [e1000]
            [  200.000008]  net_rx_action+0x145/0x3e0
            [  200.000009]  __do_softirq+0xc5/0x275
            """
        let records = FrontDoor.records(log)
        #expect(records.first?.kernel?.release == "5.10.0-21-amd64")
    }
}
