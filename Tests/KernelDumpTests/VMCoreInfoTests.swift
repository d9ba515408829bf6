import KernelDump
import KernelFacts
import Testing

@Suite("VMCOREINFO, panic message, formatter")
struct VMCoreInfoTests {
    @Test("all keys kept in order; decimal, negative and 0x-hex numbers; hex symbols")
    func parse() {
        let text = """
            OSRELEASE=6.1.0-56-amd64
            BUILD-ID=eb4fbcd037e7253717950bf2b93bd5566f47c56f
            PAGESIZE=4096
            SYMBOL(init_top_pgt)=ffffffff8a210000
            NUMBER(phys_base)=-125829120
            NUMBER(kimage_voffset)=0xffff800008000000
            NUMBER(VA_BITS)=48
            KERNELOFFSET=7800000
            CRASHTIME=1795369534
            OFFSET(printk_info.caller_id)=20
            SIZE(printk_info)=88
            LENGTH(printk_info_device)=48
            CONFIG_KALLSYMS=y
            not a key line
            \0garbage after NUL=1
            """
        let info = VMCoreInfo(text: Array(text.utf8))
        #expect(info.entries.count == 13)
        #expect(info.entries.first?.key == "OSRELEASE")
        #expect(info.osRelease == "6.1.0-56-amd64")
        #expect(info.buildID == "eb4fbcd037e7253717950bf2b93bd5566f47c56f")
        #expect(info.pageSize == 4096)
        #expect(info.symbol("init_top_pgt") == 0xffff_ffff_8a21_0000)
        #expect(info.number("phys_base") == -125_829_120)
        #expect(info.number("kimage_voffset") == Int64(bitPattern: 0xffff_8000_0800_0000))
        #expect(info.number("VA_BITS") == 48)
        #expect(info.kernelOffset == 0x780_0000)
        #expect(info.crashTime == 1_795_369_534)
        #expect(info.offset("printk_info.caller_id") == 20)
        #expect(info.size("printk_info") == 88)
        #expect(info.length("printk_info_device") == 48)
        #expect(info["CONFIG_KALLSYMS"] == "y")
        #expect(info.fiveLevelPaging == false)
    }

    @Test("the first of duplicated keys wins; absent keys; equality looks at keys in order and first values")
    func duplicatesAndEquality() {
        let info = VMCoreInfo(text: Array("B=2\nA=1\nB=3\nC=\nA=4\n".utf8))
        #expect(info.entries.map(\.value) == ["2", "1", "3", "", "4"])
        #expect(info["A"] == "1")
        #expect(info["B"] == "2")
        #expect(info["C"] == "")
        #expect(info["D"] == nil && info["0"] == nil && info["Z"] == nil && info[""] == nil)
        #expect(VMCoreInfo(text: []).osRelease == nil)
        #expect(info == VMCoreInfo(text: Array("B=2\nA=1\nB=9\nC=\nA=8".utf8)))
        #expect(info != VMCoreInfo(text: Array("B=2\nA=5\nB=3\nC=\nA=4".utf8)))
        #expect(info != VMCoreInfo(text: Array("A=1\nB=2\nB=3\nC=\nA=4".utf8)))
    }

    @Test("panic message: BUG line before 'Fatal exception', else Kernel panic, else first BUG:")
    func panicMessage() {
        let oops = [
            "lkdtm: Performing direct entry BUG", "kernel BUG at drivers/x.c:78!",
            "CPU: 1 PID: 107 Comm: init", "Kernel panic - not syncing: Fatal exception",
        ]
        #expect(PanicMessage.find(in: oops)?.message == "kernel BUG at drivers/x.c:78!")
        #expect(PanicMessage.contextCPU(in: oops, near: 1)?.cpu == 1)
        #expect(PanicMessage.contextCPU(in: oops, near: 1)?.pid == 107)
        let lockup = [
            "watchdog: BUG: soft lockup - CPU#0 stuck for 6s! [init:100]",
            "Kernel panic - not syncing: softlockup: hung tasks",
        ]
        #expect(
            PanicMessage.find(in: lockup)?.message == "Kernel panic - not syncing: softlockup: hung tasks")
        #expect(
            PanicMessage.find(in: ["BUG: kernel NULL pointer dereference, address: 0"])?.message
                == "BUG: kernel NULL pointer dereference, address: 0")
        #expect(PanicMessage.find(in: ["all quiet"]) == nil)
        // Within one line: the lower pass wins wherever it starts; a marker's first occurrence;
        // a marker cut off by the line's end is none.
        #expect(
            PanicMessage.find(in: ["Kernel panic - not syncing: Oops: 0002 [#1] Oops: 0000"])?.message
                == "Oops: 0002 [#1] Oops: 0000")
        #expect(
            PanicMessage.find(in: ["WARNING: x BUG: y Kernel panic - z"])?.message == "Kernel panic - z")
        #expect(PanicMessage.find(in: ["x Kernel panic -"]) == nil)
        // Within a pass the marker listed first wins wherever it starts; a near miss before the
        // marker (`BUBUG: `) is passed over.
        #expect(PanicMessage.find(in: ["kernel BUG at x.c:1! Oops: 0002"])?.message == "Oops: 0002")
        #expect(PanicMessage.find(in: ["BUBUG: y"])?.message == "BUG: y")
    }

    @Test("stamps and escapes like crash's log")
    func formatter() {
        #expect(DmesgFormatter.stamp(0) == "[    0.000000] ")
        #expect(DmesgFormatter.stamp(123_456_789_012_345) == "[123456.789012] ")
        let record = PrintkRecord(timestampNanoseconds: 1_000, text: Array("a\tb\u{1b}c\nnext".utf8))
        #expect(DmesgFormatter().format([record]) == "[    0.000001] a\tb.c\n               next\n")
        #expect(
            DmesgFormatter().format([PrintkRecord(timestampNanoseconds: 5, text: [], isDataless: true)])
                == "\n")
    }
}

