import FuzzSupport
import KernelFacts
import KtriageBytes

/// The lines a crashing kernel prints and the wrappers logging tools put in front of them, as
/// templates for the line mutator. The formats follow the kernel's printk calls (6.1's
/// `show_regs`/`__show_regs`, `dump_stack_print_info`, `show_trace_log_lvl`, `__warn`, `panic`,
/// KASAN's `print_report`, `check_hung_task`, RCU's stall warnings, lockdep, the OOM killer,
/// arm64's `__show_regs` and `die`) and the documented output of dmesg, journalctl and syslog.
/// Placeholders: `{h}` a 16-digit address, `{x}` a short hex number, `{d}` a decimal number,
/// `{f}` a function, `{m}` a module, `{c}` a command name, `{p}` a source path, `{r}` a
/// release, `{w}` a machine's name, `{t}` a panic message, `{v}` a block device.
enum KernelLineGrammar {
    static let headers = [
        "BUG: kernel NULL pointer dereference, address: {h}",
        "BUG: unable to handle page fault for address: {h}",
        "#PF: supervisor read access in kernel mode",
        "#PF: error_code(0x0000) - not-present page",
        "general protection fault, probably for non-canonical address 0x{h}: 0000 [#1] PREEMPT SMP KASAN NOPTI",
        "Oops: 0000 [#{d}] SMP PTI",
        "invalid opcode: 0000 [#1] PREEMPT SMP NOPTI",
        "kernel BUG at {p}:{d}!",
        "WARNING: CPU: {d} PID: {d} at {p}:{d} {f}+0x{x}/0x{x} [{m}]",
        "WARNING: possible circular locking dependency detected",
        "WARNING: suspicious RCU usage",
        "Kernel panic - not syncing: {t}",
        "watchdog: BUG: soft lockup - CPU#{d} stuck for {d}s! [{c}:{d}]",
        "watchdog: Watchdog detected hard LOCKUP on cpu {d}",
        "rcu: INFO: rcu_preempt detected stalls on CPUs/tasks:",
        "rcu: INFO: rcu_sched self-detected stall on CPU",
        "INFO: task {c}:{d} blocked for more than {d} seconds.",
        "BUG: KASAN: slab-use-after-free in {f}+0x{x}/0x{x}",
        "Read of size {d} at addr {h} by task {c}/{d}",
        "BUG: KFENCE: out-of-bounds read in {f}+0x{x}/0x{x}",
        "UBSAN: array-index-out-of-bounds in {p}:{d}:{d}",
        "BUG: sleeping function called from invalid context at {p}:{d}",
        "BUG: scheduling while atomic: {c}/{d}/0x{x}",
        "list_add corruption. prev->next should be next ({h}), but was {h}. (prev={h}).",
        "Unable to handle kernel NULL pointer dereference at virtual address {h}",
        "Unable to handle kernel paging request at virtual address {h}",
        "Internal error: Oops: {x} [#1] PREEMPT SMP",
        "SError Interrupt on CPU{d}, code 0x{x} -- SError",
        "Out of memory: Killed process {d} ({c}) total-vm:{d}kB, anon-rss:{d}kB, file-rss:0kB, shmem-rss:0kB, UID:0 pgtables:{d}kB oom_score_adj:0",
        "{c} invoked oom-killer: gfp_mask=0x{x}(GFP_KERNEL), order=0, oom_score_adj=0",
        "Memory cgroup out of memory: Killed process {d} ({c}) total-vm:{d}kB",
        "EXT4-fs error (device {v}): {f}:{d}: inode #{d}: comm {c}: {t}",
        "BUG: Bad page state in process {c}  pfn:{x}",
        "EDAC MC0: 1 CE memory read error on CPU_SrcID#0_Ha#0_Chan#0_DIMM#0 (channel:0 slot:0 page:0x{x} offset:0x0 grain:32)",
        "blk_update_request: I/O error, dev {v}, sector {d} op 0x0:(READ) flags 0x0 phys_seg 1 prio class 0",
        "Buffer I/O error on dev {v}, logical block {d}, async page read",
        "------------[ cut here ]------------",
        "---[ end trace {h} ]---",
        "---[ end Kernel panic - not syncing: {t} ]---",
        "==================================================================",
        "** {d} printk messages dropped **",
        "** replaying previous printk message **",
        "Kernel Offset: 0x{x} from 0xffffffff81000000 (relocation range: 0xffffffff80000000-0xffffffffbfffffff)",
        "Linux version {r} (debian-kernel@lists.debian.org) (gcc-12 (Debian 12.2.0-14) 12.2.0, GNU ld (GNU Binutils for Debian) 2.40) #1 SMP PREEMPT_DYNAMIC Debian 6.1.55-1 (2023-09-29)",
        "DMI: {w}, BIOS 1.16.2-debian-1.16.2-1 04/01/2014",
        "Rebooting in {d} seconds..",
    ]

