#!/usr/bin/env python3
"""Writes small seeds for the dump fuzz targets.

A pretend x86-64 kernel's physical memory holding a printk buffer in each of the three layouts
(5.10+ lockless printk_ringbuffer, 3.5-5.9 printk_log, pre-3.5 character ring), written bare
(FuzzPrintkRing: page 0 holds the VMCOREINFO text) or wrapped in an ELF core (FuzzELFDump), a
kdump-compressed file (FuzzKdump) or makedumpfile's flattened stream (FuzzFlattened); and the
VMCOREINFO text alone (FuzzVmcoreinfo). kdump seeds come with zlib pages and, where the
libraries are installed (scripts/setup.sh), with LZO, snappy and zstd pages compressed by the
same C libraries makedumpfile uses, called through ctypes. The layouts
follow Tests/KtriageTestSupport/SyntheticKernel+Printk.swift, but every seed stays far below
run.sh's -max_len of 64 KiB, so that each mutation is cheap to run.

arm64 dumps (SyntheticKernel+ARM64.swift's layout): QEMU's ELF (p_vaddr == p_paddr), QEMU's
kdump-zlib flattened stream with 64 KiB blocks over 4K, 16K and 64K pages (only the records a
reader needs, as the blocks are mostly zeros), and makedumpfile's 4 KiB kdump; each with the arm64
VMCOREINFO keys, swapper_pg_dir, two CPUs' NT_PRSTATUS and frame records to unwind. Log seeds
(FuzzLogReader, FuzzCrashParser): node events and arm64 oopses as 6.1 prints them.

Dumps whose kallsyms, BTF, task list, stacks and ORC tables or frame records are valid (for the
facts, the task walk and the unwinders) are written by the Swift tests instead, from the same
test-support writers, into fixtures/vmcore/seeds/ (see seeds.sh).

usage: make-seeds.py TARGET OUTPUT_DIR
"""
import ctypes
import struct
import sys
import zlib

PAGE = 4096
KERNEL_MAP = 0xFFFFFFFF80000000
DIRECT_MAP = 0xFFFF888000000000
LOWMEM_32 = 0xC0000000


class Memory:
    """Physical RAM from address 0 with 4-level page tables and the VMCOREINFO lines."""

    def __init__(self, pages, word=8, direct=True):
        self.ram = bytearray(pages * PAGE)
        self.word = word
        self.direct = direct
        self.next = PAGE  # page 0 is the VMCOREINFO page
        self.info = [
            "OSRELEASE=6.1.0-fuzz",
            "BUILD-ID=0123456789abcdef0123456789abcdef01234567",
            "PAGESIZE=4096",
        ]
        if word == 4:
            self.info.append("WORDSIZE=4")  # FuzzPrintkRing's switch to 32-bit longs and pointers
        if direct:
            self.top = self.alloc(PAGE, PAGE)
            base = LOWMEM_32 if word == 4 else DIRECT_MAP
            for pa in range(0, len(self.ram), PAGE):
                self.map(base + pa, pa)
            self.info += [
                "SYMBOL(init_top_pgt)=%x" % (KERNEL_MAP + self.top),
                "NUMBER(pgtable_l5_enabled)=0",
                "NUMBER(phys_base)=0",
                "NUMBER(KERNEL_IMAGE_SIZE)=1073741824",
                "NUMBER(sme_mask)=0",
            ]

    def alloc(self, size, align=64):
        at = (self.next + align - 1) // align * align
        self.next = at + max(size, 1)
        assert self.next <= len(self.ram), "out of pretend RAM"
        return at

    def put(self, at, data):
        self.ram[at : at + len(data)] = data

    def u(self, at, value, size):
        self.put(at, (value & ((1 << (8 * size)) - 1)).to_bytes(size, "little"))

    def u64(self, at):
        return int.from_bytes(self.ram[at : at + 8], "little")

    def ptr(self, at, value):
        self.u(at, value, self.word)

    def map(self, va, pa):
        table = self.top
        for shift in (39, 30, 21):
            slot = table + ((va >> shift) & 511) * 8
            entry = self.u64(slot)
            if not entry & 1:
                entry = self.alloc(PAGE, PAGE) | 0x63
                self.u(slot, entry, 8)
            table = entry & 0x000FFFFFFFFFF000
        self.u(table + ((va >> 12) & 511) * 8, pa | 0x63, 8)

    def symbol(self, pa):
        """Address for a VMCOREINFO SYMBOL(): the kernel image map (32-bit: lowmem)."""
        return LOWMEM_32 + pa if self.word == 4 else KERNEL_MAP + pa

    def pointer(self, pa):
        """A pointer value stored in memory: direct map when page tables exist."""
        if self.word == 4:
            return LOWMEM_32 + pa
        return DIRECT_MAP + pa if self.direct else KERNEL_MAP + pa

    def text(self):
        return ("\n".join(self.info) + "\n").encode()

    def finish(self):
        text = self.text()
        assert len(text) < PAGE
        self.put(0, text)
        return bytes(self.ram)


