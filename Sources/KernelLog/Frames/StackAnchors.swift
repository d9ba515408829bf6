/// Generic dispatchers used by the stall rule: the guilty frame of a stall is the function such a
/// dispatcher called (the syscall, the work item, the ioctl handler), since the top of a stalled
/// stack is wherever the CPU happened to spin.
enum StackAnchors {
    static let stall: [FramePattern] = [
        .prefix("do_syscall_"), .exact("invoke_syscall"), .prefix("el0_svc"), .prefix("do_el0_svc"),
        .exact("system_call_fastpath"), .exact("entry_SYSCALL_64_fastpath"), .prefix("entry_SYSCALL"),
        .prefix("do_fast_syscall"), .prefix("do_int80_syscall"), .exact("syscall_call"), .prefix("ret_fast_syscall"),
        .exact("process_one_work"), .prefix("__do_softirq"), .exact("handle_softirqs"), .exact("do_softirq"),
        .prefix("run_timer_softirq"), .prefix("call_timer_fn"), .prefix("expire_timers"), .prefix("__run_timers"),
        .prefix("__run_hrtimer"), .prefix("hrtimer_run_queues"), .prefix("__hrtimer_run_queues"),
        .prefix("run_ksoftirqd"), .exact("kthread"), .prefix("ret_from_fork"), .exact("smpboot_thread_fn"),
        .prefix("start_secondary"), .prefix("secondary_start_kernel"), .prefix("cpu_startup_entry"),
        .prefix("do_idle"), .prefix("rest_init"), .prefix("__netif_receive_skb"), .exact("netif_receive_skb"),
        .prefix("process_backlog"), .prefix("__napi_poll"), .prefix("net_rx_action"), .exact("net_tx_action"),
        .contains("vfs_read"), .contains("vfs_write"), .contains("vfs_ioctl"), .contains("compat_ioctl"),
        .contains("sys_ioctl"), .contains("SyS_ioctl"), .prefix("ksys_read"), .prefix("ksys_write"),
        .exact("__do_fault"), .prefix("vfs_iter_read"), .prefix("vfs_iter_write"), .prefix("do_iter_read"),
        .prefix("do_iter_write"), .prefix("do_mmap"), .prefix("mmap_region"), .prefix("do_sys_open"),
        .prefix("do_filp_open"), .prefix("path_openat"), .prefix("vfs_open"), .prefix("do_dentry_open"),
        .prefix("do_sys_openat"), .prefix("__sys_sendmsg"), .prefix("__sys_recvmsg"), .exact("sock_sendmsg"),
        .prefix("new_sync_read"),
        .prefix("new_sync_write"),
        .prefix("__sock_sendmsg"), .exact("sock_recvmsg"), .prefix("sock_write_iter"), .prefix("sock_read_iter"),
        .exact("sock_ioctl"), .prefix("__sys_setsockopt"), .prefix("__sys_getsockopt"), .prefix("sock_setsockopt"),
        .prefix("__sys_connect"), .prefix("__sys_listen"), .prefix("__sys_accept"), .prefix("__sys_bind"),
        .prefix("__sys_sendto"), .prefix("__sys_recvfrom"), .prefix("rtnetlink_rcv_msg"), .prefix("nfnetlink_rcv_msg"),
        .prefix("netlink_dump"),
        .exact("task_work_run"), .exact("__fput"), .prefix("sock_common_setsockopt"), .prefix("sock_common_getsockopt"),
        .prefix("exit_to_usermode"), .prefix("exit_to_user_mode"), .prefix("syscall_exit_to_user_mode"),
        .prefix("tasklet_action"), .prefix("tasklet_hi_action"), .prefix("smp_call_function"),
        .prefix("generic_smp_call_function"), .prefix("flush_smp_call_function"),
    ]

    /// The x86/arm entry points of a timer interrupt: an RCU stall's guilty frame lies below it.
    static let timerInterrupt: [String] = [
        "apic_timer_interrupt", "sysvec_apic_timer_interrupt", "smp_apic_timer_interrupt",
        "el1h_64_irq", "el1_irq", "Exception stack",
        // ppc64 `timer_interrupt`, s390 `do_ext_irq` (clock comparator).
        "] timer_interrupt", " timer_interrupt+", "do_ext_irq",
    ]

    /// Syscall wrappers: one of them is stripped from the chosen frame (the one that leaves the
    /// shortest name), so `__x64_sys_foo` becomes `sys_foo` and `__se_sys_foo` becomes `foo`.
    static let syscallPrefixes = [
        "SYSC_", "SyS_", "sys_", "__x64_", "__ia32_", "__arm64_", "____sys_", "___sys_", "__sys_", "__se_",
        "__se_sys_", "__do_sys_", "compat_SYSC_", "compat_SyS_", "ksys_",
    ]

    /// Substrings that disqualify a frame for the hung-task rule: waiting is not the bug.
    static let hungTaskSkip: [FramePattern] = [
        .contains("sched"), .contains("_lock"), .contains("_slowlock"), .contains("down"), .contains("rwsem"),
        .contains("completion"), .contains("kthread"), .contains("wait"), .contains("synchronize"),
        .contains("context_switch"), .contains("__switch_to"), .contains("cancel_delayed_work"),
        .contains("rcu_barrier"),
    ]
}
