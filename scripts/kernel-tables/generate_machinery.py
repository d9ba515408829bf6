#!/usr/bin/env python3
"""Writes Sources/KernelLog/Frames/GeneratedMachinery.swift from a Linux source tree.

The table lists the functions of the kernel's reporting and infrastructure machinery: the code
that noticed and reported a bug (printk, panic, KASAN, lockdep, trap handlers) and the generic
plumbing every caller passes through (string formatting, allocators, locks, wait queues, timers,
xarray/radix-tree walks, crypto API glue, entry code). A crash's guilty frame is the first frame
outside this machinery.

Which files are machinery is decided in MACHINERY below, one entry per group of files with its
reason; the function names come from the C and assembly source of those files. A name that is
also defined in a file outside the machinery (a `static void release()` in some driver) is left
out: a stack frame carries only the name, so it could be the driver's.

Usage (Debian's linux-source-6.1 and linux-source-6.12 packages; any kernel trees work):
    mkdir -p /tmp/ksrc && for v in 6.1 6.12; do tar -xJf /usr/src/linux-source-$v.tar.xz -C /tmp/ksrc \
        --exclude='*/Documentation' --exclude='*/tools'; done
    python3 scripts/kernel-tables/generate_machinery.py /tmp/ksrc/linux-source-6.1 \
        /tmp/ksrc/linux-source-6.12 > Sources/KernelLog/Frames/GeneratedMachinery.swift
"""

import fnmatch
import os
import re
import sys

# The two roles a machinery function can have in a stack.
# - "reporting": the code that noticed or reported the bug, and the leaf helpers that work on a
#   buffer or structure the caller handed over (string, copy, container, bit and allocator
#   helpers, lock primitives). Never blamed: a bad access inside them is the caller's bad data.
# - "plumbing": services that keep their own state (wait queues, timers, workqueues, the driver
#   model, crypto API glue, unwinders). Skipped on the way from the report to the culprit, but
#   blamed when the checked access itself happened inside them (a KASAN report in
#   `remove_wait_queue` or `enqueue_timer` names it).
REPORTING, PLUMBING = "reporting", "plumbing"