def lockless(mem, entries, count_bits=4, size_bits=9, first_id=0, first_lpos=0):
    """5.10+ printk_ringbuffer (6.1 layout). entries: (nanoseconds, text, dataless)."""
    w = mem.word
    count, size = 1 << count_bits, 1 << size_bits
    desc_ring_size = 48 if w == 8 else 24
    ring_size = desc_ring_size + 5 * w
    desc_size = 3 * w
    ring = mem.alloc(ring_size)
    descs = mem.alloc(count * desc_size)
    infos = mem.alloc(count * 88)
    data = mem.alloc(size)
    pointer = mem.alloc(8)
    id_mask = (1 << 62) - 1 if w == 8 else (1 << 30) - 1
    state_shift = w * 8 - 2
    ident, lpos, last = first_id & id_mask, first_lpos, first_id & id_mask
    for sequence, (ns, text, dataless) in enumerate(entries):
        text = text.encode()
        slot = ident % count
        desc, info = descs + slot * desc_size, infos + slot * 88
        mem.ptr(desc, (2 << state_shift) | ident)  # finalized
        if dataless:
            mem.ptr(desc + w, 1)
            mem.ptr(desc + 2 * w, 1)
        else:
            block = (w + len(text) + w - 1) & ~(w - 1)
            begin = lpos
            if begin % size + block >= size:  # wraps: the data goes to offset 0
                nxt = (begin // size + 1) * size + block
                mem.ptr(data, ident)
                mem.put(data + w, text)
            else:
                nxt = begin + block
                mem.ptr(data + begin % size, ident)
                mem.put(data + begin % size + w, text)
            mem.ptr(desc + w, begin)
            mem.ptr(desc + 2 * w, nxt)
            lpos = nxt
        mem.u(info, sequence, 8)
        mem.u(info + 8, ns, 8)
        mem.u(info + 16, len(text), 2)
        mem.u(info + 20, 0x80000000 if sequence % 3 == 0 else sequence + 1, 4)
        last = ident
        ident = (ident + 1) & id_mask
    mem.u(ring, count_bits, 4)
    mem.ptr(ring + w, mem.pointer(descs))
    mem.ptr(ring + 2 * w, mem.pointer(infos))
    mem.ptr(ring + 3 * w, last)
    mem.ptr(ring + 4 * w, first_id & id_mask)
    text_ring = ring + desc_ring_size
    mem.u(text_ring, size_bits, 4)
    mem.ptr(text_ring + w, mem.pointer(data))
    mem.ptr(text_ring + 2 * w, lpos)
    mem.ptr(text_ring + 3 * w, first_lpos)
    mem.ptr(pointer, mem.pointer(ring))
    mem.info += [
        "SYMBOL(prb)=%x" % mem.symbol(pointer),
        "SIZE(printk_ringbuffer)=%d" % ring_size,
        "OFFSET(printk_ringbuffer.desc_ring)=0",
        "OFFSET(printk_ringbuffer.text_data_ring)=%d" % desc_ring_size,
        "OFFSET(printk_ringbuffer.fail)=%d" % (desc_ring_size + 4 * w),
        "SIZE(prb_desc_ring)=%d" % desc_ring_size,
        "OFFSET(prb_desc_ring.count_bits)=0",
        "OFFSET(prb_desc_ring.descs)=%d" % w,
        "OFFSET(prb_desc_ring.infos)=%d" % (2 * w),
        "OFFSET(prb_desc_ring.head_id)=%d" % (3 * w),
        "OFFSET(prb_desc_ring.tail_id)=%d" % (4 * w),
        "SIZE(prb_desc)=%d" % desc_size,
        "OFFSET(prb_desc.state_var)=0",
        "OFFSET(prb_desc.text_blk_lpos)=%d" % w,
        "SIZE(prb_data_blk_lpos)=%d" % (2 * w),
        "OFFSET(prb_data_blk_lpos.begin)=0",
        "OFFSET(prb_data_blk_lpos.next)=%d" % w,
        "SIZE(printk_info)=88",
        "OFFSET(printk_info.seq)=0",
        "OFFSET(printk_info.ts_nsec)=8",
        "OFFSET(printk_info.text_len)=16",
        "OFFSET(printk_info.caller_id)=20",
        "OFFSET(printk_info.dev_info)=24",
        "SIZE(prb_data_ring)=%d" % (4 * w),
        "OFFSET(prb_data_ring.size_bits)=0",
        "OFFSET(prb_data_ring.data)=%d" % w,
        "OFFSET(prb_data_ring.head_lpos)=%d" % (2 * w),
        "OFFSET(prb_data_ring.tail_lpos)=%d" % (3 * w),
        "SIZE(atomic_long_t)=%d" % w,
        "OFFSET(atomic_long_t.counter)=0",
    ]


def structured(mem, entries, buffer_size=512, first_index=0, caller=True, legacy=False):
    """3.5-5.9 printk_log records, wrapping with a len == 0 marker."""
    header = 20 if caller else 16
    buffer = mem.alloc(buffer_size)
    index = first_index
    for ns, text, _ in entries:
        text = text.encode()
        length = (header + len(text) + 3) & ~3
        if index + length + header > buffer_size:
            mem.u(buffer + index + 8, 0, 2)
            index = 0
        at = buffer + index
        mem.u(at, ns, 8)
        mem.u(at + 8, length, 2)
        mem.u(at + 10, len(text), 2)
        mem.u(at + 15, 6 << 5, 1)
        if caller:
            mem.u(at + 16, 0x80000001, 4)
        mem.put(at + header, text)
        index += length
    pointer = mem.alloc(8)
    variables = mem.alloc(16)
    mem.ptr(pointer, mem.pointer(buffer))
    mem.u(variables, buffer_size, 4)
    mem.u(variables + 4, first_index, 4)
    mem.u(variables + 8, index, 4)
    name = "log" if legacy else "printk_log"
    mem.info += [
        "SYMBOL(log_buf)=%x" % mem.symbol(pointer),
        "SYMBOL(log_buf_len)=%x" % mem.symbol(variables),
        "SYMBOL(log_first_idx)=%x" % mem.symbol(variables + 4),
        "SYMBOL(log_next_idx)=%x" % mem.symbol(variables + 8),
        "SIZE(%s)=%d" % (name, header),
        "OFFSET(%s.ts_nsec)=0" % name,
        "OFFSET(%s.len)=8" % name,
        "OFFSET(%s.text_len)=10" % name,
        "OFFSET(%s.dict_len)=12" % name,
    ]
    if caller:
        mem.info.append("OFFSET(%s.caller_id)=16" % name)


def characters(mem, text, buffer_size=256):
    """Pre-3.5 character ring, written one lap in so that log_end exceeds the size."""
    data = text.encode()
    buffer = mem.alloc(buffer_size)
    start = buffer_size + 17
    for offset, byte in enumerate(data):
        mem.ram[buffer + (start + offset) % buffer_size] = byte
    pointer = mem.alloc(8)
    variables = mem.alloc(16)
    mem.ptr(pointer, mem.pointer(buffer))
    mem.u(variables, buffer_size, 4)
    mem.u(variables + 4, start + len(data), 4)
    mem.u(variables + 8, min(len(data), buffer_size), 4)
    mem.info += [
        "SYMBOL(log_buf)=%x" % mem.symbol(pointer),
        "SYMBOL(log_buf_len)=%x" % mem.symbol(variables),
        "SYMBOL(log_end)=%x" % mem.symbol(variables + 4),
        "SYMBOL(logged_chars)=%x" % mem.symbol(variables + 8),
    ]


RECORDS = [
    (1_000_000, "Linux version 6.1.0-fuzz (fuzz@example) #1 SMP", False),
    (2_000_000, "BUG: kernel NULL pointer dereference, address: 0000000000000008", False),
    (3_000_000, "", True),
    (4_000_000, "CPU: 0 PID: 1 Comm: init Not tainted 6.1.0-fuzz #1", False),
    (5_000_000, "Call Trace:\n <TASK>", False),
    (6_000_000, " do_one_initcall+0x41/0x200", False),
    (7_000_000, "Kernel panic - not syncing: Fatal exception", False),
]
CHAR_LOG = "<4>[    0.000000] early\n<6>[    1.000000] BUG: soft lockup\n<0>[    2.000000] Kernel panic\n"


def memories():
    """(name, Memory) for every layout variant."""
    mem = Memory(7)
    lockless(mem, RECORDS, first_lpos=480)  # the third text block wraps to offset 0
    yield "lockless-direct", mem
    mem = Memory(3, direct=False)
    lockless(mem, RECORDS, count_bits=3, first_id=(1 << 62) - 3)  # ids wrap the 62-bit mask
    yield "lockless-image", mem
    mem = Memory(7, word=4)
    lockless(mem, RECORDS)
    yield "lockless-32", mem
    mem = Memory(7)
    structured(mem, RECORDS, buffer_size=512, first_index=320)
    yield "printk-log", mem
    mem = Memory(3, direct=False)
    structured(mem, RECORDS, caller=False, legacy=True)
    yield "log-legacy", mem
    mem = Memory(7)
    characters(mem, CHAR_LOG, buffer_size=128)
    yield "chars", mem


def note(name, kind, desc, align=4):
    def pad(data):
        return data + b"\0" * (-len(data) % align)

    name = name.encode() + b"\0"
    return pad(struct.pack("<III", len(name), len(desc), kind) + name) + pad(desc)


def notes(mem):
    if mem.word == 4:
        prstatus = bytearray(144)
        struct.pack_into("<i", prstatus, 24, 1)
        struct.pack_into("<I", prstatus, 72 + 12 * 4, 0xC1000000)  # eip
    else:
        prstatus = bytearray(336)
        struct.pack_into("<i", prstatus, 32, 1)
        struct.pack_into("<QQ", prstatus, 112 + 16 * 8, 0xFFFFFFFF81000000, 0x10)  # rip, cs
    return note("CORE", 1, bytes(prstatus)) + note("VMCOREINFO", 0, mem.text())


def elf(mem, virtual):
    ram = mem.finish()
    blob = notes(mem)
    if mem.word == 4:
        loads = [(0, LOWMEM_32)]
        phoff, phsize = 52, 32
    else:
        loads = [(0, DIRECT_MAP), (0, KERNEL_MAP)] if virtual else [(0, 0)]
        phoff, phsize = 64, 56
    phnum = len(loads) + 1
    note_offset = phoff + phnum * phsize
    data_offset = (note_offset + len(blob) + 15) // 16 * 16
    if mem.word == 4:
        out = struct.pack("<16sHHIIIIIHHHHHH", b"\x7fELF\x01\x01\x01", 4, 3, 1, 0, phoff, 0, 0, 52, 32, phnum, 0, 0, 0)
        out += struct.pack("<IIIIIIII", 4, note_offset, 0, 0, len(blob), len(blob), 0, 4)
        for paddr, vaddr in loads:
            out += struct.pack("<IIIIIIII", 1, data_offset, vaddr, paddr, len(ram), len(ram), 7, PAGE)
    else:
        out = struct.pack("<16sHHIQQQIHHHHHH", b"\x7fELF\x02\x01\x01", 4, 62, 1, 0, phoff, 0, 0, 64, 56, phnum, 0, 0, 0)
        out += struct.pack("<IIQQQQQQ", 4, 0, note_offset, 0, 0, len(blob), len(blob), 4)
        for paddr, vaddr in loads:
            out += struct.pack("<IIQQQQQQ", 1, 7, data_offset, vaddr, paddr, len(ram), len(ram), PAGE)
    out += blob
    return out + b"\0" * (data_offset - len(out)) + ram



# arm64 (Tests/KtriageTestSupport/SyntheticKernel+ARM64.swift; kernel arch/arm64/include/asm/memory.h,
# arch/arm64/kernel/crash_core.c): RAM from ram_start, the image map at kimage_voffset, the linear
# map at PAGE_OFFSET = -2^VA_BITS from PHYS_OFFSET (memstart_addr, "negative" under KASLR), and
# swapper_pg_dir in the granule of PAGESIZE with 2-4 levels.
MASK64 = (1 << 64) - 1


class ARM64Memory(Memory):
    """An arm64 kernel's RAM from ram_start: the image and the RAM mapped page by page in
    swapper_pg_dir at their image addresses, a task stack in the vmalloc area (page descriptors)
    and, with 4K pages, a 2 MiB block mapping over the start of RAM."""

    def __init__(self, pages, page=PAGE, va_bits=48, ram_start=0x40000000, phys_offset=None, kaslr=0, pac=0,
                 physmem_bits=None):
        self.page, self.va_bits, self.ram_start = page, va_bits, ram_start
        self.ram = bytearray(pages * page)
        self.word, self.direct = 8, True
        self.next = ram_start
        self.shift = page.bit_length() - 1
        self.levels = (va_bits - self.shift + self.shift - 4) // (self.shift - 3)
        self.page_offset = (-(1 << va_bits)) & MASK64
        image_base = (-(1 << (min(va_bits, 48) - 1)) + 0x8000000) & MASK64
        self.voffset = (image_base + kaslr - ram_start) & MASK64
        self.phys_offset = ram_start if phys_offset is None else phys_offset
        self.vmalloc = (image_base + 0x40000000 + kaslr) & MASK64
        self.pac = pac
        self.top = self.alloc(page, page)
        for pa in range(ram_start, ram_start + len(self.ram), page):
            self.map(self.symbol(pa), pa)
        self.info = [
            "OSRELEASE=6.1.0-fuzz-arm64",
            "BUILD-ID=0123456789abcdef0123456789abcdef01234567",
            "PAGESIZE=%d" % page,
            "SYMBOL(swapper_pg_dir)=%x" % self.symbol(self.top),
            "SYMBOL(_stext)=%x" % self.symbol(ram_start + 0x10000),
            "NUMBER(VA_BITS)=%d" % va_bits,
            "NUMBER(kimage_voffset)=0x%x" % self.voffset,
            "NUMBER(PHYS_OFFSET)=0x%x" % (self.phys_offset & MASK64),
            "NUMBER(TCR_EL1_T1SZ)=0x%x" % (64 - va_bits),
            "KERNELOFFSET=%x" % kaslr,
            "NUMBER(KERNELPACMASK)=0x%x" % pac,
        ]
        if physmem_bits:
            self.info.append("NUMBER(MAX_PHYSMEM_BITS)=%d" % physmem_bits)

    def alloc(self, size, align=64):
        at = (self.next + align - 1) // align * align
        self.next = at + max(size, 1)
        assert self.next <= self.ram_start + len(self.ram), "out of pretend RAM"
        return at

    def put(self, at, data):
        at -= self.ram_start
        self.ram[at : at + len(data)] = data

    def u64(self, at):
        return int.from_bytes(self.ram[at - self.ram_start : at - self.ram_start + 8], "little")

    def map(self, va, pa, block_level=None):
        """One descriptor chain: tables (0b11) down to a page (0b11, access flag bit 10) or a
        block (0b01) at block_level."""
        bits = self.shift - 3
        out_mask = 0x0000FFFFFFFFFFFF & ~(self.page - 1)
        table = self.top
        for level in range(self.levels):
            shift = self.shift + (self.levels - 1 - level) * bits
            index_bits = self.va_bits - shift if level == 0 else bits
            slot = table + ((va >> shift) & ((1 << index_bits) - 1)) * 8
            if level == self.levels - 1:
                self.u(slot, pa | 0x403, 8)
                return
            if level == block_level:
                self.u(slot, pa | 0x401, 8)
                return
            entry = self.u64(slot)
            if not entry & 1:
                entry = self.alloc(self.page, self.page) | 0x3
                self.u(slot, entry, 8)
            table = entry & out_mask

    def symbol(self, pa):
        """The image map: va = pa + kimage_voffset."""
        return (pa + self.voffset) & MASK64

    def pointer(self, pa):
        """The linear map: va = pa - PHYS_OFFSET + PAGE_OFFSET."""
        return (pa - self.phys_offset + self.page_offset) & MASK64

    def sign(self, pointer):
        """A return address with a pointer-authentication code in the KERNELPACMASK bits
        (GENMASK(63, VA_BITS)) except bit 55, which selects the translation table."""
        code_bits = self.pac & ~(1 << 55)
        return (pointer & ~code_bits | (0x6A05 << 48) & code_bits) & MASK64

    def finish(self):
        return bytes(self.ram)


def arm64_registers(pc, sp, lr, fp, pstate=0x60400005):
    regs = [(i * 0x1111) & MASK64 for i in range(34)]
    regs[29], regs[30], regs[31], regs[32], regs[33] = fp, lr, sp, pc, pstate
    return regs


def arm64_stacks(mem):
    """Frame records for the arm64 unwinder: CPU 0 on its IRQ stack (linear map) whose records
    lead to the task stack in the vmalloc area (page-mapped) and end at a zero record; CPU 1's
    x29 points into a 2 MiB block mapping (4K pages) or the linear map, and it came from EL0
    at the end. Returns (pid, registers) per CPU."""
    text = mem.symbol(mem.ram_start + 0x10000)
    irq = mem.alloc(256, 16)
    task = mem.alloc(mem.page, mem.page)
    mem.map(mem.vmalloc, task)
    task_va = mem.vmalloc
    irq_va = mem.pointer(irq)
    mem.u(irq, task_va + 0x100, 8)
    mem.u(irq + 8, mem.sign(text + 0x1A4), 8)
    mem.u(task + 0x100, task_va + 0x180, 8)
    mem.u(task + 0x108, mem.sign(text + 0x2C8), 8)
    mem.u(task + 0x180, task_va + 0x200, 8)
    mem.u(task + 0x188, text + 0x3F0, 8)
    # task + 0x200: the final zero record.
    other = mem.alloc(64, 16)
    mem.u(other, 0, 8)
    mem.u(other + 8, mem.sign(text + 0x510), 8)
    if mem.page == PAGE:
        block = (mem.vmalloc + 0x400000) & ~0x1FFFFF
        mem.map(block, mem.ram_start, block_level=mem.levels - 2)
        other_va = block + other - mem.ram_start
    else:
        other_va = mem.pointer(other)
    return [
        (1, arm64_registers(text + 0x80, irq_va, mem.sign(text + 0x1A4), irq_va)),
        (2, arm64_registers(text + 0x600, other_va, 0xFFFF000012345678, other_va, pstate=0x80000005)),
    ]


def arm64_memory(pages, **layout):
    mem = ARM64Memory(pages, **layout)
    uts = mem.alloc(6 * 65)
    for index, field in enumerate(["Linux", "arm", "6.1.0-fuzz-arm64", "#1 SMP PREEMPT", "aarch64", "(none)"]):
        mem.put(uts + index * 65, field.encode())
    mem.info += ["SYMBOL(init_uts_ns)=%x" % mem.symbol(uts), "OFFSET(uts_namespace.name)=0"]
    cpus = arm64_stacks(mem)
    lockless(mem, ARM64_RECORDS, first_lpos=480)
    return mem, cpus


def arm64_notes(mem, cpus):
    blob = b""
    for pid, regs in cpus:
        prstatus = bytearray(392)
        struct.pack_into("<i", prstatus, 32, pid)
        struct.pack_into("<34Q", prstatus, 112, *regs)
        blob += note("CORE", 1, bytes(prstatus))
    return blob + note("VMCOREINFO", 0, mem.text())


def arm64_elf(mem, cpus):
    """QEMU dump-guest-memory paging=false: p_vaddr == p_paddr (physical addresses only)."""
    ram, blob = mem.finish(), arm64_notes(mem, cpus)
    phoff, phnum = 64, 2
    note_offset = phoff + phnum * 56
    data_offset = (note_offset + len(blob) + 15) // 16 * 16
    out = struct.pack("<16sHHIQQQIHHHHHH", b"\x7fELF\x02\x01\x01", 4, 183, 1, 0, phoff, 0, 0, 64, 56, phnum, 0, 0, 0)
    out += struct.pack("<IIQQQQQQ", 4, 0, note_offset, 0, 0, len(blob), len(blob), 0)
    out += struct.pack("<IIQQQQQQ", 1, 7, data_offset, mem.ram_start, mem.ram_start, len(ram), len(ram), 0)
    out += blob
    return out + b"\0" * (data_offset - len(out)) + ram


def arm64_kdump(mem, cpus, block, machine, header_phys_base, dump_level=1):
    """kdump-compressed over an arm64 RAM (pfns count blocks from physical 0; QEMU writes 64 KiB
    blocks whatever the kernel's page size). Returns the image and the byte ranges a reader
    needs (for a sparse flattened stream: the rest of the 64 KiB blocks is zeros)."""
    ram = mem.finish()
    blob, info = arm64_notes(mem, cpus), mem.text()
    first = mem.ram_start // block
    pages = first + len(ram) // block
    sub_blocks = (104 + len(info) + len(blob) + block - 1) // block
    half = ((pages + 7) // 8 + block - 1) // block * block
    bitmap = (1 + sub_blocks) * block
    desc_start = bitmap + 2 * half
    uts = b"".join(f.encode().ljust(65, b"\0") for f in ["", "", "", "", machine, ""])
    header = b"KDUMP   " + struct.pack("<i", 6) + uts + b"\0" * 6
    header += struct.pack("<qqiiiIIIIIIi", 1_700_000_000, 0, 1, block, sub_blocks, 2 * half // block, pages, 0, 0,
                          0, 0, len(cpus))
    image = bytearray(desc_start)
    image[: len(header)] = header
    info_at = block + 104
    note_at = info_at + len(info)
    sub = struct.pack("<QiiQQQQQQQQQQQ", header_phys_base & MASK64, dump_level, 0, 0, pages, info_at, len(info),
                      note_at, len(blob), 0, 0, 0, pages, pages)
    image[block : block + len(sub)] = sub
    image[info_at : info_at + len(info)] = info
    image[note_at : note_at + len(blob)] = blob
    dumped = []
    for pfn in range(first, pages):
        image[bitmap + pfn // 8] |= 1 << (pfn % 8)
        data = ram[(pfn - first) * block : (pfn - first + 1) * block]
        if dump_level == 1 or any(data):
            image[bitmap + half + pfn // 8] |= 1 << (pfn % 8)
            dumped.append(pfn)
    data_start = desc_start + 24 * len(dumped)
    descriptors, data = b"", b""
    for index, pfn in enumerate(dumped):
        page = ram[(pfn - first) * block : (pfn - first + 1) * block]
        packed, flags = zlib.compress(page), 1
        if len(packed) >= block or (block == PAGE and index % 3 == 2):
            packed, flags = page, 0
        descriptors += struct.pack("<qIIQ", data_start + len(data), len(packed), flags, 0)
        data += packed
    used = (pages + 7) // 8
    needed = [(0, 512), (block, note_at + len(blob)), (bitmap, bitmap + used), (bitmap + half, bitmap + half + used),
              (desc_start, data_start + len(data))]
    return bytes(image) + descriptors + data, needed


def flatten_sparse(image, needed, chunk=16384):
    """makedumpfile's flattened stream holding only the ranges a reader needs, header last."""
    out = b"makedumpfile".ljust(16, b"\0") + struct.pack(">qq", 1, 1)
    out = out.ljust(PAGE, b"\0")
    records = []
    for start, end in needed:
        records += [(at, image[at : min(at + chunk, end)]) for at in range(start, end, chunk)]
    records = records[1:] + records[:1]
    for start, data in records:
        out += struct.pack(">qq", start, len(data)) + data
    return out + struct.pack(">qq", -1, -1)


KASLR = dict(phys_offset=(-0x1FAF40000000) & MASK64, kaslr=0x56C413E00000, pac=0xFFFF000000000000)


def arm64_seeds(target):
    """arm64 dumps as QEMU (ELF with p_vaddr == p_paddr; kdump-zlib flattened with 64 KiB blocks
    over 4K, 16K and 64K pages) and makedumpfile (4 KiB blocks, RAM at 0) write them."""
    if target in ("FuzzELFDump", "FuzzVmcoreinfo"):
        mem, cpus = arm64_memory(11, **KASLR)
        yield ("arm64-qemu.elf", arm64_elf(mem, cpus)) if target == "FuzzELFDump" else ("arm64.txt", mem.text())
        mem, cpus = arm64_memory(10, va_bits=39)
        yield ("arm64-39bit.elf", arm64_elf(mem, cpus)) if target == "FuzzELFDump" else ("arm64-39.txt", mem.text())
    elif target == "FuzzKdump":
        mem, cpus = arm64_memory(12, ram_start=0, kaslr=0x2C0000000)
        image, _ = arm64_kdump(mem, cpus, PAGE, "aarch64", 0, dump_level=31)
        yield "arm64-makedumpfile.kdump", image
    elif target == "FuzzFlattened":
        layouts = [
            ("4k", dict(pages=16, **KASLR)),
            ("16k", dict(pages=10, page=16384, va_bits=47)),
            ("64k", dict(pages=8, page=65536, va_bits=52, physmem_bits=52, pac=0xFFF0000000000000)),
        ]
        for name, layout in layouts:
            mem, cpus = arm64_memory(layout.pop("pages"), **layout)
            image, needed = arm64_kdump(mem, cpus, 65536, "Unknown", mem.phys_offset)
            yield "arm64-qemu-%s.flat" % name, flatten_sparse(image, needed)


ARM64_RECORDS = [
    (1_000_000, "Booting Linux on physical CPU 0x0000000000 [0x410fd083]", False),
    (2_000_000, "Unable to handle kernel NULL pointer dereference at virtual address 0000000000000008", False),
    (3_000_000, "Internal error: Oops: 0000000096000005 [#1] PREEMPT SMP", False),
    (4_000_000, "CPU: 0 PID: 1 Comm: init Not tainted 6.1.0-fuzz-arm64 #1", False),
    (5_000_000, "pc : do_one_initcall+0x50/0x2b0", False),
    (6_000_000, "", True),
    (7_000_000, "Call trace:\n do_one_initcall+0x50/0x2b0\n kernel_init_freeable+0x24c/0x2b4", False),
    (8_000_000, "Kernel panic - not syncing: Oops: Fatal exception", False),
]



# Logs for the log targets: node events (OOM kills, EXT4 errors, EDAC, I/O errors) around an
# arm64 oops, as 6.1 prints them (arch/arm64/mm/fault.c, arch/arm64/kernel/traps.c and process.c
# show_regs, mm/oom_kill.c, fs/ext4/super.c, drivers/edac/edac_mc.c, block/blk-core.c).
ARM64_OOPS = """Unable to handle kernel paging request at virtual address ffff80000a5b3000
Mem abort info:
  ESR = 0x0000000096000047
  EC = 0x25: DABT (current EL), IL = 32 bits
  SET = 0, FnV = 0
  EA = 0, S1PTW = 0
  FSC = 0x07: level 3 translation fault
Data abort info:
  ISV = 0, ISS = 0x00000047
  CM = 0, WnR = 1
swapper pgtable: 4k pages, 48-bit VAs, pgdp=0000000041b2f000
[ffff80000a5b3000] pgd=10000000bffff003, p4d=10000000bffff003, pud=10000000bfffe003, pmd=1000000041c4e003, pte=0000000000000000
Internal error: Oops: 0000000096000047 [#1] PREEMPT SMP
Modules linked in: nvme nvme_core virtio_net net_failover failover
CPU: 1 PID: 214 Comm: kworker/1:2 Tainted: G        W          6.1.0-13-arm64 #1  Debian 6.1.55-1
Hardware name: QEMU KVM Virtual Machine, BIOS 0.0.0 02/06/2015
Workqueue: events nvme_reset_work [nvme]
pstate: 60400005 (nZCv daif +PAN -UAO -TCO -DIT -SSBS BTYPE=--)
pc : nvme_setup_io_queues+0x1a4/0x3d0 [nvme]
lr : nvme_reset_work+0x2c8/0x5b0 [nvme]
sp : ffff80000a5b3c90
x29: ffff80000a5b3c90 x28: 0000000000000000 x27: ffff00000290c0d0
x26: 0000000000000000 x25: ffff000002a1b000 x24: 0000000000000001
x2 : 0000000000000000 x1 : 0000000000000001 x0 : ffff80000a5b3000
Call trace:
 nvme_setup_io_queues+0x1a4/0x3d0 [nvme]
 nvme_reset_work+0x2c8/0x5b0 [nvme]
 process_one_work+0x1f4/0x460
 worker_thread+0x188/0x4e0
 kthread+0xe0/0xe4
 ret_from_fork+0x10/0x20
Code: f9400a61 b9402a62 8b020021 d503201f (b9000020)
---[ end trace 0000000000000000 ]---"""

ARM64_BUG = """kernel BUG at mm/slub.c:4354!
Internal error: Oops - BUG: 00000000f2000800 [#2] PREEMPT SMP
Modules linked in: ext4 mbcache jbd2
CPU: 3 PID: 877 Comm: kswapd0 Tainted: G      D W          6.1.0-13-arm64 #1  Debian 6.1.55-1
Hardware name: Raspberry Pi 4 Model B Rev 1.4 (DT)
pstate: 20400009 (nzCv daif +PAN -UAO -TCO -DIT -SSBS BTYPE=--)
pc : kfree+0x2f0/0x300
lr : ext4_es_free_extent+0x28/0x40 [ext4]
sp : ffff80000b2dbb40
Call trace:
 kfree+0x2f0/0x300
 ext4_es_free_extent+0x28/0x40 [ext4]
 __es_shrink+0x1d8/0x2f0 [ext4]
 do_shrink_slab+0x1a0/0x3b0
 kswapd+0x2c4/0x8d0
 kthread+0xe0/0xe4
 ret_from_fork+0x10/0x20
Code: d65f03c0 f9400a61 17ffffc4 d4210000 (d4210000)
---[ end trace 0000000000000000 ]---
SError Interrupt on CPU3, code 0x00000000bf000002 -- SError
Kernel panic - not syncing: Asynchronous SError Interrupt
SMP: stopping secondary CPUs
Kernel Offset: 0x56c413e00000 from 0xffff800008000000
PHYS_OFFSET: 0xffffe050c0000000
CPU features: 0x00000,01a00100,0000421b
Memory Limit: none
---[ end Kernel panic - not syncing: Asynchronous SError Interrupt ]---"""

NODE_EVENTS = """stress-ng invoked oom-killer: gfp_mask=0x140cca(GFP_HIGHUSER_MOVABLE|__GFP_COMP), order=0, oom_score_adj=0
CPU: 2 PID: 1234 Comm: stress-ng Not tainted 6.1.0-13-arm64 #1  Debian 6.1.55-1
Hardware name: QEMU KVM Virtual Machine, BIOS 0.0.0 02/06/2015
Call trace:
 dump_backtrace+0xe4/0x140
 show_stack+0x20/0x30
 dump_stack_lvl+0x64/0x80
 dump_header+0x4c/0x200
 oom_kill_process+0x240/0x250
 out_of_memory+0xe8/0x370
 __alloc_pages_slowpath.constprop.0+0x7c8/0xa70
Mem-Info:
active_anon:486400 inactive_anon:12 isolated_anon:0
[  pid  ]   uid  tgid total_vm      rss pgtables_bytes swapents oom_score_adj name
[   1234]  1000  1234   525715   486400  3944448        0             0 stress-ng
oom-kill:constraint=CONSTRAINT_NONE,nodemask=(null),cpuset=/,mems_allowed=0,global_oom,task_memcg=/user.slice/user-1000.slice/session-2.scope,task=stress-ng,pid=1234,uid=1000
Out of memory: Killed process 1234 (stress-ng) total-vm:2102860kB, anon-rss:1945600kB, file-rss:4kB, shmem-rss:0kB, UID:1000 pgtables:3852kB oom_score_adj:0
Memory cgroup out of memory: Killed process 2222 (java) total-vm:8102860kB, anon-rss:1048576kB, file-rss:0kB, shmem-rss:0kB, UID:0 pgtables:2100kB oom_score_adj:0
EXT4-fs error (device vda1): ext4_find_entry:1658: inode #2: comm systemd: reading directory lblock 0
EXT4-fs (vda1): Remounting filesystem read-only
EXT4-fs error (device dm-0) in ext4_reserve_inode_write:5741: Journal has aborted
EDAC MC0: 1 CE memory read error on mc#0csrow#0channel#1 (csrow:0 channel:1 page:0x48d1 offset:0x0 grain:8 syndrome:0x0)
EDAC MC0: 1 UE memory scrubbing error on unknown memory (page:0x0 offset:0x0 grain:1 - APEI location: node:0 card:0 module:1)
I/O error, dev vda, sector 2048 op 0x1:(WRITE) flags 0x800 phys_seg 1 prio class 2
blk_update_request: I/O error, dev sdb, sector 40960 op 0x0:(READ) flags 0x80700 phys_seg 1 prio class 0
Buffer I/O error on dev vda1, logical block 0, lost async page write"""


def log_lines():
    """(name, lines) of each log seed."""
    yield "arm64-oops", ARM64_OOPS.split("\n")
    yield "node-events-arm64", NODE_EVENTS.split("\n") + ARM64_OOPS.split("\n") + ARM64_BUG.split("\n")
    yield "node-events-only", NODE_EVENTS.split("\n")


def log_seeds(target):
    """dmesg with caller ids, syslog, and the crash parser's flags byte + bare lines."""
    for name, lines in log_lines():
        if target == "FuzzCrashParser":
            yield name + ".lines", b"\x08" + ("\n".join(lines) + "\n").encode()
        elif target == "FuzzLogReader":
            stamped = ["[%5d.%06d] [T%d] %s" % (100 + i // 8, i * 1237 % 1000000, 214 + i % 3, line)
                       for i, line in enumerate(lines)]
            # The first byte is FuzzLogReader's mode: 0x04 auto-detection through the front door,
            # 0x3f syslog through the front door in 8-byte chunks.
            yield name + ".dmesg", b"\x04\n" + ("\n".join(stamped) + "\n").encode()
            syslog = ["Dec  5 00:%02d:%02d node7 kernel: [%5d.%06d] %s" % (i // 60, i % 60, 100 + i, i, line)
                      for i, line in enumerate(lines)]
            yield name + ".syslog", b"\x3f\n" + ("\n".join(syslog) + "\n").encode()


def load(library):
    try:
        return ctypes.CDLL(library)
    except OSError:
        print("make-seeds.py: %s not found, no seeds of its codec" % library, file=sys.stderr)
        return None


LZO, SNAPPY, ZSTD = load("liblzo2.so.2"), load("libsnappy.so.1"), load("libzstd.so.1")


def compress_lzo(page):
    # lzo_init() is a macro that only checks the ABI; lzo1x_1_compress works without it.
    out = ctypes.create_string_buffer(len(page) + len(page) // 16 + 64 + 3)
    size = ctypes.c_size_t(len(out))
    work = ctypes.create_string_buffer(16384 * 8)  # LZO1X_1_MEM_COMPRESS on 64-bit
    assert LZO.lzo1x_1_compress(bytes(page), ctypes.c_size_t(len(page)), out, ctypes.byref(size), work) == 0
    return out.raw[: size.value]


def compress_snappy(page):
    SNAPPY.snappy_max_compressed_length.restype = ctypes.c_size_t
    out = ctypes.create_string_buffer(SNAPPY.snappy_max_compressed_length(ctypes.c_size_t(len(page))))
    size = ctypes.c_size_t(len(out))
    assert SNAPPY.snappy_compress(bytes(page), ctypes.c_size_t(len(page)), out, ctypes.byref(size)) == 0
    return out.raw[: size.value]


def compress_zstd(page):
    ZSTD.ZSTD_compress.restype = ctypes.c_size_t
    out = ctypes.create_string_buffer(len(page) + 1024)
    size = ZSTD.ZSTD_compress(out, ctypes.c_size_t(len(out)), bytes(page), ctypes.c_size_t(len(page)), 1)
    assert size < len(out)
    return out.raw[:size]


# codec: (status and page_desc.flags bit, compressor, library loaded)
CODECS = {
    "zlib": (0x1, zlib.compress, True),
    "lzo": (0x2, compress_lzo, LZO is not None),
    "snappy": (0x4, compress_snappy, SNAPPY is not None),
    "zstd": (0x20, compress_zstd, ZSTD is not None),
}


def kdump(mem, version=6, codec="zlib"):
    """kdump-compressed, zero pages excluded (dump level 1), `codec` where it helps, else raw
    (and every fourth page raw, so that the dump mixes both as makedumpfile's do)."""
    bit, compress, _ = CODECS[codec]
    ram = mem.finish()
    blob, info = notes(mem), mem.text()
    pages = len(ram) // PAGE
    sub_blocks = (104 + len(info) + len(blob) + PAGE - 1) // PAGE
    half = ((pages + 7) // 8 + PAGE - 1) // PAGE * PAGE
    bitmap_blocks = 2 * half // PAGE
    desc_start = (1 + sub_blocks + bitmap_blocks) * PAGE
    uts = b"".join(f.encode().ljust(65, b"\0") for f in ["Linux", "fuzz", "6.1.0-fuzz", "#1 SMP", "x86_64", ""])
    header = b"KDUMP   " + struct.pack("<i", version) + uts + b"\0" * 6
    header += struct.pack("<qqiiiIIIIIIi", 1_700_000_000, 0, bit, PAGE, sub_blocks, bitmap_blocks, pages, 0, 0, 0, 0, 1)
    image = bytearray(desc_start)
    image[: len(header)] = header
    info_at = PAGE + 104
    note_at = info_at + len(info)
    sub = struct.pack(
        "<QiiQQQQQQQQQQQ",
        0,
        1,
        0,
        0,
        pages,
        info_at if version >= 3 else 0,
        len(info) if version >= 3 else 0,
        note_at if version >= 4 else 0,
        len(blob) if version >= 4 else 0,
        0,
        0,
        0,
        pages,
        pages if version >= 6 else 0,
    )
    image[PAGE : PAGE + len(sub)] = sub
    image[info_at : info_at + len(info)] = info
    image[note_at : note_at + len(blob)] = blob
    bitmap = (1 + sub_blocks) * PAGE
    dumped = []
    for pfn in range(pages):
        image[bitmap + pfn // 8] |= 1 << (pfn % 8)
        if any(ram[pfn * PAGE : (pfn + 1) * PAGE]):
            image[bitmap + half + pfn // 8] |= 1 << (pfn % 8)
            dumped.append(pfn)
    data_start = desc_start + 24 * len(dumped)
    descriptors, data = b"", b""
    for index, pfn in enumerate(dumped):
        page = ram[pfn * PAGE : (pfn + 1) * PAGE]
        packed, flags = compress(page), bit
        if len(packed) >= PAGE or index % 4 == 3:
            packed, flags = page, 0
        descriptors += struct.pack("<qIIQ", data_start + len(data), len(packed), flags, 0)
        data += packed
    return bytes(image) + descriptors + data


def flatten(image, chunk=PAGE):
    out = b"makedumpfile".ljust(16, b"\0") + struct.pack(">qq", 1, 1)
    out = out.ljust(PAGE, b"\0")
    records = [(start, image[start : start + chunk]) for start in range(0, len(image), chunk)]
    records = records[1:] + records[:1]  # header last, as QEMU writes it
    for start, data in records:
        out += struct.pack(">qq", start, len(data)) + data
    return out + struct.pack(">qq", -1, -1)


def page_seeds():
    """FuzzKdumpPage: a codec selector byte (0 zlib, 1 lzo, 2 snappy, 3 zstd) and one compressed
    page: a page of log text, the same cut short, and a bomb (64 KiB of zeros)."""
    text = b"".join(b"<6>[%6d.000000] line %d of a pretend kernel log\n" % (i, i) for i in range(200))[:PAGE]
    text = text.ljust(PAGE, b"\0")
    for selector, codec in enumerate(CODECS):
        bit, compress, loaded = CODECS[codec]
        if not loaded:
            continue
        page = compress(text)
        yield codec + "-page", bytes([selector]) + page
        yield codec + "-cut", bytes([selector]) + page[: len(page) // 2]
        bomb = compress(bytes(65536))
        if len(bomb) <= PAGE:
            yield codec + "-bomb", bytes([selector]) + bomb


def seeds(target):
    if target == "FuzzKdumpPage":
        yield from page_seeds()
        return
    for name, mem in memories():
        if target == "FuzzPrintkRing":
            yield name + ".bin", mem.finish()
        elif target == "FuzzVmcoreinfo":
            yield name + ".txt", mem.text()
        elif target == "FuzzELFDump":
            yield name + ".elf", elf(mem, virtual=name != "printk-log")
        elif mem.word == 8 and target == "FuzzKdump":
            yield name + ".kdump", kdump(mem, version=3 if name == "chars" else 6)
            if name == "lockless-direct":
                for codec in available_codecs():
                    yield "%s-%s.kdump" % (name, codec), kdump(mem, codec=codec)
        elif mem.word == 8 and target == "FuzzFlattened":
            yield name + ".flat", flatten(kdump(mem))
            if name == "printk-log":
                for codec in available_codecs():
                    yield "%s-%s.flat" % (name, codec), flatten(kdump(mem, codec=codec))


def available_codecs():
    return [codec for codec, (_, _, loaded) in CODECS.items() if loaded and codec != "zlib"]


def main():
    target, out = sys.argv[1], sys.argv[2]
    for name, data in list(seeds(target)) + list(arm64_seeds(target)) + list(log_seeds(target)):
        assert len(data) <= 65536, "%s is %d bytes, over run.sh's -max_len" % (name, len(data))
        with open("%s/%s" % (out, name), "wb") as f:
            f.write(data)


if __name__ == "__main__":
    main()
