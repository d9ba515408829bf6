import Foundation
import KernelDump
import KtriageTestSupport
import Testing

/// Opens a dump and does everything `vmcore info` and `vmcore dmesg` do. Returns the error
/// description, or nil when it all worked. A trap would kill the test process: surviving is the test.
@discardableResult
func exercise(_ path: String) -> String? {
    do {
        let vmcore = try Vmcore(path: path)
        _ = VmcoreSummary.make(vmcore)
        let log = try vmcore.kernelLog()
        _ = DmesgFormatter(showCallerID: true, wallClockAnchor: 1).format(log.records)
        return log.problems.first
    } catch let error as VmcoreError {
        return error.description
    } catch {
        return "\(error)"
    }
}

func smallKernel() -> SyntheticKernel {
    let kernel = SyntheticKernel(megabytes: 2)
    kernel.addUtsname(["Linux", "bad", "6.1.0-bad", "#1", "x86_64", ""])
    kernel.cpus = [(7, SyntheticKernel.registers(rip: 0xffff_ffff_8100_0000, rsp: 0xffff_c900_0000_0000))]
    kernel.addPrintkRingBuffer((0..<10).map { .init(UInt64($0) * 1000, "line \($0)") })
    return kernel
}

@Suite("Bad input: errors name file, offset and field; never a trap or a hang")
struct BadInputTests {
    /// A dump of `kernel` in the container `kind` names: `elf`, `kdump` (zlib), `flat`, or
    /// `kdump-<codec>` / `flat-<codec>` with lzo, snappy or zstd pages.
    static func dump(_ kind: String, of kernel: SyntheticKernel) -> [UInt8] {
        let parts = kind.split(separator: "-")
        let codec = parts.count > 1 ? DumpCodec(rawValue: String(parts[1])) ?? .zlib : .zlib
        switch parts[0] {
        case "elf": return ELFCoreWriter().write(kernel)
        case "kdump": return codecDump(codec, kernel)
        default: return codecDump(codec, kernel, flattened: true)
        }
    }

    static let containerKinds = [
        "elf", "kdump", "flat", "kdump-lzo", "kdump-snappy", "kdump-zstd", "flat-lzo", "flat-snappy", "flat-zstd",
    ]