# Each entry: role, globs (relative to the tree), the reason, and options: `exclude` (globs left
# out) and `only` (a pattern: the entry takes only the names it matches, for files that mix
# machinery with other code; the file's other names then count as defined outside the machinery
# unless a later entry takes them). Test and self-test files never count (see TEST_FILES): they
# are not in production stacks.
MACHINERY = [
    # --- The code that noticed and reported the bug ---
    (REPORTING,
     ["lib/bug.c", "lib/dump_stack.c", "lib/nmi_backtrace.c", "lib/show_mem.c", "lib/debug_locks.c",
      "lib/bust_spinlocks.c"],
     "report helpers: BUG/WARN lookup, stack dumps, NMI backtraces"),
    (REPORTING,
     ["lib/list_debug.c", "lib/refcount.c", "lib/ref_tracker.c", "lib/debugobjects.c",
      "lib/smp_processor_id.c", "lib/ubsan.c"],
     "checkers that detect a caller's misuse (list corruption, refcount, debug objects, UBSAN)"),
    (REPORTING, ["lib/fault-inject.c", "lib/fault-inject-usercopy.c", "mm/failslab.c"],
     "fault injection: decides a failure on the caller's behalf"),
    (REPORTING, ["kernel/panic.c"], "panic, __warn, taint: the report itself"),
    (REPORTING, ["kernel/printk/*.c", "lib/dynamic_debug.c", "lib/ratelimit.c"], "printk and its rate limits"),
    (REPORTING,
     ["mm/kasan/*.c", "mm/kfence/*.c", "mm/kmsan/*.c", "kernel/kcsan/*.c", "mm/kmemleak.c",
      "kernel/kcov.c", "kernel/stackleak.c"],
     "sanitizers and coverage instrumentation"),
    (REPORTING, ["mm/usercopy.c", "mm/debug.c", "mm/debug_page_ref.c"],
     "hardened-usercopy checks and page dumps"),
    (REPORTING, ["kernel/locking/lockdep.c", "kernel/locking/lockdep_proc.c"], "lockdep"),
    (REPORTING,
     ["arch/*/kernel/traps.c", "arch/*/kernel/traps_*.c", "arch/x86/kernel/nmi.c",
      "arch/*/mm/fault.c", "arch/*/mm/extable.c", "arch/arm64/kernel/debug-monitors.c"],
     "trap, fault and exception handlers: they receive the fault the interrupted code caused"),
    (REPORTING,
     ["arch/x86/entry/*.c", "arch/x86/entry/*.S", "arch/arm64/kernel/entry*.c",
      "arch/arm64/kernel/entry*.S", "arch/arm64/kernel/syscall.c", "kernel/entry/*.c"],
     "syscall, interrupt and exception entry code"),
    # A watchdog's own WARN is how its report is known (`WARNING in watchdog_overflow_callback`).
    # 6.6 renamed watchdog_hld.c to watchdog_perf.c and added the buddy detector.
    (PLUMBING, ["kernel/hung_task.c", "kernel/watchdog.c", "kernel/watchdog_hld.c", "kernel/watchdog_perf.c",
                "kernel/watchdog_buddy.c"],
     "hung-task and lockup watchdogs"),
    # The unwinder also runs outside reports (/proc/<pid>/stack, wchan), where it is the culprit.
    (PLUMBING,
     ["kernel/stacktrace.c", "arch/*/kernel/stacktrace.c", "arch/x86/kernel/dumpstack*.c",
      "arch/x86/kernel/unwind_*.c", "arch/*/kernel/return_address.c", "lib/stackdepot.c",
      "kernel/kallsyms.c"],
     "stack-trace saving, unwinding and symbol lookup"),
    # --- Leaf helpers working on what the caller handed over ---
    (REPORTING, ["lib/vsprintf.c", "lib/kasprintf.c", "lib/seq_buf.c", "lib/hexdump.c"],
     "string formatting and hex dumping of the caller's data"),
    (REPORTING,
     ["lib/string.c", "lib/string_helpers.c", "lib/kstrtox.c", "lib/ctype.c", "lib/memcat_p.c",
      "lib/memweight.c", "lib/parser.c", "lib/argv_split.c"],
     "string and memory helpers working on the caller's buffer"),
    (REPORTING, ["lib/strncpy_from_user.c", "lib/strnlen_user.c", "lib/usercopy.c"],
     "user copies on the caller's behalf"),
    (REPORTING, ["arch/*/lib/*.c", "arch/*/lib/*.S"],
     "architecture string, copy, checksum, delay and atomic helpers"),
    (REPORTING,
     ["lib/xarray.c", "lib/radix-tree.c", "lib/idr.c", "lib/rbtree.c", "lib/plist.c",
      "lib/llist.c", "lib/list_sort.c", "lib/klist.c", "lib/timerqueue.c",
      "lib/sort.c", "lib/bsearch.c", "lib/generic-radix-tree.c", "lib/btree.c",
      "lib/interval_tree.c", "lib/kfifo.c"],
     "container walks (xarray, radix tree, idr, rbtree, lists, hash tables): the caller owns the data"),
    # 6.9 moved bitmap parsing and printing to lib/bitmap-str.c.
    (REPORTING,
     ["lib/bitmap.c", "lib/bitmap-str.c", "lib/find_bit.c", "lib/hweight.c", "lib/cpumask.c", "lib/atomic64.c",
      "lib/lockref.c", "lib/dec_and_lock.c", "lib/percpu_counter.c"],
     "bit, atomic and counter helpers"),
    (REPORTING,
     ["lib/crc*.c", "lib/checksum.c", "lib/siphash.c", "lib/xxhash.c", "lib/libcrc32c.c",
      "lib/crypto/*.c", "crypto/*_generic.c", "crypto/aes_ti.c", "crypto/md4.c", "crypto/md5.c",
      "crypto/gf128mul.c", "crypto/rmd160.c", "crypto/sm3.c", "crypto/sm4.c"],
     "checksums, hashes and cipher primitives over the caller's buffer"),
    (REPORTING, ["mm/slub.c", "mm/slab.c", "mm/slab_common.c", "mm/slob.c", "mm/mempool.c"],
     "slab allocator entry points and frees: the caller asked for or released the memory"),
    # mm/util.c also holds mmap and overcommit code, which is not machinery.
    (REPORTING, ["mm/util.c"], "allocation helpers (kstrdup, kmemdup, memdup_user, kvmalloc, kvfree)",
     {"only": r"^(k\w*(dup|free|malloc|realloc)\w*|k\w*strn?dup\w*|memdup_user\w*|vmemdup_user|strndup_user"
              r"|__?vcalloc|vcalloc|__?vmalloc_array|vmalloc_array)$"}),
    (REPORTING, ["kernel/locking/*.c"], "lock primitives (mutex, rwsem, spinlock, qspinlock, semaphore)",
     {"exclude": ["kernel/locking/locktorture.c"]}),
    (REPORTING, ["drivers/base/core.c"], "device printers (dev_err, dev_printk, dev_err_probe)",
     {"only": r"^(_?dev_(emerg|alert|crit|err|warn|notice|info|printk\w*|vprintk_emit|err_probe)|__dev_printk)$"}),
    (REPORTING, ["net/core/dev.c"], "network device printers (netdev_err, netdev_printk)",
     {"only": r"^(netdev_(emerg|alert|crit|err|warn|notice|info|printk)|__netdev_printk)$"}),
    (REPORTING, ["arch/*/mm/physaddr.c"],
     "virtual-to-physical translation with CONFIG_DEBUG_VIRTUAL checks of the caller's address"),
    # --- Services with their own state that every caller passes through ---
    # The page, vmalloc and per-CPU allocators keep their own free lists, area trees and
    # chunks: their own checks (BUG_ON, KASAN in a vmap-area walk) point at their state.
    (PLUMBING, ["mm/page_alloc.c", "mm/vmalloc.c", "mm/percpu.c", "mm/percpu-vm.c", "mm/percpu-km.c",
                "mm/highmem.c"],
     "page, vmalloc, per-CPU and highmem allocators"),
    (PLUMBING, ["lib/iov_iter.c", "mm/maccess.c", "fs/seq_file.c"],
     "iterators and seq_file buffers: the caller set them up"),
    (PLUMBING, ["lib/scatterlist.c", "lib/sg_pool.c", "lib/sg_split.c"], "scatterlist walking"),
    # Both switch state behind the caller's back (deferred rehash worker, atomic/per-CPU mode).
    (PLUMBING, ["lib/rhashtable.c", "lib/percpu-refcount.c"], "resizable hash tables and per-CPU refcounts"),
    (PLUMBING,
     ["lib/kobject.c", "lib/kobject_uevent.c", "lib/devres.c", "lib/iomap.c", "lib/iomap_copy.c",
      "lib/pci_iomap.c"],
     "kobject life cycle, device-managed resources, MMIO accessors"),
    (PLUMBING,
     ["kernel/sched/wait.c", "kernel/sched/wait_bit.c", "kernel/sched/swait.c",
      "kernel/sched/completion.c"],
     "wait queues and completions"),
    (PLUMBING,
     ["kernel/workqueue.c", "kernel/kthread.c", "kernel/task_work.c", "kernel/irq_work.c",
      "kernel/softirq.c", "kernel/smp.c"],
     "deferred-work dispatch (workqueues, kthreads, task work, softirqs, cross-CPU calls)"),
    (PLUMBING,
     ["kernel/time/timer.c", "kernel/time/hrtimer.c", "kernel/time/timekeeping.c",
      "kernel/time/clockevents.c", "kernel/time/clocksource.c", "kernel/time/tick-*.c",
      "kernel/time/jiffies.c", "kernel/time/time.c", "kernel/time/sched_clock.c"],
     "timers, sleeps and clocks"),
    (PLUMBING, ["kernel/notifier.c"], "notifier chains: the callback is the code with the bug"),
    (PLUMBING, ["drivers/usb/core/urb.c", "drivers/usb/core/message.c"],
     "USB request submission and synchronous messages: the driver built the request"),
    (PLUMBING, ["kernel/irq/handle.c", "kernel/irq/chip.c", "kernel/irq/irqdesc.c"], "interrupt dispatch"),
    (PLUMBING,
     ["crypto/api.c", "crypto/algapi.c", "crypto/skcipher.c", "crypto/aead.c", "crypto/shash.c",
      "crypto/ahash.c", "crypto/akcipher.c", "crypto/kpp.c", "crypto/rng.c", "crypto/acompress.c",
      "crypto/scompress.c", "crypto/cipher.c", "crypto/compress.c", "crypto/scatterwalk.c",
      "crypto/simd.c"],
     "crypto API glue: the caller set up the request"),
    (PLUMBING,
     ["crypto/cbc.c", "crypto/ctr.c", "crypto/ecb.c", "crypto/xts.c", "crypto/lrw.c", "crypto/cts.c",
      "crypto/pcbc.c", "crypto/cfb.c", "crypto/ofb.c", "crypto/xctr.c", "crypto/hctr2.c",
      "crypto/gcm.c", "crypto/ccm.c", "crypto/chacha20poly1305.c", "crypto/authenc.c",
      "crypto/authencesn.c", "crypto/essiv.c", "crypto/seqiv.c", "crypto/echainiv.c",
      "crypto/geniv.c", "crypto/cmac.c", "crypto/hmac.c", "crypto/xcbc.c", "crypto/vmac.c"],
     "crypto mode templates: they run a cipher over the caller's request"),
    (PLUMBING,
     ["drivers/base/core.c", "drivers/base/bus.c", "drivers/base/dd.c", "drivers/base/driver.c",
      "drivers/base/class.c", "drivers/base/devres.c", "fs/sysfs/*.c"],
     "driver model: dev printers and the generic register/unregister layers"),
    # --- The same machinery's inline functions, from its headers ---
    # A sanitizer report prints inlined frames (`kmalloc include/linux/slab.h:600 [inline]`,
    # `list_add include/linux/list.h [inline]`), and decode_stacktrace.sh names them too: the
    # inline helpers are the same machinery as the files above.
    (REPORTING,
     ["include/linux/bug.h", "include/asm-generic/bug.h", "include/linux/printk.h",
      "include/linux/dev_printk.h", "include/linux/ratelimit*.h"],
     "inline report helpers: WARN/BUG and printk wrappers"),
    (REPORTING,
     ["include/linux/kasan*.h", "include/linux/kcsan*.h", "include/linux/kmsan*.h",
      "include/linux/kfence.h", "include/linux/kmemleak.h", "include/linux/instrumented.h",
      "include/linux/atomic/*.h", "include/linux/atomic.h", "include/asm-generic/atomic*.h",
      "arch/x86/include/asm/atomic*.h", "arch/x86/include/asm/cmpxchg*.h",
      "arch/x86/include/asm/bitops.h", "include/asm-generic/bitops/*.h"],
     "inline sanitizer hooks and the instrumented atomic and bit operations they wrap"),
    (REPORTING,
     ["include/linux/string.h", "include/linux/fortify-string.h", "include/linux/uaccess.h",
      "include/linux/overflow.h", "arch/x86/include/asm/uaccess*.h", "arch/x86/include/asm/string*.h",
      "arch/arm64/include/asm/uaccess.h"],
     "inline string, fortify and user-copy wrappers over the caller's buffer"),
    (REPORTING,
     ["include/linux/list.h", "include/linux/list_bl.h", "include/linux/list_nulls.h",
      "include/linux/llist.h", "include/linux/rculist*.h", "include/linux/hashtable.h",
      "include/linux/rbtree*.h", "include/linux/xarray.h", "include/linux/radix-tree.h",
      "include/linux/idr.h", "include/linux/kfifo.h", "include/linux/plist.h",
      "include/linux/bitmap.h", "include/linux/find.h", "include/linux/bitops.h",
      "include/linux/cpumask.h", "include/linux/refcount.h", "include/linux/kref.h"],
     "inline container, bit and reference-count helpers: the caller owns the data"),
    (REPORTING,
     ["include/linux/slab.h", "include/linux/mempool.h"],
     "inline slab allocation wrappers (kmalloc, kzalloc, kcalloc, kmalloc_array)"),
    (REPORTING,
     ["include/linux/spinlock*.h", "include/linux/rwlock*.h", "include/linux/mutex*.h",
      "include/linux/rwsem.h", "include/linux/seqlock*.h", "include/linux/lockdep*.h",
      "include/asm-generic/qspinlock.h", "include/asm-generic/qrwlock.h",
      "arch/x86/include/asm/qspinlock*.h"],
     "inline lock wrappers"),
    (PLUMBING,
     ["include/linux/wait.h", "include/linux/wait_bit.h", "include/linux/completion.h",
      "include/linux/workqueue.h", "include/linux/timer.h", "include/linux/hrtimer.h",
      "include/linux/kobject.h", "include/linux/gfp.h", "include/linux/vmalloc.h",
      "include/linux/percpu-refcount.h", "include/linux/rhashtable.h",
      "include/linux/scatterlist.h", "include/linux/uio.h", "include/crypto/skcipher.h",
      "include/crypto/aead.h", "include/crypto/hash.h", "include/crypto/algapi.h",
      "include/crypto/internal/*.h", "include/linux/crypto.h"],
     "inline wrappers of the stateful services above (wait queues, workqueues, timers, page "
     "allocator, crypto API)"),
]

