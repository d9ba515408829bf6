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
    for name, data in seeds(target):
        assert len(data) <= 65536, "%s is %d bytes, over run.sh's -max_len" % (name, len(data))
        with open("%s/%s" % (out, name), "wb") as f:
            f.write(data)


if __name__ == "__main__":
    main()