    @Test("truncated at many offsets: ELF, kdump, flattened; every codec", arguments: containerKinds)
    func truncated(_ kind: String) throws {
        let bytes = Self.dump(kind, of: smallKernel())
        let path = try TestPaths.write(bytes, name: "truncate.\(kind)")
        var offsets = Set<Int>()
        for offset in stride(from: 0, to: min(bytes.count, 24_576), by: 13) { offsets.insert(offset) }
        for offset in stride(from: 0, to: bytes.count, by: max(1, bytes.count / 300)) {
            offsets.insert(offset)
        }
        var errors = 0
        for offset in offsets.sorted(by: >) {
            #expect(truncate(path, off_t(offset)) == 0)
            if let message = exercise(path) {
                errors += 1
                #expect(
                    message.hasPrefix(path) || message.contains("incomplete") || message.contains("stopped"),
                    "\(message)")
            }
        }
        #expect(errors > 0)
    }

    @Test("bit flips in the headers", arguments: containerKinds)
    func bitFlips(_ kind: String) throws {
        let bytes = Self.dump(kind, of: smallKernel())
        let path = try TestPaths.write(bytes, name: "flip.\(kind)")
        let handle = try FileHandle(forUpdating: URL(fileURLWithPath: path))
        defer { try? handle.close() }
        var generator = SplitMix(seed: 42)
        let limit = min(bytes.count, 12_288)
        for round in 0..<600 {
            let offset = round < 300 ? round % limit : Int(generator.next() % UInt64(limit))
            let original = bytes[offset]
            let flipped = original ^ UInt8(1 << (generator.next() % 8)) ^ (round % 3 == 0 ? 0xff : 0)
            try handle.seek(toOffset: UInt64(offset))
            try handle.write(contentsOf: [flipped])
            exercise(path)
            try handle.seek(toOffset: UInt64(offset))
            try handle.write(contentsOf: [original])
        }
    }

    @Test("unknown magic and empty files give one line naming the field")
    func magic() throws {
        let garbage = try TestPaths.write(Array("this is not a vmcore at all".utf8), name: "garbage")
        #expect(
            exercise(garbage)
                == "\(garbage): at byte 0: magic: bytes 74 68 69 73 20 69 73 20 are not an ELF core, a kdump-compressed dump (\"KDUMP   \") or a makedumpfile flattened stream"
        )
        let gzip = try TestPaths.write([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3], name: "vmcore.gz")
        #expect(
            exercise(gzip)
                == "\(gzip): at byte 0: magic: the file is gzip-compressed: decompress it first"
        )
        let empty = try TestPaths.write([], name: "empty")
        #expect(exercise(empty)?.contains("too short") == true)
    }

    @Test("kdump header fields out of range are named")
    func kdumpFields() throws {
        var bytes = KdumpWriter().write(smallKernel())
        bytes.replaceSubrange(428..<432, with: [0x00, 0x30, 0, 0])  // block_size 12288: not a power of two
        let path = try TestPaths.write(bytes, name: "blocksize.kdump")
        #expect(
            exercise(path)
                == "\(path): at byte 428: kdump header field 'block_size': is 12288, expected a power of two between 512 and 1048576"
        )
        var big = KdumpWriter().write(smallKernel())
        big.replaceSubrange(436..<440, with: [0xff, 0xff, 0xff, 0x0f])  // bitmap_blocks
        let bigPath = try TestPaths.write(big, name: "bitmap.kdump")
        #expect(exercise(bigPath)?.contains("kdump header field 'bitmap_blocks'") == true)
    }

    @Test(
        "lzo, snappy and zstd flags over raw page bytes: a corrupt page, named with its codec",
        arguments: [KdumpWriter.PageEncoding.flaggedLZO, .flaggedSnappy, .flaggedZstd])
    func rawBytesFlaggedCompressed(_ encoding: KdumpWriter.PageEncoding) throws {
        var writer = KdumpWriter()
        writer.encoding = encoding
        let path = try TestPaths.write(writer.write(smallKernel()), name: "compress-\(encoding).kdump")
        let vmcore = try Vmcore(path: path)
        let name = encoding == .flaggedLZO ? "lzo" : encoding == .flaggedSnappy ? "snappy" : "zstd"
        #expect(vmcore.compression == [name])
        let message = exercise(path) ?? ""
        #expect(message.contains("page data for pfn 0x") && message.contains(": \(name): "), "\(message)")
        #expect(message.hasPrefix("\(path): at byte "))
    }

    @Test("incomplete kdump: flag reported, missing pages named")
    func incomplete() throws {
        var writer = KdumpWriter()
        writer.writtenPages = 200
        let path = try TestPaths.write(writer.write(smallKernel()), name: "incomplete.kdump")
        let vmcore = try Vmcore(path: path)
        let (summary, _) = VmcoreSummary.make(vmcore)
        #expect(summary.incomplete)
        #expect(summary.missing.contains { $0.contains("incomplete") })
        #expect(summary.release == "6.1.0-test")  // metadata is still there
        #expect(summary.version == "#1 SMP test")  // init_uts_ns is unwritten: the kdump header's utsname
        #expect(exercise(path)?.contains("the dump is incomplete") == true)
    }

    @Test("ELF: e_flags incomplete bit and PT_LOAD data past the end are reported")
    func elfIncomplete() throws {
        var writer = ELFCoreWriter()
        writer.incompleteFlag = true
        let flagged = try TestPaths.open(writer.write(smallKernel()), name: "flagged.elf")
        #expect(flagged.missing.contains { $0.contains("e_flags") })
        var bytes = ELFCoreWriter().write(smallKernel())
        bytes.removeLast(512 * 1024)  // the last 512 KiB of RAM
        let cut = try TestPaths.open(bytes, name: "cut.elf")
        #expect(cut.missing == ["524288 bytes of PT_LOAD data lie past the end of the file (truncated)"])
        let (summary, _) = VmcoreSummary.make(cut)
        #expect(summary.release == "6.1.0-test")
        #expect(summary.logRecords == 10)  // the log lives below the cut
    }

    @Test("excluded pages are named with their pfn")
    func excluded() throws {
        let kernel = smallKernel()
        var writer = KdumpWriter()
        writer.excludedPages = Set(UInt64(256)..<UInt64(512))  // the ring lives above 1 MiB
        writer.dumpLevel = 31
        let path = try TestPaths.write(writer.write(kernel), name: "excluded.kdump")
        let message = exercise(path) ?? ""
        #expect(message.contains("not in the dump (excluded by dump level 31"), "\(message)")
    }

    @Test(
        "a page that decompresses past the page size (decompression bomb) is an error, for every codec",
        arguments: DumpCodec.allCases)
    func bomb(_ codec: DumpCodec) throws {
        var bytes = codecDump(codec, smallKernel())
        // Point every page at a stream that decompresses to 64 KiB (compressed, it must fit the
        // page size to pass the descriptor check); reading must stop at the page size.
        let bomb = codec.compress([UInt8](repeating: 0, count: 65_536))
        #expect(bomb.count <= 4096)
        let subBlocks = Int(bytes[432]) | Int(bytes[433]) << 8
        let bitmapBlocks = Int(bytes[436]) | Int(bytes[437]) << 8
        let descriptorsStart = (1 + subBlocks + bitmapBlocks) * 4096
        let dataStart = descriptorsStart + 512 * 24
        bytes.replaceSubrange(dataStart..<(dataStart + bomb.count), with: bomb)
        for pfn in 0..<512 {
            let at = descriptorsStart + pfn * 24
            bytes.replaceSubrange(at..<(at + 8), with: SyntheticKernel.littleEndian(UInt64(dataStart)))
            bytes.replaceSubrange(
                (at + 8)..<(at + 12), with: SyntheticKernel.littleEndian(UInt32(bomb.count)))
            bytes.replaceSubrange((at + 12)..<(at + 16), with: SyntheticKernel.littleEndian(codec.bit))
        }
        let path = try TestPaths.write(bytes, name: "bomb-\(codec).kdump")
        let message = exercise(path) ?? ""
        #expect(message.contains(": \(codec): ") && message.contains("past 4096 bytes"), "\(message)")
        #expect(message.hasPrefix("\(path): at byte \(dataStart): "))
        #expect(message.contains("page data for pfn"))
    }

    @Test("printk ring whose tail is far behind its head (cycling ids) gives a marked partial result")
    func ringCycle() throws {
        let kernel = SyntheticKernel(megabytes: 2)
        kernel.addPrintkRingBuffer((0..<8).map { .init(UInt64($0), "r\($0)") }, countBits: 3, sizeBits: 8)
        // tail_id := head_id + 5 (mod the id mask): the walk would cover almost 2^62 ids.
        let symbol = kernel.vmcoreinfo.first { $0.hasPrefix("SYMBOL(prb)=") }!.dropFirst(12)
        let pointerPA = UInt64(symbol, radix: 16)! &- SyntheticKernel.kernelMap
        let ringPA = kernel.readU64(pointerPA) &- kernel.directMapBase
        let head = kernel.readU64(ringPA + 24)
        kernel.write(head &+ 5, at: ringPA + 32)
        let vmcore = try TestPaths.open(ELFCoreWriter().write(kernel), name: "cycle.elf")
        let log = try vmcore.kernelLog()
        #expect(log.isIncomplete)
        #expect(log.records.count <= 8)
    }

    @Test("printk_log chain that loops is stopped and marked")
    func structuredLoop() throws {
        let kernel = SyntheticKernel(megabytes: 2)
        kernel.addStructuredLog(
            (0..<4).map { .init(UInt64($0), "rec \($0)") }, bufferSize: 256, firstIndex: 0)
        // log_next_idx := 2: never reached (records are 4-aligned and start at 0).
        let symbol = kernel.vmcoreinfo.first { $0.hasPrefix("SYMBOL(log_next_idx)=") }!.dropFirst(21)
        kernel.write(UInt32(2), at: UInt64(symbol, radix: 16)! &- SyntheticKernel.kernelMap)
        let vmcore = try TestPaths.open(KdumpWriter().write(kernel), name: "loop.kdump")
        let log = try vmcore.kernelLog()
        #expect(log.isIncomplete)
        #expect(log.records.count >= 4)
    }

    @Test("printk_log buffer with an excluded page: readable records kept, the gap reported")
    func structuredMissingPage() throws {
        let kernel = SyntheticKernel(megabytes: 2)
        let entries = (0..<200).map {
            SyntheticKernel.LogEntry(UInt64($0), "record number \($0) with some padding text")
        }
        kernel.addStructuredLog(entries, bufferSize: 16_384, firstIndex: 0)
        let pointer = kernel.vmcoreinfo.first { $0.hasPrefix("SYMBOL(log_buf)=") }!.dropFirst(16)
        let buffer =
            kernel.readU64(UInt64(pointer, radix: 16)! &- SyntheticKernel.kernelMap) &- kernel.directMapBase
        var writer = KdumpWriter()
        writer.excludedPages = [buffer / 4096 + 2]
        let vmcore = try TestPaths.open(writer.write(kernel), name: "gap.kdump")
        let log = try vmcore.kernelLog()
        #expect(log.isIncomplete)
        #expect(log.problems.first?.contains("4096 of 16384 log_buf bytes unreadable") == true)
        #expect(log.records.count > 50)
        #expect(log.records.first?.string == "record number 0 with some padding text")
    }

    @Test("flattened stream without end marker: records read, marked incomplete")
    func flattenedNoEnd() throws {
        var writer = KdumpWriter()
        writer.flattened = true
        var bytes = writer.write(smallKernel())
        bytes.removeLast(16)
        let vmcore = try TestPaths.open(bytes, name: "noend.flat")
        #expect(vmcore.missing.contains { $0.contains("no end marker") })
        #expect(try vmcore.kernelLog().records.count == 10)
    }
}