# Headers define stubs and wrappers of everything under #ifdef (`static inline void
# kasan_poison(...) {}` in mm/kasan/kasan.h when the sanitizer is off), so only those listed in
# MACHINERY are read; an unlisted header's inline functions neither add names nor make them
# ambiguous.

# Files that never count, in or out of the machinery.
TEST_FILES = ["*test*", "*_kunit.c", "*selftest*", "*torture*", "*-inject.c"]

# Trees that are not kernel code running in a crashed kernel.
NOT_KERNEL = ["tools/*", "scripts/*", "samples/*", "Documentation/*", "usr/*"]

# Definitions that do not make a machinery name ambiguous, with the reason.
SAME_FUNCTION_ELSEWHERE = [
    (["arch/*"], "an architecture's own implementation of the same function (memcpy, __delay, dump_stack hooks)"),
    (["mm/nommu.c", "kernel/up.c", "lib/logic_iomem.c"],
     "the no-MMU, uniprocessor or UML build's version of the same function"),
    (["lib/decompress*.c", "lib/inflate.c", "drivers/firmware/efi/libstub/*"],
     "pre-boot decompressors and the EFI stub: never on a running kernel's stack"),
    (["drivers/acpi/acpica/utprint.c"],
     "ACPICA's libc for its user-space tools, not built when the kernel provides vsnprintf"),
]

