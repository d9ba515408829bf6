@_spi(Fuzzing) import KernelDump
import KernelFacts
import KtriageTestSupport
import Testing

/// Physical memory with a printk buffer written directly at kernel-image addresses (no page
/// tables), read with `KernelLogExtract.read(memoryImage:)`: a multi-megabyte log without a
/// multi-megabyte dump file.
struct LogImage {
    static let variables: UInt64 = 0x1000
    static let buffer: UInt64 = 0x2000
    var memory: [UInt8]
    var info: [String] = ["OSRELEASE=3.0.0", "PAGESIZE=4096"]

    init(bufferBytes: Int) {
        memory = [UInt8](repeating: 0, count: Int(Self.buffer) + bufferBytes)
        put(SyntheticKernel.kernelMap + Self.buffer, at: Self.variables)
    }

    mutating func put<T: FixedWidthInteger>(_ value: T, at address: UInt64) {
        memory.replaceSubrange(
            Int(address)..<(Int(address) + MemoryLayout<T>.size), with: SyntheticKernel.littleEndian(value))
    }

    static func symbol(_ name: String, _ physical: UInt64) -> String {
        "SYMBOL(\(name))=\(String(SyntheticKernel.kernelMap + physical, radix: 16))"
    }

    /// A pre-3.5 character ring holding `lines` lines of `a`.
    static func characters(lines: Int) -> LogImage {
        var image = LogImage(bufferBytes: 2 * lines)
        for index in 0..<lines {
            image.memory[Int(buffer) + 2 * index] = UInt8(ascii: "a")
            image.memory[Int(buffer) + 2 * index + 1] = 0x0A
        }
        image.put(UInt32(2 * lines), at: variables + 8)  // log_buf_len
        image.put(UInt32(2 * lines), at: variables + 12)  // log_end
        image.info += [
            symbol("log_buf", variables), symbol("log_buf_len", variables + 8), symbol("log_end", variables + 12),
        ]
        return image
    }

    /// A 3.5–5.9 `printk_log` buffer of `records` 16-byte records without text, exactly full,
    /// walked from `first` to `next`.
    static func structured(records: Int, next: Int? = nil) -> LogImage {
        let length = 16 * records
        var image = LogImage(bufferBytes: length)
        for index in 0..<records {
            let at = buffer + UInt64(16 * index)
            image.put(UInt64(index) * 1000, at: at)  // ts_nsec
            image.put(UInt16(16), at: at + 8)  // len
        }
        image.put(UInt32(length), at: variables + 8)  // log_buf_len
        image.put(UInt32(0), at: variables + 12)  // log_first_idx
        image.put(UInt32(next ?? length), at: variables + 16)  // log_next_idx
        image.info += [
            symbol("log_buf", variables), symbol("log_buf_len", variables + 8),
            symbol("log_first_idx", variables + 12), symbol("log_next_idx", variables + 16),
            "SIZE(printk_log)=16", "OFFSET(printk_log.ts_nsec)=0", "OFFSET(printk_log.len)=8",
            "OFFSET(printk_log.text_len)=10",
        ]
        return image
    }

    func read() throws -> KernelLogExtract {
        let text = Array((info.joined(separator: "\n") + "\n").utf8)
        return try KernelLogExtract.read(memoryImage: memory, vmcoreinfo: VMCoreInfo(text: text))
    }
}

/// The physical address of the lockless ring of `kernel` (from its `SYMBOL(prb)` pointer).
func ringAddress(_ kernel: SyntheticKernel) throws -> UInt64 {
    let line = try #require(kernel.vmcoreinfo.first { $0.hasPrefix("SYMBOL(prb)=") })
    let pointer = try #require(UInt64(line.dropFirst(12), radix: 16)) &- SyntheticKernel.kernelMap
    return kernel.readU64(pointer) &- kernel.directMapBase
}

/// `bytes` with `value` written little-endian at `offset`.
func patched<T: FixedWidthInteger>(_ bytes: [UInt8], _ value: T, at offset: Int) -> [UInt8] {
    var copy = bytes
    copy.replaceSubrange(offset..<(offset + MemoryLayout<T>.size), with: SyntheticKernel.littleEndian(value))
    return copy
}

