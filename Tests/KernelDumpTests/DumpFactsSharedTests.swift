import Foundation
import Testing

@testable import KernelDump

extension SharedDump {
    /// crash's `sys`/`mod`/`ps` transcript for this case, when the case has one (one dump per case
    /// was run; the other formats of the same case must give the same facts).
    var metaTranscript: URL? {
        let folder = TestPaths.sharedVmcores.appendingPathComponent("\(caseName)/peers")
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        return names.first { $0.hasPrefix("crash-vmlinux-meta.") && $0.hasSuffix(".out") }.map {
            folder.appendingPathComponent($0)
        }
    }
}

@Suite(
    "Dump facts against crash 8.0.2 + vmlinux",
    .enabled(if: TestPaths.hasSharedVmcores, "../shared/vmcores is absent: skipped"))
struct DumpFactsSharedTests {
    @Test("sys, sys -t, mod and ps facts equal crash's", arguments: SharedDump.all)
    func factsMatchCrash(_ dump: SharedDump) throws {
        guard let transcript = dump.metaTranscript else { return }
        let expected = CrashMetaTranscript(text: try String(contentsOf: transcript, encoding: .utf8))
        let vmcore = try Vmcore(path: try dump.path())
        let facts = vmcore.facts()
        #expect(facts.problems.isEmpty, "\(facts.problems)")
        #expect(facts.btf != nil)
        // crash prints whole seconds, truncated.
        #expect(facts.uptimeSeconds.map { Int($0) } == expected.uptime)
        #expect(facts.hz == 250)
        #expect(facts.loadAverage == expected.loadAverage)
        #expect(facts.nodename == expected.nodename)
        if let memory = facts.memoryBytes, let crashMB = expected.memoryMB {
            #expect(abs(Double(memory) / 1_048_576 - crashMB) <= 0.05)
        } else {
            Issue.record(
                "memory missing: \(String(describing: facts.memoryBytes)) vs \(String(describing: expected.memoryMB))")
        }
        #expect(facts.taint?.mask == expected.taintMask)
        #expect(facts.taint?.letters == expected.taintLetters)
        #expect(facts.commandLine == expected.commandLine)
        let modules = (facts.modules ?? []).map {
            CrashMetaTranscript.Module(name: $0.name, base: $0.base, size: $0.size)
        }
        #expect(modules.sorted { $0.name < $1.name } == expected.modules.sorted { $0.name < $1.name })
        // lkdtm is built out of tree and unsigned (README); qemu_fw_cfg is Debian's own.
        #expect(facts.modules?.map(\.state) == ["live", "live"])
        #expect(facts.modules?.first { $0.name == "lkdtm" }?.taint == "OE")
        #expect(facts.modules?.first { $0.name == "qemu_fw_cfg" }?.taint == "")
        // crash 8.0.2 finds only the tasks it can look up in the PID hash (its README: "active task …
        // not found in PID hash"); every task it lists must be in ours, with the same columns.
        let tasks = facts.tasks ?? []
        #expect(tasks.count >= expected.tasks.count)
        for crashTask in expected.tasks {
            let ours = tasks.first { $0.task == crashTask.task }
            #expect(ours?.pid == crashTask.pid, "task \(String(crashTask.task, radix: 16))")
            #expect(ours?.cpu == crashTask.cpu)
            #expect(ours?.state == crashTask.state)
            #expect(ours?.comm == crashTask.comm)
            #expect(ours?.active == crashTask.active)
            // crash shows -1 when it cannot find the parent in its table.
            if crashTask.ppid >= 0 { #expect(ours?.ppid == crashTask.ppid) }
        }
        #expect(tasks.filter(\.active).count == vmcore.cpus.count)
    }
}

@Suite(
    "Dump facts through a System.map",
    .enabled(if: TestPaths.hasSharedVmcores, "../shared/vmcores is absent: skipped"))
struct DumpFactsSystemMapTests {
    /// `address type name` lines of the shared System.map, for the names the facts need.
    static func mapSymbols() throws -> [String: UInt64] {
        let text = try String(
            contentsOf: TestPaths.sharedVmcores.appendingPathComponent("System.map-6.1.0-56-amd64"), encoding: .utf8)
        var symbols: [String: UInt64] = [:]
        for line in text.split(separator: "\n") {
            let fields = line.split(separator: " ")
            guard fields.count == 3, Vmcore.factSymbolNames.contains(String(fields[2])),
                let address = UInt64(fields[0], radix: 16)
            else { continue }
            symbols[String(fields[2])] = address
        }
        return symbols
    }

    @Test(
        "System.map symbols (KASLR slide from VMCOREINFO, per-CPU offsets unslid) give kallsyms' facts",
        arguments: ["lkdtm-bug-smp2/vmcore.kdump-zlib", "lkdtm-panic/vmcore.kdump-zlib"])
    func systemMapEqualsKallsyms(_ name: String) throws {
        let path = TestPaths.sharedVmcores.appendingPathComponent(name).path
        let fromKallsyms = try Vmcore(path: path).facts()
        let fromMap = DumpFactsReader.read(try Vmcore(path: path), systemMap: try Self.mapSymbols(), useKallsyms: false)
        #expect(fromMap.problems.isEmpty, "\(fromMap.problems)")
        #expect(fromMap == fromKallsyms)
        #expect(fromMap.taskCount ?? 0 > 40)
    }
}