# Macros invoked at top level (`define_dev_printk_level(_dev_err, KERN_ERR);`) that define the
# function named by their first argument.
INVOKED_DEFINERS = re.compile(r"^\s*(?:define_dev_printk_level|define_netdev_printk_level)\((\w+)", re.M)

# Attributes written as `name(args)` after a parameter list, or before a function name.
ATTRIBUTES = {
    "__acquires", "__releases", "__must_hold", "__attribute__", "__printf", "__scanf",
    "__section", "__aligned", "__cond_lock", "__diag_ignore", "__alias", "__no_sanitize_address",
    "__nocfi", "__weak", "__malloc", "__alloc_size", "__realloc_size", "__assume_aligned",
    "__no_kmsan_checks", "__maybe_unused", "__used", "__visible", "__cold", "__latent_entropy",
    "__must_check", "__init", "__exit", "__noreturn", "__always_inline", "noinline",
    "__ref", "__init_or_module", "__meminit", "__sched", "__lockfunc", "notrace", "noinstr",
}

# Macros that define a function named by their first argument, and the names they define.
DEFINING_MACROS = [
    (re.compile(r"^DEFINE_IDTENTRY_SYSVEC\w*$"), lambda n: [n, "asm_" + n, "__" + n]),
    (re.compile(r"^DEFINE_IDTENTRY\w*$"), lambda n: [n, "asm_" + n]),
]