@Suite("Limits: vmcores")
struct DumpLimitTests {
    /// `smallKernel()` with a `PADDING=` line that makes the VMCOREINFO text exactly `bytes` long.
    func kernel(vmcoreinfoBytes bytes: Int) -> SyntheticKernel {
        let kernel = smallKernel()
        let padding = bytes - kernel.vmcoreinfoText.count - "PADDING=\n".utf8.count
        kernel.vmcoreinfo.append("PADDING=" + String(repeating: "x", count: padding))
        precondition(kernel.vmcoreinfoText.count == bytes)
        return kernel
    }

    @Test("VMCOREINFO size: a 64 KiB note is read, one byte more is an error naming the note")
    func vmcoreinfoNote() throws {
        let limit = VmcoreLimits.maxVmcoreinfoBytes
        #expect(limit == 65_536)
        let whole = try TestPaths.open(ELFCoreWriter().write(kernel(vmcoreinfoBytes: limit)), name: "info-edge.elf")
        #expect(whole.vmcoreinfo?["PADDING"] != nil)
        #expect(try whole.kernelLog().records.count == 10)
        let path = try TestPaths.write(ELFCoreWriter().write(kernel(vmcoreinfoBytes: limit + 1)), name: "info-past.elf")
        #expect(exercise(path)?.contains("VMCOREINFO note: 65537 bytes exceeds the 65536-byte limit") == true)
    }

    @Test("VMCOREINFO size in a kdump sub-header (v3, no notes): 64 KiB read, one byte more an error")
    func vmcoreinfoSubHeader() throws {
        var writer = KdumpWriter()
        writer.version = 3
        let whole = try TestPaths.open(
            writer.write(kernel(vmcoreinfoBytes: VmcoreLimits.maxVmcoreinfoBytes)), name: "info-edge.kdump")
        #expect(whole.notes.count == 1 && whole.vmcoreinfo?.osRelease == "6.1.0-test")
        #expect(try whole.kernelLog().records.count == 10)
        let path = try TestPaths.write(
            writer.write(kernel(vmcoreinfoBytes: VmcoreLimits.maxVmcoreinfoBytes + 1)), name: "info-past.kdump")
        let message = exercise(path) ?? ""
        #expect(message.contains("kdump sub-header field 'size_vmcoreinfo': 65537 bytes exceeds the 65536-byte limit"))
    }

    @Test("SIZE/OFFSET/LENGTH values: VMCoreInfo.maxLayoutValue is used, one more is treated as absent")
    func layoutValues() {
        let limit = VMCoreInfo.maxLayoutValue
        #expect(limit == 1 << 24)
        let info = VMCoreInfo(
            text: Array(
                "SIZE(a)=\(limit)\nSIZE(b)=\(limit + 1)\nOFFSET(c.d)=\(limit)\nOFFSET(c.e)=\(limit + 1)\nLENGTH(f)=-1\n"
                    .utf8))
        #expect(info.size("a") == limit && info.size("b") == nil)
        #expect(info.offset("c.d") == limit && info.offset("c.e") == nil)
        #expect(info.length("f") == nil)
    }

    /// `smallKernel()` (one CPU note and the VMCOREINFO note) plus empty notes up to `count` in all.
    func kernel(notes count: Int) -> SyntheticKernel {
        let kernel = smallKernel()
        let empty =
            SyntheticKernel.littleEndian(UInt32(0)) + SyntheticKernel.littleEndian(UInt32(0))
            + SyntheticKernel.littleEndian(UInt32(7))
        kernel.extraNotes = Array([[UInt8]](repeating: empty, count: count - 2).joined())
        return kernel
    }

    @Test("note count: VmcoreLimits.maxNotes notes are read, one more is an error (kdump note blob and ELF)")
    func noteCount() throws {
        let limit = VmcoreLimits.maxNotes
        #expect(limit == 65_536)
        let kdump = try TestPaths.open(KdumpWriter().write(kernel(notes: limit)), name: "notes-edge.kdump")
        #expect(kdump.notes.count == limit)
        #expect(try kdump.kernelLog().records.count == 10)
        let elf = try TestPaths.open(ELFCoreWriter().write(kernel(notes: limit)), name: "notes-edge.elf")
        #expect(elf.notes.count == limit)
        for (name, bytes) in [
            ("notes-past.kdump", KdumpWriter().write(kernel(notes: limit + 1))),
            ("notes-past.elf", ELFCoreWriter().write(kernel(notes: limit + 1))),
        ] {
            let path = try TestPaths.write(bytes, name: name)
            let message = exercise(path) ?? ""
            #expect(message.hasPrefix(path) && message.contains("more than 65536 notes"), "\(message)")
        }
    }