    /// Lines inside a report: task and machine, registers, code, trace markers and frames.
    static let body = [
        "CPU: {d} PID: {d} Comm: {c} Tainted: G    B   W  OE      {r} #1",
        "CPU: {d} UID: 0 PID: {d} Comm: {c} Not tainted {r} #1",
        "Pid: {d}, comm: {c} Not tainted {r} #1 {w}",
        "Hardware name: {w}, BIOS 1.16.2-debian-1.16.2-1 04/01/2014",
        "Workqueue: events {f}",
        "Modules linked in: {m}(E) {m} {m}(OE) [last unloaded: {m}]",
        " {m} {m} {m}(POE)",
        "RIP: 0010:{f}+0x{x}/0x{x} [{m}]",
        "RIP: 0033:0x{h}",
        "Code: 48 89 e5 41 57 41 56 <0f> 0b 48 8b 45 00",
        "RSP: 0018:{h} EFLAGS: 00010246",
        "RAX: {h} RBX: {h} RCX: {h}",
        "R13: {h} R14: {h} R15: {h}",
        "FS:  0000000000000000({h}) GS:{h}(0000) knlGS:0000000000000000",
        "CR2: {h} CR3: {h} CR4: 00000000003706f0",
        "pc : {f}+0x{x}/0x{x} [{m}]",
        "lr : {f}+0x{x}/0x{x}",
        "sp : {h}",
        "x29: {h} x28: {h} x27: {h}",
        "x9 : {h} x8 : {h}",
        "pstate: 60400005 (nZCv daif +PAN -UAO -TCO -DIT -SSBS BTYPE=--)",
        "Mem abort info:",
        "  ESR = 0x{x}",
        "Call Trace:",
        "Call trace:",
        " <TASK>",
        " </TASK>",
        " <IRQ>",
        " </IRQ>",
        " <NMI>",
        " ? {f}+0x{x}/0x{x}",
        " {f}+0x{x}/0x{x} [{m}]",
        " {f}+0x{x}/0x{x}",
        " {f}+0x{x}/0x{x}",
        " [<{h}>] {f}+0x{x}/0x{x}",
        " [<{h}>] ? {f}+0x{x}/0x{x} [{m}]",
        " {f} {p}:{d} [inline]",
        " {f}+0x{x}/0x{x} {p}:{d}",
        "Allocated by task {d}:",
        "Freed by task {d}:",
        "The buggy address belongs to the object at {h}",
        "Memory state around the buggy address:",
        ">{h}: fb fb fb fb fb fb fb fb fb fb fb fb fb fb fb fb",
        "                                            ^",
        "task:{c}     state:D stack:0     pid:{d}   ppid:2      flags:0x00004000",
        "\"echo 0 > /proc/sys/kernel/hung_task_timeout_secs\" disables this message.",
        "\t{d}-...!: (1 GPs behind) idle=ae4/1/0x4000000000000000 softirq=100/101 fqs=0",
        "\t(detected by {d}, t={d} jiffies, g={d}, q={d} ncpus={d})",
        "       CPU0                    CPU1",
        "  lock(&mm->mmap_lock);",
        " *** DEADLOCK ***",
        "{d} locks held by {c}/{d}:",
        " #0: {h} (&type->s_umount_key#{d}){++++}-{3:3}, at: {f}+0x{x}/0x{x}",
        "Disabling lock debugging due to kernel taint",
    ]

