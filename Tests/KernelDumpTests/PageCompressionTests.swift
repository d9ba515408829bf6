import Foundation
import KernelDump
import KtriageTestSupport
import Testing

/// A kdump of `kernel` with every page compressed by `codec` (raw where `rawPages` says).
func codecDump(
    _ codec: DumpCodec, _ kernel: SyntheticKernel, flattened: Bool = false, rawPages: Set<UInt64> = []
) -> [UInt8] {
    var writer = KdumpWriter()
    writer.encoding = codec.encoding
    writer.flattened = flattened
    writer.rawPages = rawPages
    return writer.write(kernel)
}

/// The page descriptors of a `KdumpWriter` dump of `smallKernel()` (512 pages, none excluded):
/// file offset of each descriptor, and its data's offset, size and flags.
func pageDescriptors(_ bytes: [UInt8]) -> [(at: Int, offset: Int, size: Int, flags: UInt32)] {
    let start = DumpLimitTests.descriptors(bytes)
    return (0..<512).map { pfn in
        let at = start + pfn * 24
        func little(_ from: Int, _ count: Int) -> Int {
            (0..<count).reduce(0) { $0 | Int(bytes[from + $1]) << (8 * $1) }
        }
        return (at, little(at, 8), little(at + 8, 4), UInt32(little(at + 12, 4)))
    }
}

@Suite("Page compression: zlib, lzo, snappy and zstd pages")
struct PageCompressionTests {
    @Test("each codec, seekable and flattened, reads the same log as raw pages", arguments: DumpCodec.allCases)
    func roundTrip(_ codec: DumpCodec) throws {
        let kernel = makeKernel()
        var rawWriter = KdumpWriter()
        rawWriter.encoding = .raw
        let rawBytes = rawWriter.write(kernel)
        let raw = try TestPaths.open(rawBytes, name: "codec-raw.kdump")
        let (rawSummary, _) = VmcoreSummary.make(raw)
        let rawPagesRead = rawSummary.pageCompression?["raw"] ?? 0
        #expect(rawPagesRead > 0)
        for flattened in [false, true] {
            let bytes = codecDump(codec, kernel, flattened: flattened)
            #expect(bytes.count < rawBytes.count / 4, "pages are really compressed")
            let vmcore = try TestPaths.open(bytes, name: "codec-\(codec)-\(flattened).kdump")
            #expect(vmcore.compression == [codec.rawValue])
            let (summary, log) = VmcoreSummary.make(vmcore)
            #expect(summary.logProblems.isEmpty)
            #expect(DmesgFormatter().format(log?.records ?? []) == sampleDmesg)
            #expect(summary.panicMessage == "Kernel panic - not syncing: Fatal exception")
            // Every page read was stored compressed, and the same pages as from the raw dump.
            #expect(summary.pageCompression == [codec.rawValue: rawPagesRead])
        }
    }

    @Test("a dump mixing compressed and raw pages reads both and counts each", arguments: DumpCodec.allCases)
    func mixed(_ codec: DumpCodec) throws {
        let kernel = makeKernel()
        let everyOther = Set(stride(from: UInt64(0), to: 1024, by: 2))
        let vmcore = try TestPaths.open(codecDump(codec, kernel, rawPages: everyOther), name: "mixed-\(codec).kdump")
        let (summary, log) = VmcoreSummary.make(vmcore)
        #expect(DmesgFormatter().format(log?.records ?? []) == sampleDmesg)
        let pages = summary.pageCompression ?? [:]
        #expect((pages["raw"] ?? 0) > 0)
        #expect((pages[codec.rawValue] ?? 0) > 0)
        #expect(Set(pages.keys) == ["raw", codec.rawValue])
    }

    @Test(
        "a page whose codec the header does not announce is an error naming pfn and codec",
        arguments: DumpCodec.allCases)
    func unannounced(_ codec: DumpCodec) throws {
        let other = DumpCodec.allCases.first { $0 != codec } ?? .zlib
        let bytes = patched(codecDump(codec, smallKernel()), other.bit, at: 424)
        let path = try TestPaths.write(bytes, name: "unannounced-\(codec).kdump")
        let message = exercise(path) ?? ""
        let flags = "0x" + String(codec.bit, radix: 16)
        let status = "0x" + String(other.bit, radix: 16)
        let expected =
            "compressed with \(codec) (flags \(flags)), which the kdump header's status \(status) does not announce"
        #expect(message.contains("page data for pfn 0x") && message.contains(expected), "\(message)")
        #expect(message.hasPrefix("\(path): at byte "), "\(message)")
    }