SYSCALL_MACRO = re.compile(r"^(COMPAT_)?SYSCALL_DEFINE\d$")
ASM_SYMBOL = re.compile(
    r"^\s*(?:SYM_(?:FUNC|CODE|INNER_LABEL|TYPED_FUNC)\w*|ENTRY|GLOBAL|ENTRY_CFI|_GLOBAL)\((\w+)",
    re.M)
COMMENT = re.compile(r"/\*.*?\*/|//[^\n]*", re.S)
STRING = re.compile(r'"(?:\\.|[^"\\\n])*"|\'(?:\\.|[^\'\\\n])*\'')
IDENT_CALL = re.compile(r"([A-Za-z_]\w*)\s*$")


def matches(path, globs):
    return any(fnmatch.fnmatch(path, glob) for glob in globs)


def c_definitions(text):
    """Names of functions defined in a C file: (plain functions, syscall names)."""
    text = STRING.sub('""', COMMENT.sub(" ", text))
    text = re.sub(r"\\\n", " ", text)
    text = "\n".join("" if line.lstrip().startswith("#") else line for line in text.split("\n"))
    functions, syscalls = set(INVOKED_DEFINERS.findall(text)) | set(ALIAS.findall(text)), set()
    # The text between top-level `;`, `{` and `}` is a declaration head; a head followed by `{`
    # at depth 0 may be a function definition.
    depth, head_start = 0, 0
    for match in BRACES.finditer(text):
        char = match.group()
        if char == "{":
            if depth == 0:
                name = definition_name(text[head_start:match.start()])
                if name:
                    (syscalls if name[0] == "syscall" else functions).update(name[1])
            depth += 1
        elif char == "}":
            depth = max(0, depth - 1)
        elif depth > 0:
            continue
        head_start = match.end()
    return functions, syscalls