    static let functions = [
        "kfree", "__schedule", "do_syscall_64", "entry_SYSCALL_64_after_hwframe", "asm_exc_page_fault",
        "ext4_readdir", "lock_acquire", "__might_sleep", "dump_stack_lvl", "panic", "el1h_64_irq", "do_idle",
        "ret_from_fork", "kthread", "worker_thread", "process_one_work", "rcu_core", "__kasan_report",
        "_RNvNtCs1234_4core3ptr13drop_in_place", "_ZN4core3ptr13drop_in_place17h0123456789abcdefE",
        "__sanitizer_cov_trace_pc", "synchronize_rcu_expedited", "copy_process.cold",
    ]
    static let modules = ["ext4", "nvidia", "zfs", "btrfs", "kvm_intel", "e1000e", "xfs", "dm_mod"]
    static let commands = [
        "swapper/0", "kworker/0:1", "syz-executor.0", "systemd", "kworker/u8:3", "a b", "khungtaskd",
    ]
    static let paths = [
        "mm/slub.c", "fs/ext4/inode.c", "kernel/sched/core.c", "include/linux/list.h", "lib/list_debug.c",
    ]
    static let releases = [
        "6.1.0-13-amd64", "5.15.0-91-generic", "4.18.0-513.el8.x86_64", "6.8.0-rc1-syzkaller-00001-gdeadbeef",
        "2.6.32-754.el6.x86_64", "6.13.0+",
    ]
    static let machines = [
        "QEMU Standard PC (i440FX + PIIX, 1996)", "Google Google Compute Engine/Google Compute Engine",
        "Dell Inc. PowerEdge R740/0JMK61", "linux,dummy-virt (DT)", "Raspberry Pi 4 Model B Rev 1.4 (DT)",
    ]
    static let panicTexts = [
        "Fatal exception", "Fatal exception in interrupt", "Attempted to kill init! exitcode=0x0000000b",
        "hung_task: blocked tasks", "VFS: Unable to mount root fs on unknown-block(0,0)",
    ]
    static let devices = ["sda1", "nvme0n1p2", "vda", "dm-0"]
    static let hosts = ["web01", "db-7", "host-a", "10.0.0.1", "h"]
    static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    /// A report line: a header of the kernel's table (`CrashHeaders`), one of ours, or a body line.
    static func reportLine(_ random: inout MutationRandom, functions extra: [String]) -> [UInt8] {
        let template: String
        switch random.below(4) {
        case 0:
            template =
                (random.pick(CrashHeaders.literals) ?? "BUG: ") + (random.pick(["", " {f}+0x{x}/0x{x}", "{t}"]) ?? "")
        case 1: template = random.pick(headers) ?? ""
        default: template = random.pick(body) ?? ""
        }
        return expand(template, &random, functions: extra)
    }

    /// A short report from header to end marker, so that one mutation adds a whole crash.
    static func report(_ random: inout MutationRandom, functions extra: [String]) -> [[UInt8]] {
        var lines = [expand(random.pick(headers) ?? "", &random, functions: extra)]
        for template in [
            "CPU: {d} PID: {d} Comm: {c} Not tainted {r} #1", "Hardware name: {w}", "RIP: 0010:{f}+0x{x}/0x{x}",
        ]
        where random.chance(2, in: 3) {
            lines.append(expand(template, &random, functions: extra))
        }
        lines.append(Array((random.pick(["Call Trace:", "Call trace:"]) ?? "").utf8))
        for _ in 0..<(1 + random.below(6)) { lines.append(expand(" {f}+0x{x}/0x{x}", &random, functions: extra)) }
        if random.chance(1, in: 2) { lines.append(expand("---[ end trace {h} ]---", &random, functions: extra)) }
        return lines
    }

    static func expand(_ template: String, _ random: inout MutationRandom, functions extra: [String]) -> [UInt8] {
        var out: [UInt8] = []
        let bytes = Array(template.utf8)
        var index = 0
        while index < bytes.count {
            // A placeholder is `{` letter `}`; any other brace is text (lockdep's `{++++}-{3:3}`).
            guard bytes[index] == UInt8(ascii: "{"), index + 2 < bytes.count, bytes[index + 2] == UInt8(ascii: "}")
            else {
                out.append(bytes[index])
                index += 1
                continue
            }
            let key = bytes[index + 1]
            index += 3
            switch key {
            case UInt8(ascii: "h"):
                out += hex(
                    random.chance(1, in: 2) ? 0xffff_ffff_8100_0000 | random.next() & 0xff_ffff : random.next(),
                    digits: 16)
            case UInt8(ascii: "x"):
                out += hex(
                    random.next() % UInt64(random.pick([0x10, 0x100, 0x1_0000, 0x1_0000_0000]) ?? 16), digits: 0)
            case UInt8(ascii: "d"):
                out += Array(String(random.pick([0, 1, 2, 22, 120, 4_294_967_295, random.next() % 100_000]) ?? 0).utf8)
            case UInt8(ascii: "f"):
                out += Array((random.pick(extra.isEmpty || random.chance(1, in: 2) ? functions : extra) ?? "f").utf8)
            case UInt8(ascii: "m"): out += Array((random.pick(modules) ?? "m").utf8)
            case UInt8(ascii: "c"): out += Array((random.pick(commands) ?? "c").utf8)
            case UInt8(ascii: "p"): out += Array((random.pick(paths) ?? "p").utf8)
            case UInt8(ascii: "r"): out += Array((random.pick(releases) ?? "r").utf8)
            case UInt8(ascii: "w"): out += Array((random.pick(machines) ?? "w").utf8)
            case UInt8(ascii: "t"): out += Array((random.pick(panicTexts) ?? "t").utf8)
            case UInt8(ascii: "v"): out += Array((random.pick(devices) ?? "v").utf8)
            default: out += [UInt8(ascii: "{"), key, UInt8(ascii: "}")]
            }
        }
        return out
    }

