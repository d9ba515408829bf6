import Foundation
import KernelDump
import KtriageTestSupport
import Testing

/// The fuzz seeds in `fixtures/vmcore/seeds/`: small dumps of `SeedKernel` in each container,
/// so that the dump targets start from inputs that reach kallsyms, BTF, the task list and the
/// unwinders (`Fuzz/seeds.sh`). Each committed seed must equal what the writers make now and
/// must still yield symbols, tasks and stacks through the public API, so a seed cannot rot
/// silently. A missing seed is recorded and the test fails once; `UPDATE_GOLDEN=1` re-records.
@Suite("Fuzz seeds in fixtures/vmcore/seeds")
struct DumpSeedTests {
    static let folder = TestPaths.fixtures.appendingPathComponent("seeds")
    static let names = [
        "x86-6.1-orc.kdump", "x86-6.1-scan.kdump", "x86-6.8-orc.flat", "x86-6.8-orc.elf", "arm64-6.1-frames.kdump",
        "arm64-6.1-frames.elf",
    ]
    /// libFuzzer cuts longer inputs (`Fuzz/run.sh`'s `-max_len` for the dump targets).
    static let maxLength = 65536

    static func build(_ name: String) -> [UInt8] {
        let machine: SeedKernel.Machine = name.hasPrefix("arm64") ? .arm64 : .x86_64
        let elf = name.hasSuffix(".elf")
        // Uncompressed ELF pages cost 4 KiB each: the printk ring goes into the compressed ones.
        // 6.8 ORC layout from BTF's struct orc_entry (ELF) or the .orc_header hash (flattened).
        let version: SeedKernel.Version = name.contains("6.8") ? .v6_8(orcEntryInBTF: elf) : .v6_1
        let seed = SeedKernel(machine, version, orc: !name.contains("scan"), log: !elf)
        if elf {
            var writer = ELFCoreWriter()
            writer.omitZeroPages = true
            return writer.write(seed.kernel)
        }
        var writer = KdumpWriter()
        writer.shareZeroPage = true
        writer.machine = machine == .x86_64 ? "x86_64" : "aarch64"
        writer.flattened = name.hasSuffix(".flat")
        return writer.write(seed.kernel)
    }

    @Test("each seed is what the writers make, and small enough for the fuzzers", arguments: names)
    func recorded(_ name: String) throws {
        let url = Self.folder.appendingPathComponent(name)
        let built = Self.build(name)
        #expect(built.count <= Self.maxLength, "\(name) is \(built.count) bytes")
        let update = ProcessInfo.processInfo.environment["UPDATE_GOLDEN"] == "1"
        if update || !FileManager.default.fileExists(atPath: url.path) {
            try FileManager.default.createDirectory(at: Self.folder, withIntermediateDirectories: true)
            try Data(built).write(to: url)
            Issue.record("recorded new seed \(name)")
            return
        }
        #expect(Fixtures.read(url.path) == built, "\(name) differs from what the writers make: re-record")
    }

    @Test("a seed's own kallsyms names its symbols and text", arguments: names)
    func kallsyms(_ name: String) throws {
        let dump = try Vmcore(path: Self.folder.appendingPathComponent(name).path)
        let found = dump.symbolAddresses(["init_task", "do_one_initcall", "runqueues", "__start_BTF", "missing"])
        #expect(found.keys.sorted() == ["__start_BTF", "do_one_initcall", "init_task", "runqueues"])
        let function = try #require(found["do_one_initcall"])
        #expect(dump.symbolize(function + 5) == "do_one_initcall+0x5")
        #expect(dump.symbolize(function - 0x100 + 0x10) == "asm_exc_invalid_op+0x10")
    }

    @Test("a seed's BTF, task list and facts read without a System.map", arguments: names)
    func facts(_ name: String) throws {
        let dump = try Vmcore(path: Self.folder.appendingPathComponent(name).path)
        let facts = dump.facts()
        #expect(facts.problems.isEmpty, "\(facts.problems)")
        #expect(facts.partial == false)
        #expect(facts.btf != nil)
        let tasks = try #require(facts.tasks)
        #expect(tasks.map(\.pid) == [0, 0, 1, 2, 3])
        #expect(tasks.map(\.comm) == ["swapper/0", "swapper/1", "init", "kworker/0:1", "init"])
        #expect(tasks.map(\.cpu) == [0, 1, 0, 0, 0])
        #expect(tasks.map(\.active) == [false, true, true, false, false])
        #expect(tasks.map(\.state) == ["RU", "RU", "RU", "ID", "IN"])
        #expect(facts.nodename == "seed")
        #expect(facts.hz == SeedKernel.hz)
        #expect(facts.uptimeSeconds == Double(SeedKernel.uptimeSeconds))
        #expect(facts.loadAverage == SeedKernel.loadAverage)
        #expect(facts.taint?.letters == "PO")
        #expect(facts.commandLine == SeedKernel.commandLine)
        let module = try #require(facts.modules?.first)
        #expect(facts.modules?.count == 1)
        #expect((module.name, module.state, module.taint) == ("seedmod", "live", "OE"))
        #expect(module.textSize == SeedKernel.Module.textSize)
    }

    @Test("a seed's stacks unwind: ORC and frame records, or the stack scan", arguments: names)
    func backtraces(_ name: String) throws {
        let dump = try Vmcore(path: Self.folder.appendingPathComponent(name).path)
        let result = dump.backtraces()
        #expect(result.traces.count == 5)
        let byTask = Dictionary(uniqueKeysWithValues: result.traces.map { ("\($0.pid)/\($0.cpu)/\($0.comm)", $0) })
        func functions(_ key: String) -> [String] { byTask[key]?.frames.map { $0.function ?? "?" } ?? [] }
        if name.contains("scan") {
            #expect(result.problems.contains { $0.contains("no ORC tables") }, "\(result.problems)")
            #expect(result.traces.allSatisfy { $0.frames.allSatisfy { !$0.reliable } })
            #expect(functions("1/0/init") == ["panic", "asm_exc_invalid_op", "ret_from_fork"])
            #expect(
                functions("2/0/kworker/0:1") == [
                    "__schedule", "schedule", "seed_work", "do_one_initcall", "ret_from_fork",
                ])
            return
        }
        #expect(result.problems.isEmpty, "\(result.problems)")
        for trace in result.traces { #expect(trace.problem == nil, "\(trace.pid): \(trace.problem ?? "")") }
        #expect(
            functions("1/0/init") == ["crash_kexec", "panic", "asm_exc_invalid_op", "do_one_initcall", "ret_from_fork"])
        // x86-64 marks the interrupted ip (the pt_regs frame), arm64 the exception frame's pc.
        let exception =
            name.hasPrefix("arm64") ? [false, false, true, false, false] : [false, false, false, true, false]
        #expect(byTask["1/0/init"]?.frames.map(\.exception) == exception)
        #expect(
            functions("2/0/kworker/0:1") == ["__schedule", "schedule", "seed_work", "do_one_initcall", "ret_from_fork"])
        #expect(byTask["2/0/kworker/0:1"]?.frames.map(\.module) == [nil, nil, "seedmod", nil, nil])
        #expect(functions("0/1/swapper/1") == ["default_idle", "ret_from_fork"])
    }
}