@Suite("Panic message passes")
struct PanicMessagePassTests {
    @Test("general protection fault beats a later panic; sysrq (old spelling) beats panic; Oops beats panic")
    func order() {
        #expect(
            PanicMessage.find(in: [
                "general protection fault: 0000 [#1] SMP", "Kernel panic - not syncing: Fatal exception",
            ])?
            .message == "general protection fault: 0000 [#1] SMP")
        #expect(
            PanicMessage.find(in: ["Kernel panic - not syncing: x", "SysRq : Trigger a crash"])?.message
                == "SysRq : Trigger a crash")
        #expect(
            PanicMessage.find(in: [
                "BUG: unable to handle page fault for address: ffffffffc020b140",
                "Oops: 0002 [#1] PREEMPT SMP NOPTI", "Kernel panic - not syncing: Fatal exception",
            ])?.message
                == "Oops: 0002 [#1] PREEMPT SMP NOPTI")
        // The first line of the pass wins: a BUG line before the oops line.
        #expect(
            PanicMessage.find(in: ["kernel BUG at lib/list_debug.c:27!", "Oops: 0000 [#1]"])?.message
                == "kernel BUG at lib/list_debug.c:27!")
        // Old x86 wording (before 5.x) still matches its own marker.
        #expect(
            PanicMessage.find(in: [
                "BUG: unable to handle kernel NULL pointer dereference at 0000000000000008",
                "Kernel panic - not syncing: Fatal exception",
            ])?.message == "BUG: unable to handle kernel NULL pointer dereference at 0000000000000008")
        #expect(PanicMessage.find(in: ["x", "Oops: 0002 [#1]"])?.message == "Oops: 0002 [#1]")
        let newer = ["Kernel panic - not syncing: x", "CPU: 3 UID: 0 PID: 77 Comm: sh Not tainted 6.12.0 #1"]
        #expect(PanicMessage.contextCPU(in: newer, near: 0)?.cpu == 3)
        #expect(PanicMessage.contextCPU(in: newer, near: 0)?.pid == 77)
    }

    @Test("newer spellings: 6.12's doubled oops prefix, sysrq since 5.x (no marker: the panic line)")
    func newerKernels() {
        // 6.12 x86 `__die_header` prints `Oops: %s: …`, and page faults pass "Oops" as the string.
        #expect(
            PanicMessage.find(in: [
                "BUG: kernel NULL pointer dereference, address: 0000000000000000",
                "Oops: Oops: 0002 [#1] PREEMPT SMP NOPTI", "Kernel panic - not syncing: Fatal exception",
            ])?.message == "Oops: Oops: 0002 [#1] PREEMPT SMP NOPTI")
        #expect(
            PanicMessage.find(in: [
                "general protection fault, probably for non-canonical address 0xdead000000000122: 0000 [#1]",
                "Kernel panic - not syncing: Fatal exception",
            ])?.message == "Kernel panic - not syncing: Fatal exception")
        // `sysrq: Trigger a crash` (lower case, 5.x+) is not crash's `SysRq : Trigger a crash`
        // marker: crash 8.0.2 shows the panic line (as on the arm64 sysrq-c dumps).
        #expect(
            PanicMessage.find(in: ["sysrq: Trigger a crash", "Kernel panic - not syncing: sysrq triggered crash"])?
                .message == "Kernel panic - not syncing: sysrq triggered crash")
    }
}

@Suite("Format detection")
struct DetectTests {
    @Test func magic() {
        func detect(_ bytes: [UInt8]) -> Vmcore.Format? { bytes.withUnsafeBytes { Vmcore.detect($0) } }
        #expect(detect([0x7f, 0x45, 0x4c, 0x46, 2, 1]) == .elf64)
        #expect(detect([0x7f, 0x45, 0x4c, 0x46, 1, 1]) == .elf32)
        #expect(detect(Array("KDUMP   ".utf8) + [6, 0, 0, 0]) == .kdumpCompressed)
        #expect(detect(Array("DISKDUMP".utf8)) == .kdumpCompressed)
        #expect(detect(Array("makedumpfile".utf8) + [0, 0, 0, 0]) == .flattenedKdump)
        #expect(detect(Array("[    0.000000] Linux version".utf8)) == nil)
    }
}
