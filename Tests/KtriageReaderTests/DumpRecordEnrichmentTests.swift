import KernelLog
import KtriageReader
import KtriageTestSupport
import Testing

/// A dump's record gains from memory what its log did not print, and keeps what it did.
@Suite("Dump records: modules and taint from memory")
struct DumpRecordEnrichmentTests {
    static let panicDump = "vmcores/lkdtm-panic/vmcore.kdump-zlib"
    static let bugDump = "vmcores/lkdtm-bug-smp2/vmcore.kdump-zlib"

    @Test("a panic prints no module list: the record gets the dump's modules, in crash's order")
    func modulesFromMemory() throws {
        guard Fixtures.sharedAvailable(Self.panicDump) else {
            print("skipped: ../shared/\(Self.panicDump) is absent")
            return
        }
        let records = try CrashReader().records(path: Fixtures.shared(Self.panicDump))
        let record = try #require(records.first { $0.linkedTo == nil })
        #expect(record.modules.map(\.name) == ["qemu_fw_cfg", "lkdtm"])
        #expect(record.modules.last?.taint == "OE")
    }

    @Test("an oops that printed its module list keeps it as printed")
    func printedModulesKept() throws {
        guard Fixtures.sharedAvailable(Self.bugDump) else {
            print("skipped: ../shared/\(Self.bugDump) is absent")
            return
        }
        let records = try CrashReader().records(path: Fixtures.shared(Self.bugDump))
        let record = try #require(records.first { $0.linkedTo == nil })
        // The log's `Modules linked in: lkdtm(OE) qemu_fw_cfg` order, not the dump's list order.
        #expect(record.modules.map(\.name) == ["lkdtm", "qemu_fw_cfg"])
        #expect(record.taint?.letters == "GOE")  // as printed before the BUG set D
    }
}