BRACES = re.compile(r"[{};]")


def definition_name(head):
    """The function a top-level `head {` defines, if it is a function definition."""
    head = head.strip()
    if not head.endswith(")") and not re.search(r"\)\s*[A-Za-z_]\w*(\s*\([^()]*\))?$", head):
        return None
    # Walk the parenthesised groups from the end, skipping trailing attributes.
    end = len(head)
    while end > 0:
        close = head.rfind(")", 0, end)
        if close < 0:
            return None
        level, index = 0, close
        while index >= 0:
            if head[index] == ")":
                level += 1
            elif head[index] == "(":
                level -= 1
                if level == 0:
                    break
            index -= 1
        if index < 0:
            return None
        match = IDENT_CALL.search(head[:index])
        if not match:
            return None
        name = match.group(1)
        before = head[:match.start()]
        if name in ATTRIBUTES:
            end = match.start()
            continue
        if "=" in before.replace("==", ""):
            return None
        args = [part.strip() for part in head[index + 1:close].split(",")]
        if SYSCALL_MACRO.match(name):
            return ("syscall", {args[0]})
        for pattern, names in DEFINING_MACROS:
            if pattern.match(name):
                return ("function", set(names(args[0])))
        if name.isupper() or name in ("if", "while", "for", "switch", "return", "sizeof"):
            return None
        return ("function", {name})
    return None


# arm64 exception vectors are named by a macro: `kernel_ventry 1, h, 64, sync` is `el1h_64_sync`.
ARM64_VECTOR = re.compile(r"^\s*kernel_ventry\s+(\d),\s*(\w),\s*(\d+),\s*(\w+)", re.M)
# `u32 crc32_le_base(...) __alias(crc32_le);` defines a second name for a function.
ALIAS = re.compile(r"\b([A-Za-z_]\w*)\s*\([^;{()]*(?:\([^()]*\)[^;{()]*)*\)\s*__alias\(")


def asm_definitions(text):
    names = set(ASM_SYMBOL.findall(text))
    names |= {"el%s%s_%s_%s" % match for match in ARM64_VECTOR.findall(text)}
    return names


def source_files(root):
    for directory, subdirs, files in os.walk(root):
        subdirs.sort()
        for file in sorted(files):
            if file.endswith((".c", ".S", ".h")):
                path = os.path.relpath(os.path.join(directory, file), root)
                if matches(path, NOT_KERNEL) or matches(os.path.basename(path), TEST_FILES):
                    continue
                if path.endswith(".h") and not entries_of(path):
                    continue
                yield path


def definitions(root, path):
    with open(os.path.join(root, path), encoding="utf-8", errors="replace") as handle:
        text = handle.read()
    if path.endswith(".S"):
        return asm_definitions(text), set()
    return c_definitions(text)


