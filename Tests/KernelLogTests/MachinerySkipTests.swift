import Testing

@testable import KernelLog

/// The machinery table generated from the kernel's source, and the guilty frames it moves.
@Suite struct MachinerySkipTests {
    @Test(arguments: [
        "vsnprintf", "hex_dump_to_buffer", "print_hex_dump", "xa_load", "__radix_tree_lookup", "__wake_up_common",
        "stack_trace_save", "crypto_shash_update", "exc_page_fault", "_dev_err", "dev_printk_emit", "device_register",
        "add_taint", "kmem_cache_alloc", "mutex_lock", "__flush_work", "mod_timer", "kobject_put",
    ])
    func namesTheMachinery(_ name: String) {
        #expect(MachinerySkip.role(of: name) != nil)
    }

    @Test func rolesFollowTheSourceFile() {
        // lib/vsprintf.c formats the caller's data; kernel/sched/wait.c keeps its own queue.
        #expect(MachinerySkip.role(of: "vsnprintf") == .reporting)
        #expect(MachinerySkip.role(of: "remove_wait_queue") == .plumbing)
        #expect(MachinerySkip.skips("remove_wait_queue", scope: .belowCrashSite, atCrashSite: false))
        #expect(!MachinerySkip.skips("remove_wait_queue", scope: .belowCrashSite, atCrashSite: true))
        #expect(MachinerySkip.skips("hex_dump_to_buffer", scope: .belowCrashSite, atCrashSite: true))
        #expect(!MachinerySkip.skips("hex_dump_to_buffer", scope: .none, atCrashSite: false))
    }

    @Test(arguments: [
        // Dispatchers: below them lies another context, so they stay blamable.
        "process_one_work", "__do_softirq", "handle_softirqs", "call_timer_fn", "do_syscall_64",
        // Names also defined outside the machinery (a driver's `release`), and ordinary code.
        "release", "main", "tcp_sendmsg", "ext4_fill_super",
    ])
    func leavesOthersAlone(_ name: String) {
        #expect(MachinerySkip.role(of: name) == nil)
    }

    @Test func tableNamesItsKernel() {
        #expect(GeneratedMachinery.kernelReleases.map { $0.prefix(4) } == ["6.1.", "6.12"])
        #expect(GeneratedMachinery.groups.allSatisfy { !$0.reason.isEmpty && !$0.names.isEmpty })
        #expect(MachinerySkip.reporting.count + MachinerySkip.plumbing.count > 5000)
        #expect(Set(MachinerySkip.reporting.names).isDisjoint(with: MachinerySkip.plumbing.names))
        // Every name of the generated lists is found, and only those.
        let listed = Set(
            GeneratedMachinery.groups.flatMap { $0.names.split(whereSeparator: { $0 == " " || $0 == "\n" }) }.map(
                String.init))
        #expect(Set(MachinerySkip.reporting.names + MachinerySkip.plumbing.names) == listed)
        #expect(listed.allSatisfy { MachinerySkip.reporting.contains($0) || MachinerySkip.plumbing.contains($0) })
        #expect(!MachinerySkip.reporting.contains("dump_stac") && !MachinerySkip.reporting.contains("dump_stack_"))
        #expect(!MachinerySkip.reporting.contains(""))
    }

    /// A sanitizer report whose access lies in hex dumping: the caller that handed over the buffer.
    @Test func checkerSkipsFormattingHelpers() {
        let log = """
            [  10.0] ==================================================================
            [  10.1] BUG: KASAN: slab-out-of-bounds in hex_dump_to_buffer+0x20/0x60
            [  10.2] Read of size 16 at addr ffff888012345678 by task syz/123
            [  10.3] Call Trace:
            [  10.4]  dump_stack_lvl+0x10/0x20
            [  10.5]  print_report+0x10/0x20
            [  10.6]  kasan_report+0x10/0x20
            [  10.7]  hex_dump_to_buffer+0x20/0x60
            [  10.9]  print_hex_dump+0x10/0x20
            [  11.0]  foo_parse_frame+0x10/0x20
            [  11.1]  foo_rx+0x10/0x20
            """
        let record = FrontDoor.records(log).first
        #expect(record?.title == "KASAN: slab-out-of-bounds Read in foo_parse_frame")
    }

    /// A sanitizer report inside a service with its own state names the service.
    @Test func checkerKeepsPlumbingAtTheAccess() {
        let log = """
            [  10.0] ==================================================================
            [  10.1] BUG: KASAN: use-after-free in remove_wait_queue+0x20/0x60
            [  10.2] Write of size 8 at addr ffff888012345678 by task syz/123
            [  10.3] Call Trace:
            [  10.4]  dump_stack_lvl+0x10/0x20
            [  10.5]  kasan_report+0x10/0x20
            [  10.6]  remove_wait_queue+0x20/0x60
            [  10.7]  ep_unregister_pollwait+0x10/0x20
            """
        #expect(FrontDoor.records(log).first?.title == "KASAN: use-after-free Write in remove_wait_queue")
    }

    /// A driver freeing twice is blamed, not the allocator it called nor its caller's caller.
    @Test func doubleFreeBlamesTheDriver() {
        let log = """
            [  10.0] ==================================================================
            [  10.1] BUG: KASAN: double-free in kfree+0x20/0x60
            [  10.2] Free of addr ffff888012345678 by task syz/123
            [  10.3] Call Trace:
            [  10.4]  dump_stack_lvl+0x10/0x20
            [  10.5]  kasan_report_invalid_free+0x10/0x20
            [  10.6]  kfree+0x20/0x60
            [  10.7]  bar_release+0x10/0x20
            [  10.8]  bar_close+0x10/0x20
            """
        #expect(FrontDoor.records(log).first?.title == "KASAN: invalid-free in bar_release")
    }

    /// A WARN met on the way through the driver model: the driver that registered.
    @Test func warningSkipsRegisterLayers() {
        let log = """
            [  10.1] WARNING: CPU: 1 PID: 12 at lib/kobject.c:100 kobject_add_internal+0x45/0x60
            [  10.2] RIP: 0010:kobject_add_internal+0x45/0x60
            [  10.3] Call Trace:
            [  10.4]  kobject_add+0x10/0x20
            [  10.5]  device_add+0x10/0x20
            [  10.6]  device_register+0x10/0x20
            [  10.7]  baz_probe+0x10/0x20
            [  10.8]  really_probe+0x10/0x20
            """
        #expect(FrontDoor.records(log).first?.title == "WARNING: kobject bug in baz_probe")
    }

    /// A fault is blamed where the CPU faulted, even in generic code fed a freed wait queue.
    @Test func faultKeepsGenericCrashSite() {
        let log = """
            [  10.1] BUG: unable to handle kernel paging request at ffffc90012345678
            [  10.2] RIP: 0010:_raw_spin_lock_irqsave+0x45/0x60
            [  10.3] Call Trace:
            [  10.4]  remove_wait_queue+0x10/0x20
            [  10.5]  ep_unregister_pollwait+0x10/0x20
            [  10.6]  ep_free+0x10/0x20
            """
        #expect(
            FrontDoor.records(log).first?.title == "BUG: unable to handle kernel paging request in remove_wait_queue")
    }
}