    @Test("page flags naming two codecs are an error, even when the header announces both")
    func twoCodecs() throws {
        var bytes = codecDump(.lzo, smallKernel())
        bytes = patched(bytes, UInt32(0x3), at: 424)
        for descriptor in pageDescriptors(bytes) where descriptor.flags != 0 {
            bytes = patched(bytes, UInt32(0x3), at: descriptor.at + 12)
        }
        let path = try TestPaths.write(bytes, name: "two-codecs.kdump")
        let message = exercise(path) ?? ""
        #expect(message.contains("flags 0x3 name more than one compression (zlib, lzo)"), "\(message)")
    }

    @Test("truncated compressed pages are errors naming the codec", arguments: DumpCodec.allCases)
    func truncatedPages(_ codec: DumpCodec) throws {
        let bytes = codecDump(codec, smallKernel())
        for cut in [1, 2] {
            var damaged = bytes
            for descriptor in pageDescriptors(bytes) where descriptor.flags != 0 {
                // Shorter by `cut` bytes, or half as long: the stream ends early either way.
                let size = cut == 1 ? descriptor.size - 1 : descriptor.size / 2
                damaged = patched(damaged, UInt32(size), at: descriptor.at + 8)
            }
            let path = try TestPaths.write(damaged, name: "short-\(codec)-\(cut).kdump")
            let message = exercise(path) ?? ""
            #expect(message.hasPrefix("\(path): at byte "), "\(message)")
            #expect(message.contains("page data for pfn 0x") && message.contains(": \(codec): "), "\(message)")
        }
    }

    @Test(
        "corrupted compressed pages: errors name the file, or the page decodes; never a trap",
        arguments: DumpCodec.allCases)
    func corruptedPages(_ codec: DumpCodec) throws {
        let bytes = codecDump(codec, smallKernel())
        // Pages with content (zero pages all compress to the most common size): the log walk reads these.
        let descriptors = pageDescriptors(bytes).filter { $0.flags != 0 }
        let sizes = Dictionary(grouping: descriptors, by: \.size)
        let zeroPageSize = sizes.max { $0.value.count < $1.value.count }?.key
        let compressed = descriptors.filter { $0.size != zeroPageSize }
        #expect(compressed.count > 3)
        let path = try TestPaths.write(bytes, name: "corrupt-\(codec).kdump")
        let handle = try FileHandle(forUpdating: URL(fileURLWithPath: path))
        defer { try? handle.close() }
        var generator = SplitMix(seed: 19)
        var codecErrors = 0
        for _ in 0..<200 {
            let page = compressed[Int(generator.next() % UInt64(compressed.count))]
            // Damage up to 4 bytes of one page: header bytes (lengths, frame magic) and body alike.
            var originals: [(Int, UInt8)] = []
            for _ in 0..<(1 + generator.next() % 4) {
                let offset = page.offset + Int(generator.next() % UInt64(page.size))
                originals.append((offset, bytes[offset]))
                try handle.seek(toOffset: UInt64(offset))
                try handle.write(contentsOf: [UInt8(truncatingIfNeeded: generator.next())])
            }
            if let message = exercise(path) {
                #expect(message.contains(path) || message.contains("stopped"), "\(message)")
                if message.contains(": \(codec): ") { codecErrors += 1 }
            }
            for (offset, original) in originals.reversed() {
                try handle.seek(toOffset: UInt64(offset))
                try handle.write(contentsOf: [original])
            }
        }
        #expect(codecErrors > 0)
    }

    @Test("ktriage vmcore info names the pages read per codec: a table line and a JSON key")
    func infoCommand() throws {
        let everyOther = Set(stride(from: UInt64(0), to: 1024, by: 2))
        let path = try TestPaths.write(codecDump(.lzo, makeKernel(), rawPages: everyOther), name: "info-lzo.kdump")
        let (summary, _) = VmcoreSummary.make(try Vmcore(path: path))
        let lzo = try #require(summary.pageCompression?["lzo"])
        let raw = try #require(summary.pageCompression?["raw"])
        let table = try CommandRunner.run(["vmcore", "info", path])
        #expect(table.status == 0, "\(table.stderr)")
        #expect(table.stdout.contains("\nFormat:       kdump-compressed, header v6, lzo, dump level 1\n"))
        #expect(table.stdout.contains("\nPages read:   \(lzo) lzo, \(raw) raw\n"), "\(table.stdout)")
        let json = try CommandRunner.run(["vmcore", "info", path, "--format", "json"])
        let object = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any]
        #expect(object?["page_compression"] as? [String: Int] == ["lzo": lzo, "raw": raw])
        let elfPath = try TestPaths.write(ELFCoreWriter().write(makeKernel()), name: "info.elf")
        let elfTable = try CommandRunner.run(["vmcore", "info", elfPath])
        #expect(elfTable.status == 0 && !elfTable.stdout.contains("Pages read:"))
    }
}