    static func hex(_ value: UInt64, digits: Int) -> [UInt8] {
        let text = String(value, radix: 16)
        return Array((String(repeating: "0", count: max(0, digits - text.count)) + text).utf8)
    }

    // MARK: Wrappers

    /// A wrapper of one of the formats ktriage reads, for a line printed `seconds` after boot.
    static func wrapper(style: Int, seconds: UInt64, micros: UInt64, host: String) -> [UInt8] {
        let stamp = "[" + pad(String(seconds), 5, " ") + "." + pad(String(micros), 6, "0") + "]"
        let clock =
            pad(String(seconds / 3600 % 24), 2, "0") + ":" + pad(String(seconds / 60 % 60), 2, "0") + ":"
            + pad(String(seconds % 60), 2, "0")
        let day = 1 + seconds / 86_400 % 28
        let month = months[Int(seconds / (86_400 * 28) % 12)]
        let text: String
        switch style {
        case 0: text = stamp + " "  // dmesg
        case 1: text = "<" + String(seconds % 8) + ">" + stamp + " "  // dmesg -r, console
        case 2: text = stamp + " [T" + String(micros % 5000) + "] "  // caller ids (CONFIG_PRINTK_CALLER)
        case 3: text = month + " " + pad(String(day), 2, " ") + " " + clock + " " + host + " kernel: " + stamp + " "
        case 4: text = month + " " + pad(String(day), 2, " ") + " " + clock + " " + host + " kernel: "
        case 5:
            text =
                "2026-12-" + pad(String(day), 2, "0") + "T" + clock + "." + pad(String(micros), 6, "0") + "+00:00 "
                + host + " kernel: "
        case 6: text = stamp + " " + host + " kernel: "  // journalctl -o short-monotonic
        case 7:
            // dmesg --time-format iso
            text = "2026-12-" + pad(String(day), 2, "0") + "T" + clock + "," + pad(String(micros), 6, "0") + "+00:00 "
        case 8: text = "[Sun Dec  " + String(day % 10) + " " + clock + " 2026] "  // dmesg -T
        case 9:
            // /dev/kmsg: level, sequence, microseconds, flags
            text = String(seconds % 8) + "," + String(micros) + "," + String(seconds * 1_000_000 + micros) + ",-;"
        default:
            // Another program's line.
            text = month + " " + pad(String(day), 2, " ") + " " + clock + " " + host + " systemd[1]: "
        }
        return Array(text.utf8)
    }

    static let wrapperStyles = 11

    private static func pad(_ text: String, _ width: Int, _ filler: Character) -> String {
        String(repeating: filler, count: max(0, width - text.count)) + text
    }

    /// Bytes of the wrapper in front of a line's text, as far as a quick look can tell: `<N>`,
    /// `/dev/kmsg` fields, a bracketed stamp and caller id, a syslog or ISO prefix up to `kernel: `.
    static func wrapperLength(_ line: [UInt8]) -> Int {
        var index = 0
        if line.count >= 3, line[0] == UInt8(ascii: "<"), line[2] == UInt8(ascii: ">") { index = 3 }
        if let semicolon = line.prefix(40).firstIndex(of: UInt8(ascii: ";")),
            line[..<semicolon].allSatisfy({
                $0 == UInt8(ascii: ",") || $0 == UInt8(ascii: "-") || ByteScanning.isDigit($0)
            })
        {
            return semicolon + 1
        }
        if let kernel = line.prefix(80).withUnsafeBytes({ ByteScanning.firstIndex(of: "kernel: ", in: $0) }) {
            index = max(index, kernel + "kernel: ".utf8.count)
        }
        while index < line.count, line[index] == UInt8(ascii: "["),
            let close = line[index...].prefix(40).firstIndex(of: UInt8(ascii: "]"))
        {
            index = close + 1
            while index < line.count, line[index] == UInt8(ascii: " ") { index += 1 }
        }
        return index
    }
}