def kernel_version(root):
    values = {}
    with open(os.path.join(root, "Makefile"), encoding="utf-8") as handle:
        for line in handle:
            match = re.match(r"^(VERSION|PATCHLEVEL|SUBLEVEL)\s*=\s*(\d+)", line)
            if match:
                values[match.group(1)] = match.group(2)
    return ".".join(values.get(key, "?") for key in ("VERSION", "PATCHLEVEL", "SUBLEVEL"))


def entries_of(path):
    """Indices of the MACHINERY entries that take names from `path`, in order."""
    found = []
    for index, entry in enumerate(MACHINERY):
        options = entry[3] if len(entry) > 3 else {}
        if matches(path, entry[1]) and not matches(path, options.get("exclude", [])):
            found.append(index)
    return found


def read_tree(root, machinery, elsewhere):
    """Adds one tree's machinery names and names defined elsewhere; returns its syscall count."""
    syscall_count = 0
    for path in source_files(root):
        functions, syscalls = definitions(root, path)
        remaining = set(functions)
        for index in entries_of(path):
            only = MACHINERY[index][3].get("only") if len(MACHINERY[index]) > 3 else None
            taken = {name for name in remaining if only is None or re.match(only, name)}
            machinery[index] |= taken
            remaining -= taken
        if entries_of(path):
            # Syscalls are entry points a user called, never the machinery: left out.
            syscall_count += len(syscalls)
        if remaining and not any(matches(path, entry[0]) for entry in SAME_FUNCTION_ELSEWHERE):
            elsewhere |= remaining
    return syscall_count


def main():
    if len(sys.argv) < 2:
        sys.exit("usage: generate_machinery.py <linux source tree>...")
    roots = sys.argv[1:]
    # Several releases: a name is machinery if it is in any of them (functions are renamed and
    # added across releases: the logs to read come from many kernels), and ambiguous if it is
    # defined outside the machinery in any of them.
    machinery = {index: set() for index in range(len(MACHINERY))}
    elsewhere = set()
    syscall_count = sum(read_tree(root, machinery, elsewhere) for root in roots)
    plumbing = set()
    for index, entry in enumerate(MACHINERY):
        if entry[0] == PLUMBING:
            plumbing |= machinery[index] - elsewhere
    out = sys.stdout
    versions = [kernel_version(root) for root in roots]
    out.write(
        "// Generated by scripts/kernel-tables/generate_machinery.py from the Linux %s sources\n"
        "// (Debian's linux-source packages). Do not edit: change the script's MACHINERY list and re-run\n"
        "// `python3 scripts/kernel-tables/generate_machinery.py <tree>... > %s`.\n\n"
        % (" and ".join(versions), "Sources/KernelLog/Frames/GeneratedMachinery.swift"))
    out.write(
        "/// Functions of the kernel's reporting and infrastructure machinery, by source file: the\n"
        "/// guilty frame of a report is the first frame outside them. Names also defined outside\n"
        "/// these files are left out (a frame carries only the name); a name in both roles is plumbing.\n"
        "enum GeneratedMachinery {\n"
        "    /// The kernel releases the names were read from.\n"
        "    static let kernelReleases = [%s]\n\n"
        "    /// (role, source files, why they are machinery, names separated by spaces).\n"
        "    static let groups: [(role: MachineryRole, files: String, reason: String, names: String)] = [\n"
        % ", ".join(swift_string(version) for version in versions))
    total = 0
    for index, entry in enumerate(MACHINERY):
        names = sorted(machinery[index] - elsewhere)
        if entry[0] == REPORTING:
            names = [name for name in names if name not in plumbing]
        total += len(names)
        out.write("        (\n")
        out.write("            .%s,\n" % entry[0])
        out.write("            %s,\n" % swift_string(" ".join(entry[1])))
        out.write("            %s,\n" % swift_string(entry[2]))
        out.write('            """\n')
        line = ""
        for name in names:
            if line and len(line) + 1 + len(name) > 100:
                out.write("            %s\n" % line)
                line = name
            else:
                line = name if not line else line + " " + name
        if line:
            out.write("            %s\n" % line)
        out.write('            """\n')
        out.write("        ),\n")
    out.write("    ]\n")
    out.write("}\n")
    sys.stderr.write("%d names in %d groups (%d syscalls left out)\n" % (total, len(MACHINERY), syscall_count))


def swift_string(text):
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


if __name__ == "__main__":
    main()