    /// `max_mapnr_64` in the sub-header (block 1) of a v6 kdump with 4 KiB blocks.
    static let subHeaderMaxMapNr = 4096 + 96

    /// Where the page descriptors of a `KdumpWriter` dump start (after header, sub-header, bitmaps).
    static func descriptors(_ bytes: [UInt8]) -> Int {
        let subHeaderBlocks = Int(bytes[432]) | Int(bytes[433]) << 8
        let bitmapBlocks = Int(bytes[436]) | Int(bytes[437]) << 8
        return (1 + subHeaderBlocks + bitmapBlocks) * 4096
    }

    @Test("page descriptors: max_mapnr may use every bit of the bitmap, one page more is an error")
    func pageFrames() throws {
        let bytes = KdumpWriter().write(smallKernel())
        #expect(Array(bytes[436..<440]) == [2, 0, 0, 0])  // bitmap_blocks: 4096 bytes per half
        let whole = try TestPaths.open(
            patched(bytes, UInt64(4096 * 8), at: Self.subHeaderMaxMapNr), name: "mapnr-edge.kdump")
        #expect(try whole.kernelLog().records.count == 10)
        let path = try TestPaths.write(
            patched(bytes, UInt64(4096 * 8 + 1), at: Self.subHeaderMaxMapNr), name: "mapnr-past.kdump")
        #expect(
            exercise(path)
                == "\(path): at byte 440: kdump header field 'max_mapnr': 32769 pages do not fit the 4096-byte bitmap")
    }

    @Test("page descriptors: a page of exactly the block size is read, one byte more is an error")
    func descriptorSize() throws {
        var writer = KdumpWriter()
        writer.encoding = .raw
        let bytes = writer.write(smallKernel())
        #expect(try TestPaths.open(bytes, name: "raw.kdump").kernelLog().records.count == 10)
        var damaged = bytes
        for pfn in 0..<512 {
            damaged = patched(damaged, UInt32(4097), at: Self.descriptors(bytes) + pfn * 24 + 8)
        }
        let path = try TestPaths.write(damaged, name: "descsize.kdump")
        let message = exercise(path) ?? ""
        #expect(message.contains("offset") && message.contains("size 4097 is invalid (page size 4096)"), "\(message)")
    }

    /// A kdump of `smallKernel()` whose every page descriptor points at one `codec` stream of
    /// `size` zeros.
    func kdump(everyPageInflatingTo size: Int, codec: DumpCodec = .zlib) -> (bytes: [UInt8], dataStart: Int) {
        var bytes = codecDump(codec, smallKernel())
        let stream = codec.compress([UInt8](repeating: 0, count: size))
        let descriptors = Self.descriptors(bytes)
        let dataStart = descriptors + 512 * 24
        bytes.replaceSubrange(dataStart..<(dataStart + stream.count), with: stream)
        for pfn in 0..<512 {
            let at = descriptors + pfn * 24
            bytes = patched(bytes, UInt64(dataStart), at: at)
            bytes = patched(bytes, UInt32(stream.count), at: at + 8)
            bytes = patched(bytes, codec.bit, at: at + 12)
        }
        return (bytes, dataStart)
    }

    @Test(
        "decompressed page size: a page of exactly the page size is read, one byte more is an error",
        arguments: DumpCodec.allCases)
    func inflatedPageSize(_ codec: DumpCodec) throws {
        let (whole, _) = kdump(everyPageInflatingTo: 4096, codec: codec)
        let zeros = try TestPaths.open(whole, name: "inflate-edge-\(codec).kdump")
        #expect(try zeros.readKernel(SyntheticKernel.kernelMap, count: 8) == [0, 0, 0, 0, 0, 0, 0, 0])
        let (past, dataStart) = kdump(everyPageInflatingTo: 4097, codec: codec)
        let path = try TestPaths.write(past, name: "inflate-past-\(codec).kdump")
        let message = exercise(path) ?? ""
        #expect(message.hasPrefix("\(path): at byte \(dataStart): "), "\(message)")
        #expect(message.contains("page data for pfn"), "\(message)")
        let verb = codec == .zlib ? "inflates" : "decompresses"
        #expect(message.contains("\(codec): \(verb) past 4096 bytes"), "\(message)")
        let (short, _) = kdump(everyPageInflatingTo: 4095, codec: codec)
        let shortPath = try TestPaths.write(short, name: "inflate-short-\(codec).kdump")
        let shortMessage = exercise(shortPath) ?? ""
        #expect(shortMessage.contains("\(codec): decompresses to 4095 bytes, expected 4096"), "\(shortMessage)")
    }

    @Test("page size: a 1 MiB block size passes the header check, 2 MiB is an error")
    func blockSize() throws {
        let bytes = KdumpWriter().write(smallKernel())
        let edgePath = try TestPaths.write(patched(bytes, Int32(1 << 20), at: 428), name: "block-edge.kdump")
        let edge = exercise(edgePath) ?? ""
        #expect(!edge.contains("block_size"), "\(edge)")
        let path = try TestPaths.write(patched(bytes, Int32(1 << 21), at: 428), name: "block-past.kdump")
        #expect(
            exercise(path)
                == "\(path): at byte 428: kdump header field 'block_size': is 2097152, expected a power of two between 512 and 1048576"
        )
    }

    @Test("note blob: size_note up to 64 MiB is attempted, one byte more is refused by the limit")
    func noteBlob() throws {
        let bytes = KdumpWriter().write(smallKernel())
        let sizeNote = 4096 + 56
        let edge = exercise(
            try TestPaths.write(patched(bytes, UInt64(64 << 20), at: sizeNote), name: "blob-edge.kdump"))
        #expect(edge?.contains("needs 67108864 bytes") == true, "\(edge ?? "")")
        let past = exercise(
            try TestPaths.write(patched(bytes, UInt64((64 << 20) + 1), at: sizeNote), name: "blob-past.kdump"))
        #expect(past?.contains("size_note': 67108865 bytes exceeds the 67108864-byte limit") == true, "\(past ?? "")")
    }

    /// `smallKernel()` as an ELF dump, its lockless ring's `count_bits` or `size_bits` replaced.
    func ring(countBits: UInt32? = nil, sizeBits: UInt32? = nil) throws -> Vmcore {
        let kernel = smallKernel()
        let ring = try ringAddress(kernel)
        if let countBits { kernel.write(countBits, at: ring) }
        if let sizeBits { kernel.write(sizeBits, at: ring + 48) }
        return try TestPaths.open(ELFCoreWriter().write(kernel), name: "ring-\(countBits ?? 0)-\(sizeBits ?? 0).elf")
    }

    @Test("printk descriptors: 2^21 (count_bits 21) accepted, count_bits 22 is an error")
    func descriptorCount() throws {
        #expect(VmcoreLimits.maxDescriptorCount == 1 << 21)
        let whole = try ring(countBits: 21).kernelLog()
        #expect(whole.records.count == 10 && !whole.isIncomplete)
        do {
            _ = try ring(countBits: 22).kernelLog()
            Issue.record("count_bits 22 was accepted")
        } catch let error as VmcoreError {
            #expect(error.field == "printk_ringbuffer.desc_ring.count_bits")
            #expect(error.message == "22 exceeds the limit of 2097152 descriptors")
        }
    }

    @Test("printk buffer: a 32 MiB text ring (size_bits 25) accepted, size_bits 26 is an error")
    func textRingSize() throws {
        #expect(VmcoreLimits.maxLogBufferBytes == 1 << 25)
        let whole = try ring(sizeBits: 25).kernelLog()
        #expect(whole.records.map(\.string) == (0..<10).map { "line \($0)" })
        do {
            _ = try ring(sizeBits: 26).kernelLog()
            Issue.record("size_bits 26 was accepted")
        } catch let error as VmcoreError {
            #expect(error.message == "26 exceeds the limit of 33554432 bytes")
        }
    }

    @Test("printk buffer: log_buf_len of 32 MiB is read (leniently), one byte more is an error")
    func logBufferLength() throws {
        var image = LogImage.structured(records: 4)
        image.put(UInt32(1 << 25), at: LogImage.variables + 8)
        let whole = try image.read()
        #expect(whole.records.count == 4)
        #expect(whole.problems.first?.contains("log_buf bytes unreadable") == true)
        image.put(UInt32((1 << 25) + 1), at: LogImage.variables + 8)
        do {
            _ = try image.read()
            Issue.record("log_buf_len 2^25 + 1 was accepted")
        } catch let error as VmcoreError {
            #expect(error.field == "log_buf_len" && error.message == "33554433 is out of range")
        }
    }

    @Test("log records per dump: VmcoreLimits.maxLogRecords read whole, one more stops the walk with a note")
    func logRecords() throws {
        let limit = VmcoreLimits.maxLogRecords
        #expect(limit == 1 << 20)
        let characters = try LogImage.characters(lines: limit).read()
        #expect(characters.records.count == limit && characters.problems.isEmpty)
        let cutCharacters = try LogImage.characters(lines: limit + 1).read()
        #expect(cutCharacters.records.count == limit)
        #expect(cutCharacters.problems == ["stopped after 1048576 records (limit)"])
        let structured = try LogImage.structured(records: limit).read()
        #expect(structured.records.count == limit && structured.problems.isEmpty)
        let cutStructured = try LogImage.structured(records: limit + 1).read()
        #expect(cutStructured.records.count == limit)
        #expect(cutStructured.problems == ["stopped after 1048576 records (limit)"])
    }

    @Test("ring iterations: a full lockless ring (tail count − 1 behind head) is read whole, count behind is marked")
    func ringWalk() throws {
        let kernel = SyntheticKernel(megabytes: 2)
        kernel.addPrintkRingBuffer((0..<8).map { .init(UInt64($0), "r\($0)") }, countBits: 3, sizeBits: 8)
        let full = try TestPaths.open(ELFCoreWriter().write(kernel), name: "ring-full.elf").kernelLog()
        #expect(full.records.count == 8 && full.problems.isEmpty)
        let ring = try ringAddress(kernel)
        kernel.write(kernel.readU64(ring + 24) &- 8, at: ring + 32)  // tail_id := head_id − 8
        let behind = try TestPaths.open(ELFCoreWriter().write(kernel), name: "ring-behind.elf").kernelLog()
        #expect(behind.records.count == 8)
        #expect(behind.problems.first?.contains("more than the 8 descriptors") == true)
    }

    @Test(
        "ring iterations: the longest printk_log walk (a buffer full of empty records) ends cleanly, a chain that misses log_next_idx is stopped as a cycle"
    )
    func structuredWalk() throws {
        let full = try LogImage.structured(records: 16).read()
        #expect(full.records.count == 16 && full.problems.isEmpty)
        let cycle = try LogImage.structured(records: 16, next: 8).read()
        #expect(cycle.isIncomplete)
        #expect(cycle.problems.first?.contains("(cycle): stopped") == true, "\(cycle.problems)")
    }

    @Test("flattened records: VmcoreLimits.maxFlattenedRecords indexed, one more is an error")
    func flattenedRecords() throws {
        let limit = VmcoreLimits.maxFlattenedRecords
        #expect(limit == 2_000_000)
        var writer = KdumpWriter()
        writer.flattened = true
        var stream = writer.write(smallKernel())
        stream.removeLast(16)  // the end marker
        var count = 0
        var position = 4096
        while position < stream.count {
            let size = stream[(position + 8)..<(position + 16)].reduce(0) { $0 << 8 | Int($1) }
            position += 16 + size
            count += 1
        }
        // Empty records far past the image (offset 2^40, size 0): legal, and cheap to index.
        let empty: [UInt8] = [0, 0, 1, 0, 0, 0, 0, 0] + [UInt8](repeating: 0, count: 8)
        var fill = [UInt8](repeating: 0, count: 16 * (limit - count))
        for record in 0..<(limit - count) { fill[16 * record + 2] = 1 }
        let end = [UInt8](repeating: 0xff, count: 16)
        let whole = try TestPaths.open(stream + fill + end, name: "flat-edge.flat")
        #expect(try whole.kernelLog().records.count == 10)
        let path = try TestPaths.write(stream + fill + empty + end, name: "flat-past.flat")
        #expect(exercise(path)?.contains("flattened record: more than 2000000 records") == true)
    }
}
