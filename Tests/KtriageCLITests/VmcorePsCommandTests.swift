import Foundation
import KtriageTestSupport
import Testing

@Suite("ktriage vmcore ps and the BTF facts of vmcore info")
struct VmcorePsCommandTests {
    static let dump = Fixtures.shared("vmcores/lkdtm-bug-smp2/vmcore.kdump-zlib")

    @Test(
        "ps lists crash's columns with the active tasks marked; JSON has the tasks",
        .enabled(if: Fixtures.sharedAvailable("vmcores"), "../shared/vmcores is absent"))
    func psOnSharedDump() throws {
        let table = try CommandRunner.run(["vmcore", "ps", Self.dump])
        #expect(table.status == 0)
        #expect(table.stdout.hasPrefix("      PID    PPID  CPU       TASK        ST  COMM\n"))
        // crash's lines for the same tasks (crash adds %MEM, VSZ and RSS columns).
        #expect(table.stdout.contains("        0       0    0  ffffffff8a21aa40  RU  [swapper/0]\n"))
        #expect(table.stdout.contains(">       0       0    1  ffff8a7f04a68000  RU  [swapper/1]\n"))
        #expect(table.stdout.contains(">     107       1    0  ffff8a7f06012100  RU  init\n"))
        #expect(table.stdout.contains("55 tasks: 37 ID, 15 IN, 3 RU\n"))
        #expect(table.stdout.contains("No task in UN (uninterruptible, D) state.\n"))
        let json = try CommandRunner.run(["vmcore", "ps", Self.dump, "--format", "json", "--state", "RU"])
        #expect(json.status == 0)
        let object = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any]
        let tasks = object?["tasks"] as? [[String: Any]] ?? []
        #expect(tasks.map { $0["pid"] as? Int } == [0, 0, 107])
        #expect(tasks.last?["task"] as? String == "0xffff8a7f06012100")
        #expect(tasks.last?["active"] as? Bool == true)
        #expect(object?["partial"] as? Bool == false)
    }

    @Test(
        "info adds crash's sys and mod facts",
        .enabled(if: Fixtures.sharedAvailable("vmcores"), "../shared/vmcores is absent"))
    func infoFacts() throws {
        let table = try CommandRunner.run(["vmcore", "info", Self.dump])
        #expect(table.status == 0)
        #expect(table.stdout.contains("Uptime:       00:00:06 (6.452 s, HZ 250)\n"))
        #expect(table.stdout.contains("Load average: 0.08, 0.02, 0.01\n"))
        #expect(table.stdout.contains("Memory:       127.5 MB\n"))
        #expect(table.stdout.contains("Taint:        DOE (0x3080: died, oot_module, unsigned_module)\n"))
        #expect(table.stdout.contains("  lkdtm               0xffffffffc0355000  65536  live  OE\n"))
        let json = try CommandRunner.run(["vmcore", "info", Self.dump, "--format", "json"])
        let object = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any]
        #expect(object?["tasks"] as? Int == 55)
        #expect(object?["uptime_seconds"] as? Double == 6.452)
        #expect(object?["load_average"] as? [Double] == [0.08, 0.02, 0.01])
        #expect(object?["memory_bytes"] as? Int == 133_685_248)
        #expect((object?["taint"] as? [String: Any])?["letters"] as? String == "DOE")
        #expect(
            object?["command_line"] as? String
                == "console=ttyS0,115200 oops=panic panic=0 loglevel=7 crashtype=BUG init_on_free=1")
        let modules = object?["modules"] as? [[String: Any]] ?? []
        #expect(modules.map { $0["name"] as? String } == ["qemu_fw_cfg", "lkdtm"])
        #expect(modules.map { $0["size"] as? Int } == [20480, 65536])
    }

    @Test("a dump without kallsyms or BTF: info says why the facts are missing, ps fails with the reason")
    func noTypes() throws {
        let kernel = SyntheticKernel(megabytes: 2, osRelease: "6.1.0-nobtf")
        kernel.addPrintkRingBuffer([.init(1_000_000, "Kernel panic - not syncing: x")])
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("ktriage-ps-\(getpid()).elf")
        try Data(ELFCoreWriter().write(kernel)).write(to: url)
        defer { try? FileManager.default.removeItem(at: url) }
        let info = try CommandRunner.run(["vmcore", "info", url.path])
        #expect(info.status == 0)
        #expect(info.stdout.contains("Facts:        no kernel symbols"))
        let ps = try CommandRunner.run(["vmcore", "ps", url.path])
        #expect(ps.status != 0)
        #expect(ps.stderr.contains("no kernel symbols"))
        #expect(ps.stderr.split(separator: "\n").count == 1)
    }
}

@Suite("ktriage vmcore bt")
struct VmcoreBtCommandTests {
    @Test(
        "active tasks by default, crash's layout; JSON frames with function, offset, module, address",
        .enabled(if: Fixtures.sharedAvailable("vmcores"), "../shared/vmcores is absent"))
    func bt() throws {
        let table = try CommandRunner.run(["vmcore", "bt", VmcorePsCommandTests.dump])
        #expect(table.status == 0)
        #expect(table.stdout.contains("PID: 107  TASK: ffff8a7f06012100  CPU: 0  COMMAND: \"init\"  (active)\n"))
        #expect(table.stdout.contains("    [exception RIP: lkdtm_BUG+0x5]\n"))
        #expect(table.stdout.contains("] direct_entry.cold+0x18 at ffffffffc0356900 [lkdtm]\n"))
        #expect(!table.stdout.contains("COMMAND: \"kthreadd\""))
        let json = try CommandRunner.run(["vmcore", "bt", VmcorePsCommandTests.dump, "2", "--format", "json"])
        let object = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any]
        let tasks = object?["tasks"] as? [[String: Any]] ?? []
        #expect(tasks.map { $0["comm"] as? String } == ["kthreadd"])
        let frames = tasks.first?["frames"] as? [[String: Any]] ?? []
        #expect(frames.map { $0["function"] as? String } == ["__schedule", "schedule", "kthreadd", "ret_from_fork"])
        #expect(frames.first?["offset"] as? String == "0x34d")
        #expect(frames.first?["address"] as? String == "0xffffffff8925271d")
    }
}
