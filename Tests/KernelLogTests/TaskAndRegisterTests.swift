import KernelLog
import KtriageReader
import KtriageTestSupport
import Testing

@Suite("Records: the blocked task of hung-task reports, registers as printed")
struct TaskAndRegisterTests {
    func records(_ text: String) -> [CrashRecord] { CrashReader().read(text: text).records }

    static let hungTaskLog = Fixtures.sharedRoot + "/vmcores/lkdtm-hung-task/console.log"
    static var hasHungTaskLog: Bool { Fixtures.read(hungTaskLog) != nil }

    @Test(
        "lkdtm-hung-task: the record names init (pid 100, state D), khungtaskd is the reporter",
        .enabled(if: hasHungTaskLog))
    func realHungTask() throws {
        let record = try #require(try CrashReader().records(path: Self.hungTaskLog).first { $0.kind == .hungTask })
        #expect(record.comm == "init")
        #expect(record.pid == 100)
        #expect(record.taskState == "D")
        #expect(record.reporter == ReportingTask(comm: "khungtaskd", pid: 23))
    }

    @Test("hung task before 5.14: the state letter follows the padded comm")
    func oldHungTask() throws {
        let text = """
            [  240.118521] INFO: task jbd2/sda1-8:312 blocked for more than 120 seconds.
            [  240.118530]       Not tainted 4.4.0-21-generic #37-Ubuntu
            [  240.118532] "echo 0 > /proc/sys/kernel/hung_task_timeout_secs" disables this message.
            [  240.118535] jbd2/sda1-8     D ffff88003d6f3c48     0   312      2 0x00000000
            [  240.118540]  ffff88003d6f3c48 ffff88003e2a1e00 ffff88003b7b0000 ffff88003d6f4000
            [  240.118545] Call Trace:
            [  240.118553]  [<ffffffff81821b15>] schedule+0x35/0x80
            [  240.118558]  [<ffffffff812f2c35>] jbd2_journal_commit_transaction+0x235/0x1870
            [  240.118563]  [<ffffffff810a0b98>] kthread+0xd8/0xf0
            """
        let record = try #require(records(text).first)
        #expect(record.comm == "jbd2/sda1-8")
        #expect(record.pid == 312)
        #expect(record.taskState == "D")
        #expect(record.reporter == nil)
    }

    @Test("an RCU stall's task: lines do not rename the record's task")
    func rcuStallTaskLine() throws {
        let text = """
            [  105.230000] rcu: INFO: rcu_preempt self-detected stall on CPU
            [  105.230010] rcu: \t0-....: (21000 ticks this GP) idle=a3c/1/0x4000000000000000 softirq=1/1 fqs=5000
            [  105.230020] task:kworker/0:1     state:R  running task     stack:0     pid:17    ppid:2      flags:0x00004000
            [  105.230030] CPU: 0 PID: 17 Comm: kworker/0:1 Not tainted 6.1.0-56-amd64 #1  Debian 6.1.192-2
            [  105.230040] RIP: 0010:loop_forever+0x5/0x10 [spin]
            [  105.230050] Call Trace:
            [  105.230060]  <TASK>
            [  105.230070]  process_one_work+0x1c4/0x380
            [  105.230080]  worker_thread+0x4d/0x380
            [  105.230090]  </TASK>
            """
        let record = try #require(records(text).first)
        #expect(record.comm == "kworker/0:1")
        #expect(record.taskState == nil)
        #expect(record.reporter == nil)
    }

    @Test("x86 registers in the order printed")
    func x86Order() throws {
        let text = """
            [   12.345779] BUG: kernel NULL pointer dereference, address: 0000000000000008
            [   12.345780] Oops: 0000 [#1] PREEMPT SMP NOPTI
            [   12.345781] CPU: 3 PID: 2841 Comm: kworker/3:2 Not tainted 5.15.0-91-generic #101-Ubuntu
            [   12.345782] RIP: 0010:ieee80211_chswitch_work+0x4c/0x1a0 [mac80211]
            [   12.345783] RSP: 0018:ffffb4d2c1e7fe08 EFLAGS: 00010246
            [   12.345784] RAX: ffff9a3e4c7b2000 RBX: ffff9a3e51f08900 RCX: 0000000000000000
            [   12.345785] CR2: 0000000000000008 CR3: 000000010c8d4000 CR4: 00000000003506e0
            [   12.345786] Call Trace:
            [   12.345787]  process_one_work+0x22b/0x3d0
            """
        let record = try #require(records(text).first)
        #expect(record.registerOrder == ["RSP", "EFLAGS", "RAX", "RBX", "RCX", "CR2", "CR3", "CR4"])
        #expect(record.registers["RSP"] == "0018:ffffb4d2c1e7fe08")
    }

