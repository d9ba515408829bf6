/// Frames that are never blamed: the machinery that reports, allocates, locks, copies or
/// dispatches, rather than the code with the bug. Written from the kernel's own layering
/// (lib/, mm/slab, kernel/locking, arch entry code), as data.
enum FrameSkipList {
    static let global: [FramePattern] = [
        // Sanitizers and their hooks.
        .contains("kasan"), .contains("kmsan"), .contains("kcsan"), .prefix("__asan"), .prefix("__msan"),
        .contains("hwasan"), .prefix("__sanitizer"), .contains("check_memory_region"), .contains("check_region_inline"),
        .prefix("__ubsan"), .contains("ubsan_"), .prefix("kfence"), .prefix("__kfence"), .contains("watchpoint"),
        .prefix("__check_object_size"), .prefix("check_object"), .prefix("check_heap_object"),
        .prefix("__tsan"), .prefix("__kcov"), .prefix("write_comp_data"), .prefix("__sanitizer_cov"),
        // Reporting machinery.
        .contains("dump_stack"), .contains("show_stack"), .contains("dump_backtrace"), .contains("show_trace"),
        .contains("print_report"), .contains("print_address_description"), .contains("panic"),
        .contains("__warn"), .contains("warn_slowpath"), .contains("warn_alloc"), .prefix("report_bug"),
        .prefix("fixup_bug"), .prefix("do_error_trap"), .prefix("do_trap"), .prefix("handle_bug"),
        .prefix("exc_invalid_op"), .prefix("asm_exc_invalid_op"), .contains("invalid_op"), .prefix("do_invalid_op"),
        .contains("printk"), .prefix("print_tainted"), .contains("show_regs"), .prefix("__show_regs"),
        .prefix("arch_stack_walk"), .prefix("stack_trace_save"), .prefix("save_stack"),
        .prefix("__save_stack"), .prefix("stack_depot"), .prefix("kmemleak"), .prefix("die"), .prefix("__die"),
        .prefix("oops_"), .prefix("bug_handler"), .prefix("__bug"), .prefix("brk_handler"), .prefix("call_break_hook"),
        .prefix("do_debug_exception"), .prefix("el1_dbg"), .prefix("el1h_64_sync"), .prefix("el1_sync"),
        .prefix("el1_abort"), .prefix("el1_da"), .prefix("el1_ia"), .prefix("do_mem_abort"),
        .prefix("do_translation_fault"), .prefix("do_page_fault"), .prefix("__do_kernel_fault"),
        .prefix("do_bad_area"), .prefix("die_kernel_fault"), .prefix("do_kernel_fault"),
        .prefix("__do_page_fault"), .prefix("page_fault_oops"), .prefix("no_context"), .prefix("kernelmode_fixup_or_oops"),
        .prefix("__bad_area_nosemaphore"), .prefix("bad_area_nosemaphore"), .prefix("do_user_addr_fault"),
        .prefix("exc_page_fault"), .prefix("asm_exc_page_fault"), .exact("page_fault"), .prefix("do_general_protection"),
        .prefix("exc_general_protection"), .prefix("asm_exc_general_protection"), .exact("general_protection"),
        .contains("tag_check_fault"), .prefix("do_tag_check_fault"), .prefix("do_el0"),
        .prefix("lockdep_"), .contains("lockdep"), .prefix("debug_check_no_locks"), .prefix("check_preemption_disabled"),
        .prefix("__might_sleep"), .prefix("___might_sleep"), .prefix("__might_resched"), .prefix("might_sleep"),
        .prefix("__might_fault"), .prefix("might_fault"), .prefix("debug_smp_processor_id"),
        .prefix("__this_cpu_preempt_check"),
        // Allocators.
        .contains("alloc_page"), .contains("alloc_pages"), .contains("alloc_frozen_pages"), .suffix("_noprof"),
        .contains("kmalloc"), .contains("kzalloc"), .contains("kcalloc"), .contains("kvmalloc"), .contains("kvzalloc"),
        .contains("krealloc"), .contains("kmem_cache"), .prefix("slab_"), .prefix("__slab"), .prefix("___slab"),
        .prefix("new_slab"), .prefix("allocate_slab"), .prefix("cache_alloc"), .prefix("____cache_alloc"),
        .contains("vmalloc"), .prefix("__vmalloc"), .prefix("vzalloc"), .prefix("folio_alloc"),
        .prefix("__folio_alloc"), .prefix("filemap_alloc_folio"), .prefix("__filemap_get_folio"),
        .prefix("pagecache_get_page"), .prefix("find_or_create_page"), .prefix("grab_cache_page"),
        .exact("kfree"), .exact("kvfree"), .exact("__kfree"), .prefix("kfree_skb"), .prefix("kfree_sensitive"),
        .prefix("kmemdup"), .prefix("kstrdup"), .prefix("kstrndup"), .prefix("memdup_user"), .prefix("kasprintf"),
        .prefix("kvasprintf"), .prefix("free_pages"), .prefix("__free_pages"), .prefix("get_free_pages"),
        .prefix("__get_free_pages"), .prefix("mempool_"), .prefix("pcpu_alloc"), .prefix("__alloc_percpu"),
        .prefix("setup_object"), .prefix("prep_new_page"), .prefix("get_page_from_freelist"),
        // Locking primitives.
        .contains("lock_acquire"), .contains("lock_release"), .prefix("__lock_"),
        .contains("spin_lock"), .contains("spin_unlock"), .contains("spin_trylock"), .contains("read_lock"),
        .contains("read_unlock"), .contains("write_lock"), .contains("write_unlock"), .contains("rwlock"),
        .prefix("_raw_"), .prefix("do_raw_"), .prefix("__raw_"), .prefix("queued_spin"), .prefix("queued_read"),
        .prefix("queued_write"), .prefix("native_queued_spin"), .prefix("__pv_queued"), .prefix("pv_queued"),
        .prefix("down"), .prefix("__down"), .prefix("up_"), .exact("up"), .prefix("__up"),
        .prefix("mutex_"), .prefix("__mutex_"), .prefix("rt_mutex_"), .prefix("__rt_mutex"), .prefix("osq_"),
        .prefix("rwsem_"), .prefix("__rwsem"), .prefix("percpu_down"), .prefix("percpu_up"), .prefix("__percpu_down"),
        .prefix("ww_mutex"), .prefix("__ww_mutex"), .prefix("rcu_lock_"), .prefix("rcu_read_lock"),
        .prefix("rcu_read_unlock"), .prefix("__rcu_read"), .prefix("local_bh_"), .prefix("__local_bh_"),
        .prefix("preempt_count"), .prefix("trace_hardirqs"), .prefix("trace_irq"), .prefix("trace_"),
        .prefix("mark_lock"), .prefix("mark_held_locks"), .prefix("validate_chain"), .prefix("check_prev_add"),
        .prefix("check_noncircular"), .prefix("print_circular"), .prefix("print_usage_bug"),
        .prefix("valid_state"), .prefix("mark_usage"), .prefix("hlock_class"), .prefix("register_lock_class"),
        .prefix("look_up_lock_class"), .prefix("seqcount_lockdep"), .prefix("__might_lock"),
        // Atomics, bitops, refcounts.
        .prefix("atomic_"), .prefix("atomic64_"), .prefix("arch_atomic"), .prefix("raw_atomic"),
        .prefix("__atomic"), .prefix("refcount_"), .prefix("__refcount_"), .prefix("kref_"),
        .prefix("test_bit"), .prefix("set_bit"), .prefix("clear_bit"), .prefix("__set_bit"), .prefix("__clear_bit"),
        .prefix("test_and_"), .prefix("bitmap_"), .prefix("__bitmap_"), .prefix("find_next_bit"),
        // String and memory helpers.
        .prefix("memcpy"), .prefix("memmove"), .prefix("memset"), .prefix("memcmp"), .prefix("memchr"), .prefix("memscan"),
        .prefix("__memcpy"), .prefix("__memmove"), .prefix("__memset"), .prefix("memzero"), .prefix("memdup"),
        .prefix("memcat"), .prefix("memweight"), .prefix("memparse"), .prefix("__memcat"),
        .exact("strcpy"), .exact("strncpy"), .exact("strlcpy"), .exact("strscpy"), .exact("strcat"), .exact("strncat"),
        .exact("strlcat"), .exact("strcmp"), .exact("strncmp"), .exact("strcasecmp"), .exact("strncasecmp"), .exact("strchr"),
        .exact("strrchr"), .exact("strnchr"), .exact("strlen"), .exact("strnlen"), .exact("strstr"), .exact("strnstr"),
        .exact("strsep"), .exact("strspn"), .exact("strcspn"), .exact("strpbrk"), .exact("strim"), .exact("strreplace"),
        .exact("strchrnul"), .prefix("strndup"), .prefix("strdup"), .prefix("__strlen"), .prefix("__strcpy"),
        .prefix("__strncpy"), .prefix("__strscpy"), .prefix("__strnlen"), .prefix("strnlen_user"), .contains("snprintf"),
        .contains("sprintf"), .contains("string"), .contains("pointer"), .prefix("fortify_"), .prefix("__fortify"),
        .prefix("vsnprintf"), .prefix("format_decode"), .prefix("sized_strscpy"),
        // User copies.
        .contains("copy_to_user"), .contains("copy_from_user"), .contains("copy_user"), .prefix("_copy_"),
        .prefix("copy_to_iter"), .prefix("copy_from_iter"), .prefix("_copy_to_iter"), .prefix("_copy_from_iter"),
        .prefix("copy_page_to_iter"), .prefix("copy_page_from_iter"), .prefix("iov_iter"), .prefix("__iov_iter"),
        .prefix("get_user"), .prefix("put_user"), .prefix("__get_user"), .prefix("__put_user"),
        .prefix("strncpy_from_user"), .prefix("clear_user"), .prefix("__clear_user"), .prefix("rep_movs"),
        .prefix("copy_mc"), .prefix("raw_copy"),
        // Lists and trees.
        .prefix("list_"), .prefix("__list_"), .prefix("hlist_"), .prefix("__hlist_"), .prefix("rb_"),
        .prefix("__rb_"), .prefix("rb_insert"), .prefix("rb_erase"), .prefix("xa_"), .prefix("__xa_"),
        .prefix("idr_"), .prefix("radix_tree"),
        // Timers, workqueues, completions.
        .prefix("del_timer"), .prefix("__del_timer"), .prefix("timer_delete"), .prefix("flush_work"),
        .prefix("__flush_work"), .prefix("flush_workqueue"), .prefix("__flush_workqueue"), .prefix("queue_work"),
        .prefix("__queue_work"), .prefix("queue_delayed_work"), .prefix("__queue_delayed_work"),
        .prefix("mod_timer"), .prefix("__mod_timer"), .prefix("add_timer"), .prefix("cancel_work"),
        .prefix("__cancel_work"), .prefix("cancel_delayed_work"), .prefix("wait_for_completion"),
        .prefix("__wait_for_common"), .prefix("wait_for_common"), .prefix("complete"), .prefix("hrtimer_cancel"),
        .prefix("destroy_workqueue"), .prefix("drain_workqueue"), .prefix("insert_work"), .prefix("init_timer"),
        .prefix("timer_setup"), .prefix("__init_work"), .prefix("delayed_work_timer_fn"),
        // kobject / device / sysfs teardown.
        .prefix("kobject_"), .prefix("kobj_"), .prefix("device_del"), .prefix("device_unregister"),
        .prefix("device_release"), .prefix("device_add"), .prefix("put_device"), .prefix("sysfs_"),
        .prefix("kernfs_"), .prefix("__kernfs"), .prefix("devres_"), .prefix("release_nodes"),
        // USB submission helpers.
        .prefix("usb_submit_urb"), .prefix("usb_start_wait_urb"), .prefix("usb_bulk_msg"),
        .prefix("usb_control_msg"), .prefix("usb_interrupt_msg"), .prefix("usb_internal_control_msg"),
        .prefix("usb_hcd_submit_urb"),
        // MMIO and CRC helpers.
        .exact("readb"), .exact("readw"), .exact("readl"), .exact("readq"), .exact("writeb"), .exact("writew"),
        .exact("writel"), .exact("writeq"), .prefix("ioread"), .prefix("iowrite"), .prefix("__raw_read"),
        .prefix("__raw_write"), .prefix("crc"), .prefix("__crc"),
        // Reference drops and frees.
        .exact("iput"), .exact("dput"), .prefix("__dentry_kill"), .exact("fput"), .prefix("____fput"),
        .prefix("rcu_do_batch"),
        .prefix("rcu_core"), .prefix("__free_slab"), .prefix("free_slab"), .prefix("discard_slab"),
        .prefix("__slab_free"), .prefix("do_slab_free"), .prefix("___cache_free"), .prefix("free_object"),
        .prefix("free_debug_processing"),
        // Retpolines, thunks, entry trampolines.
        .contains("__x86_indirect_thunk"), .prefix("__x86_return_thunk"), .prefix("__pfx_"),
        .prefix("debug_object"), .prefix("__debug_object"), .prefix("debug_print_object"),
        .prefix("should_fail"), .prefix("should_failslab"), .prefix("fail_dump"),
        // Entry code.
        .prefix("entry_SYSCALL"), .prefix("entry_SYSENTER"), .prefix("entry_INT80"), .prefix("native_irq_return"),
    ]

    /// Names that mark a fault-injected failure; their stacks are often interleaved.
    static let faultInjection: [FramePattern] = [.prefix("should_fail"), .prefix("should_failslab")]
}
