import KernelDump
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
}
