import KernelDump
import KtriageTestSupport
import Testing

/// Inputs the fuzzers found once the seeds reached kallsyms, BTF, the task walk and the unwinders
/// (`fixtures/vmcore/seeds/`), kept so the fix stays fixed.
@Suite("Fuzz regressions past the log walk")
struct DeepFuzzRegressionTests {
    /// FuzzVmcore, 2026-12-05 (release, second minute of the first run with the deep seeds): the
    /// x86-6.8 ELF seed with `SYMBOL(kallsyms_token_table)=0000000080000000`, more than Int.max
    /// below `kallsyms_token_index`. The token table's length was converted to Int before it was
    /// bounded to 64 KiB, which trapped.
    @Test("kallsyms whose token table lies more than Int.max below its index: no symbols, a stated reason")
    func kallsymsTokenTableFar() throws {
        let dump = try Vmcore(path: Fixtures.path("vmcore/regressions/elf-kallsyms-token-table-far.bin"))
        #expect(dump.symbolAddresses(["init_task", "do_one_initcall"]).isEmpty)
        #expect(dump.symbolize(0xffff_ffff_8010_7405) == nil)
        let facts = dump.facts()
        #expect(facts.tasks == nil)
        #expect(
            facts.problems.contains { $0.contains("VMCOREINFO locates kallsyms but the table could not be read") },
            "\(facts.problems)")
        #expect(dump.backtraces().traces.isEmpty)
    }
}
