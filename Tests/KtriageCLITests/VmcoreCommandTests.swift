import Foundation
import KtriageTestSupport
import Testing

private func temporaryDump(_ bytes: [UInt8], name: String) throws -> String {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("ktriage-cli-\(getpid())-\(name)")
    try Data(bytes).write(to: url)
    return url.path
}

private func kernel() -> SyntheticKernel {
    let kernel = SyntheticKernel(megabytes: 2, osRelease: "6.1.0-cli")
    kernel.addUtsname(["Linux", "clihost", "6.1.0-cli", "#7 SMP cli", "x86_64", ""])
    kernel.cpus = [(99, SyntheticKernel.registers(rip: 0xffff_ffff_8100_0010, rsp: 0xffff_c900_0000_1000))]
    kernel.addPrintkRingBuffer([
        .init(1_000_000, "hello"), .init(2_000_000, "CPU: 0 PID: 99 Comm: sh"),
        .init(3_000_000, "Kernel panic - not syncing: cli test", caller: 0x8000_0000),
    ])
    kernel.vmcoreinfo.append("CRASHTIME=1700000000")
    return kernel
}

@Suite("ktriage vmcore")
struct VmcoreCommandTests {
    @Test func dmesg() throws {
        let path = try temporaryDump(KdumpWriter().write(kernel()), name: "dmesg.kdump")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let result = try CommandRunner.run(["vmcore", "dmesg", path])
        #expect(result.status == 0)
        #expect(
            result.stdout
                == "[    0.001000] hello\n[    0.002000] CPU: 0 PID: 99 Comm: sh\n[    0.003000] Kernel panic - not syncing: cli test\n"
        )
        let caller = try CommandRunner.run(["vmcore", "dmesg", path, "--caller-id"])
        #expect(caller.stdout.hasSuffix("[    0.003000] [    C0] Kernel panic - not syncing: cli test\n"))
        let wall = try CommandRunner.run(["vmcore", "dmesg", path, "--wall-clock"])
        #expect(
            wall.stdout.hasSuffix("[2023-11-14 22:13:20.000000 UTC] Kernel panic - not syncing: cli test\n"))
    }

    @Test("the plain forms skip ArgumentParser: same output, errors and status as through it")
    func plainArgumentsMatchArgumentParser() throws {
        let path = try temporaryDump(KdumpWriter().write(kernel()), name: "plain.kdump")
        defer { try? FileManager.default.removeItem(atPath: path) }
        // `--` is not a plain form, so the second command of each pair goes through ArgumentParser.
        let pairs: [([String], [String])] = [
            (["vmcore", "dmesg", path], ["vmcore", "dmesg", "--", path]),
            (
                ["vmcore", "dmesg", "--wall-clock", path, "--caller-id"],
                ["vmcore", "dmesg", "--caller-id", "--wall-clock", "--", path]
            ),
            (["vmcore", "dmesg", "/nonexistent"], ["vmcore", "dmesg", "--", "/nonexistent"]),
        ]
        for (plain, parsed) in pairs {
            let fast = try CommandRunner.run(plain)
            let full = try CommandRunner.run(parsed)
            #expect(fast.status == full.status)
            #expect(fast.stdout == full.stdout)
            #expect(fast.stderr == full.stderr)
        }
    }

    @Test func infoTableAndJSON() throws {
        let path = try temporaryDump(ELFCoreWriter().write(kernel()), name: "info.elf")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let table = try CommandRunner.run(["vmcore", "info", path])
        #expect(table.status == 0)
        #expect(table.stdout.contains("Release:      6.1.0-cli"))
        #expect(table.stdout.contains("Panic:        Kernel panic - not syncing: cli test"))
        #expect(table.stdout.contains("* CPU 0  pid 99"))
        let json = try CommandRunner.run(["vmcore", "info", path, "--format", "json"])
        #expect(json.status == 0)
        let object = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any]
        #expect(object?["release"] as? String == "6.1.0-cli")
        #expect(object?["schema"] as? Int == 3)
        #expect(object?["crashing_cpu"] as? Int == 0)
        #expect(object?["crash_time"] as? Int == 1_700_000_000)
        #expect((object?["crash_record"] as? [String: Any])?["kind"] as? String == "panic")
        let keys = Self.keys(object ?? [:])
        #expect(keys.contains("pc_symbol") || keys.contains("log_pid"))
        #expect(keys.allSatisfy { $0 == $0.lowercased() }, "not snake_case: \(keys.filter { $0 != $0.lowercased() })")
        #expect((object?["vmcoreinfo"] as? [[String: String]])?.contains { $0["key"] == "CRASHTIME" } == true)
    }

    /// Every object key in `value`, but not the register names a crash record's `registers` maps.
    static func keys(_ value: Any) -> [String] {
        if let object = value as? [String: Any] {
            return object.flatMap { key, inner in
                [key] + (key == "registers" && inner is [String: Any] ? [] : keys(inner))
            }
        }
        if let array = value as? [Any] { return array.flatMap(keys) }
        return []
    }

    @Test func systemMapSymbolizesRIP() throws {
        let path = try temporaryDump(ELFCoreWriter().write(kernel()), name: "map.elf")
        // The map's release comes from its name; a map of another build is refused.
        let folder = Fixtures.temporaryFolder("ktriage-map")
        let symbols = Array("ffffffff81000000 T _stext\nffffffff81000000 T do_thing\nffffffff81000100 T other\n".utf8)
        let map = folder + "/System.map-6.1.0-cli"
        let other = folder + "/System.map-6.1.0-other"
        Fixtures.write(symbols, to: map)
        Fixtures.write(symbols, to: other)
        defer {
            try? FileManager.default.removeItem(atPath: path)
            try? FileManager.default.removeItem(atPath: folder)
        }
        let result = try CommandRunner.run(["vmcore", "info", path, "--system-map", map])
        #expect(result.stdout.contains("do_thing+0x10"))
        let refused = try CommandRunner.run(["vmcore", "info", path, "--system-map", other])
        #expect(!refused.stdout.contains("do_thing"))
        #expect(refused.stdout.contains("does not fit this dump"))
    }

    @Test func errorsAreOneLineWithNonZeroExit() throws {
        let path = try temporaryDump(Array(repeating: 0x41, count: 64), name: "junk")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let result = try CommandRunner.run(["vmcore", "dmesg", path])
        #expect(result.status != 0)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr.split(separator: "\n").count == 1)
        #expect(result.stderr.contains("\(path): at byte 0: magic:"))
        let missing = try CommandRunner.run(["vmcore", "info", "/nonexistent/vmcore"])
        #expect(missing.status != 0)
        #expect(missing.stderr.contains("/nonexistent/vmcore"))
    }

    @Test func partialResultsExitNonZero() throws {
        var writer = KdumpWriter()
        writer.writtenPages = 200
        let path = try temporaryDump(writer.write(kernel()), name: "partial.kdump")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let info = try CommandRunner.run(["vmcore", "info", path])
        #expect(info.status != 0)
        #expect(info.stdout.contains("Release:      6.1.0-cli"))
        #expect(info.stdout.contains("Missing:"))
        #expect(info.stderr.split(separator: "\n").count == 1)
        #expect(info.stderr.contains("\(path): incomplete: "))
        let dmesg = try CommandRunner.run(["vmcore", "dmesg", path])
        #expect(dmesg.status != 0)
        #expect(dmesg.stderr.split(separator: "\n").count == 1)
    }

    @Test func helpExplainsWithExamples() throws {
        for command in [["vmcore", "info", "--help"], ["vmcore", "dmesg", "--help"]] {
            let result = try CommandRunner.run(command)
            #expect(result.status == 0)
            #expect(result.stdout.contains("Examples:"))
            #expect(result.stdout.contains("ktriage vmcore"))
        }
    }
}