    @Test("arm64: pc, lr, sp, x29…x0 (short names padded before the colon), pstate and ESR")
    func arm64() throws {
        var lines = [
            "Unable to handle kernel NULL pointer dereference at virtual address 0000000000000000",
            "Mem abort info:", "  ESR = 0x0000000096000045", "  EC = 0x25: DABT (current EL), IL = 32 bits",
            "Internal error: Oops: 0000000096000045 [#1] PREEMPT SMP", "Modules linked in: lkdtm",
            "CPU: 1 PID: 230 Comm: sh Not tainted 6.1.0-56-arm64 #1  Debian 6.1.192-2",
            "Hardware name: linux,dummy-virt (DT)",
            "pstate: 60400005 (nZCv daif +PAN -UAO -TCO -DIT -SSBS BTYPE=--)",
            "pc : lkdtm_WRITE_KERN+0x10/0x20 [lkdtm]", "lr : lkdtm_do_action+0x24/0x40 [lkdtm]",
            "sp : ffff80000a1b3c50",
        ]
        var row: [String] = []
        for number in stride(from: 29, through: 0, by: -1) {
            let name = number < 10 ? "x\(number) " : "x\(number)"
            row.append("\(name): \(String(repeating: "0", count: 12))\(String(format: "%04x", number))")
            if row.count == 3 || number == 0 {
                lines.append(row.joined(separator: " "))
                row = []
            }
        }
        lines += ["Call trace:", " lkdtm_WRITE_KERN+0x10/0x20 [lkdtm]", " lkdtm_do_action+0x24/0x40 [lkdtm]"]
        let text = lines.enumerated().map { "[   20.\(String(100_000 + $0.offset))] \($0.element)" }
            .joined(separator: "\n")
        let record = try #require(records(text).first)
        let order = try #require(record.registerOrder)
        #expect(Array(order.prefix(6)) == ["ESR", "pstate", "pc", "lr", "sp", "x29"])
        #expect(order.suffix(3) == ["x2", "x1", "x0"])
        #expect(order.count == 35)
        #expect(record.registers["pc"] == "lkdtm_WRITE_KERN+0x10/0x20")
        #expect(record.registers["x9"] == "0000000000000009")
        #expect(record.registers["pstate"] == "60400005")
        #expect(record.registers["ESR"] == "0x0000000096000045")
    }
}

@Suite("Records: ppc64, s390 and riscv register rows")
struct OtherArchRegisterTests {
    func record(_ file: String) throws -> CrashRecord {
        // The fixtures hold a cut-short report first; the complete one carries the registers.
        try #require(
            try CrashReader().records(path: Fixtures.path("logs/arch/" + file)).first { !$0.registers.isEmpty })
    }

    @Test("ppc64: NIP, LR, CTR, REGS, TRAP in the order printed")
    func ppc64() throws {
        let record = try record("ppc64-oops.log")
        #expect(Array((record.registerOrder ?? []).prefix(5)) == ["NIP", "LR", "CTR", "REGS", "TRAP"])
        #expect(record.registers["NIP"] == "d000000003a41234")
        #expect(record.registers["TRAP"] == "0300")
    }

    @Test("s390: the PSW (mask and address) and the first GPRS row")
    func s390() throws {
        let record = try record("s390-oops.log")
        #expect(record.registers["PSW"] == "0704c00180000000 000003ff8012abcd")
        #expect(record.registers["r0"] == "0000000000000000")
        #expect(record.registerOrder?.first == "PSW")
    }

    @Test("riscv: epc, ra, sp with a space before the colon; the numeric row wins over the symbolic one")
    func riscv() throws {
        let record = try record("riscv-null.log")
        #expect(record.registers["epc"] == "ffffffff01234567")
        #expect(record.registers["ra"] == "ffffffff80067890")
        #expect(record.registers["sp"] == "ffffffc800003e70")
        #expect(Array((record.registerOrder ?? []).prefix(3)) == ["epc", "ra", "sp"])
    }
}
