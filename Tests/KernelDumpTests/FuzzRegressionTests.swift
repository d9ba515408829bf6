@_spi(Fuzzing) import KernelDump
import KernelFacts
import KtriageTestSupport
import Testing

/// Inputs the fuzzers found, kept so the fix stays fixed (the syzkaller "former crashers" idea).
@Suite("Fuzz regressions")
struct FuzzRegressionTests {
    /// FuzzVmcore, 10-minute run: a kdump-compressed header with no VMCOREINFO note and a page
    /// bitmap that claims thousands of pages whose data is missing. The VMCOREINFO page scan
    /// ranked every page byte by byte through the bitmap and took over 15 s in a debug build.
    @Test("a kdump without VMCOREINFO and with missing pages: read what is there, say what is missing")
    func kdumpRankScan() throws {
        let path = Fixtures.path("vmcore/regressions/kdump-no-vmcoreinfo-rank-scan.bin")
        let dump = try Vmcore(path: path)
        let (summary, log) = VmcoreSummary.make(dump)
        #expect(log == nil)
        #expect(summary.incomplete)
        #expect(!summary.missing.isEmpty)
    }

    /// FuzzELFDump and FuzzPrintkRing, first 60-second runs (10–19 s per input with ASan): a
    /// character ring / `printk_log` buffer whose 8 MiB `log_buf` lies in unmapped memory. The
    /// lenient read appended `repeatElement(0, …)` for every missing page, element by element.
    @Test("an 8 MiB log_buf in unmapped memory is read as zeros with one note (ELF and bare memory)")
    func logBufferHoles() throws {
        let elf = try Vmcore(path: Fixtures.path("vmcore/regressions/elf-log-buf-holes.bin"))
        let log = try elf.kernelLog()
        #expect(log.problems.first?.hasPrefix("8388608 of 8388608 log_buf bytes unreadable") == true)

        let memory = try #require(Fixtures.read(Fixtures.path("vmcore/regressions/printk-log-buf-holes.bin")))
        let info = VMCoreInfo(text: Array(memory.prefix(4096)))
        let extract = try KernelLogExtract.read(memoryImage: memory, vmcoreinfo: info)
        #expect(extract.problems.first?.contains("log_buf bytes unreadable") == true, "\(extract.problems)")
    }

    /// FuzzELFDump and FuzzKdump, 2026-12-05 (release, first minute of each): VMCOREINFO
    /// `PAGESIZE=-012` (ELF) and `PAGESIZE=-001` (kdump). `Vmcore.pageSize` passed the negative
    /// number on; the harness trapped making a page stride of it (`UInt64(pageSize)`), as any
    /// caller's page arithmetic would.
    @Test(
        "a PAGESIZE that no kernel has falls back to the block size or 4096",
        arguments: ["elf-negative-pagesize.bin", "kdump-negative-pagesize.bin"])
    func negativePageSize(_ name: String) throws {
        let dump = try Vmcore(path: Fixtures.path("vmcore/regressions/" + name))
        #expect(dump.vmcoreinfo?.pageSize ?? 0 < 0)
        #expect(dump.pageSize == 4096)
        let (summary, _) = VmcoreSummary.make(dump)
        #expect(summary.pageSize == 4096)
        _ = dump.backtraces()
    }

    /// FuzzFlattened, 2026-12-05 (release campaign): no usable `PAGESIZE` and a negative kdump
    /// `block_size`; the fallback passed the block size on as the page size and the harness trapped.
    @Test("a negative kdump block size is not used as the page size either")
    func negativeBlockSize() throws {
        let dump = try Vmcore(path: Fixtures.path("vmcore/regressions/flattened-negative-block-size.bin"))
        #expect(dump.pageSize == 4096)
        _ = VmcoreSummary.make(dump)
        _ = dump.backtraces()
    }

    /// FuzzFlattened, 2026-12-05 night campaign (release + ASan: 22 s, then a 42 s timeout): a
    /// printk ring whose ids put the tail 2^62 records behind the head, so the walk starts at
    /// the oldest possible of its 524,288 descriptors, all of them in pages the dump does not
    /// hold. Each record read asked the page cache for the same missing page again, searched
    /// all 512 slots, ranked the page in the bitmap and built a new error. The page cache now
    /// remembers the last page that could not be read (`KernelMemory.slot`), and the ring walk
    /// counts a descriptor inside a page it could not read without reading it again (3.3 s →
    /// 0.07 s in a debug build; the answer is the same).
    @Test("a printk ring whose descriptors all lie in missing pages: every record skipped, one reason")
    func ringOverMissingPages() throws {
        let dump = try Vmcore(path: Fixtures.path("vmcore/regressions/flattened-printk-ring-missing-descriptors.bin"))
        let log = try dump.kernelLog()
        #expect(log.records.isEmpty)
        #expect(log.problems.count == 2, "\(log.problems)")
        let skipped = try #require(log.problems.last)
        #expect(skipped.hasPrefix("524123 records skipped as unreadable, the first because"), "\(skipped)")
        #expect(
            skipped.hasSuffix(
                "prb_desc[165] at 0xffffffff80001ff8: page 2 (pfn): not in the dump (excluded by dump level 1 or a hole)"
            ))
    }
}
