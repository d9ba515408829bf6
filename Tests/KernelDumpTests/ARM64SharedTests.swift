import Foundation
import KtriageTestSupport
import Testing

@testable import KernelDump

/// One real arm64 dump in `../shared/vmcores-arm64` (Debian 6.1 arm64 under QEMU, and a real
/// in-guest kdump). The QEMU ELF dumps (268 and 403 MB once decompressed) are read only with
/// `KTRIAGE_ARM64_ELF=1`: the synthetic ELF tests cover that container.
struct ARM64SharedDump: CustomTestStringConvertible, Sendable {
    var caseName: String
    var dump: String
    var testDescription: String { "\(caseName)/\(dump)" }

    static let root = URL(fileURLWithPath: Fixtures.shared("vmcores-arm64"))
    static var present: Bool {
        FileManager.default.fileExists(atPath: root.appendingPathComponent("README.md").path)
    }

    static let all: [ARM64SharedDump] =
        [
            ARM64SharedDump(caseName: "arm64-sysrq-c", dump: "kdump-zlib"),
            ARM64SharedDump(caseName: "arm64-bug-smp2", dump: "kdump-zlib"),
            ARM64SharedDump(caseName: "arm64-kdump-guest-corrupt-list-add", dump: "makedumpfile-c-d31"),
        ]
        + (ProcessInfo.processInfo.environment["KTRIAGE_ARM64_ELF"] == "1"
            ? [
                ARM64SharedDump(caseName: "arm64-sysrq-c", dump: "elf"),
                ARM64SharedDump(caseName: "arm64-bug-smp2", dump: "elf"),
            ] : [])

    var folder: URL { Self.root.appendingPathComponent(caseName) }

    func path() throws -> String {
        let source = folder.appendingPathComponent("vmcore.\(dump)")
        guard dump == "elf" else { return source.path }
        return try GunzipCache.shared.path(for: source.path + ".gz", name: "\(caseName).vmcore.\(dump)")
    }

    /// The log every peer read from the dump: the console without `\r`; for the in-guest kdump
    /// the capture kernel's vmcore-dmesg (the console goes on with the capture kernel's boot).
    func expectedLog() throws -> String {
        let vmcoreDmesg = folder.appendingPathComponent("kdump-guest/dmesg.vmcore-dmesg.txt")
        if FileManager.default.fileExists(atPath: vmcoreDmesg.path) {
            return try String(contentsOf: vmcoreDmesg, encoding: .utf8)
        }
        let console = try String(contentsOf: folder.appendingPathComponent("console.log"), encoding: .utf8)
        return console.replacingOccurrences(of: "\r", with: "")
    }

    var crashTranscript: CrashMetaTranscript? {
        let url = folder.appendingPathComponent("peers/crash-arm64.\(dump).out")
        return (try? String(contentsOf: url, encoding: .utf8)).map(CrashMetaTranscript.init(text:))
    }

    /// The facts' symbols from the real System.map (this kernel's kallsyms lacks data symbols:
    /// `CONFIG_KALLSYMS_ALL` is not set, so `__start_BTF` and friends are only in the map).
    static func mapSymbols() throws -> [String: UInt64] {
        let text = try String(contentsOf: root.appendingPathComponent("System.map-6.1.0-56-arm64"), encoding: .utf8)
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
}

@Suite(
    "arm64 dumps in ../shared/vmcores-arm64",
    .enabled(if: ARM64SharedDump.present, "../shared/vmcores-arm64 is absent: skipped"))
struct ARM64SharedTests {
    @Test("vmcore dmesg is byte-exact with the console log", arguments: ARM64SharedDump.all)
    func dmesg(_ dump: ARM64SharedDump) throws {
        let vmcore = try Vmcore(path: try dump.path())
        let text = DmesgFormatter().format(try vmcore.kernelLog().records)
        #expect(text == (try dump.expectedLog()))
    }

    @Test("vmcore info: machine, release, CPUs and the panic message as crash words it", arguments: ARM64SharedDump.all)
    func info(_ dump: ARM64SharedDump) throws {
        let vmcore = try Vmcore(path: try dump.path())
        #expect(vmcore.machine.name == "aarch64")
        let (summary, _) = VmcoreSummary.make(vmcore)
        #expect(summary.machine == "aarch64")
        #expect(summary.release == "6.1.0-56-arm64")
        #expect(summary.version == "#1 SMP Debian 6.1.192-2 (2026-11-16)")
        #expect(summary.pagingLevels == 4)
        let crash = try #require(dump.crashTranscript)
        #expect(summary.panicMessage == crash.panic)
        #expect(summary.crashingCPU != nil)
        for cpu in summary.cpus {
            #expect(cpu.registerNames.pc == "pc")
            #expect(cpu.registers.count == 34)
            // Every CPU stopped in kernel text: kallsyms names its pc.
            #expect(cpu.pcSymbol != nil, "CPU \(cpu.cpu) pc \(cpu.pc ?? "?")")
            #expect(cpu.lr?.hasPrefix("0xffff") == true)
        }
    }

    @Test("the QEMU ELF dumps' registers equal the arm64 prstatus decoding", arguments: ARM64SharedDump.all)
    func registers(_ dump: ARM64SharedDump) throws {
        let url = dump.folder.appendingPathComponent("peers/prstatus-arm64.\(dump.dump).out")
        guard let text = try? String(contentsOf: url, encoding: .utf8) else { return }
        let vmcore = try Vmcore(path: try dump.path())
        for line in text.split(separator: "\n") {
            // CPU 0 pr_pid 1 pc 0x… sp 0x… pstate 0x… lr(x30) 0x… x16 0x… x19 0x…
            let words = line.split(separator: " ").map(String.init)
            guard words.count >= 16, let index = Int(words[1]), index < vmcore.cpus.count else {
                Issue.record("unexpected line \(line)")
                continue
            }
            let cpu = vmcore.cpus[index]
            func value(_ name: String) -> UInt64? {
                words.firstIndex(of: name).flatMap { UInt64(words[$0 + 1].dropFirst(2), radix: 16) }
            }
            #expect(Int32(words[3]) == cpu.pid)
            #expect(value("pc") == cpu.instructionPointer)
            #expect(value("sp") == cpu.stackPointer)
            #expect(value("pstate") == cpu.register("pstate"))
            #expect(value("lr(x30)") == cpu.linkRegister)
            #expect(value("x16") == cpu.register("x16"))
            #expect(value("x19") == cpu.register("x19"))
        }
    }

    @Test("uptime, load, taint, command line, modules and ps equal crash-arm64's", arguments: ARM64SharedDump.all)
    func facts(_ dump: ARM64SharedDump) throws {
        let expected = try #require(dump.crashTranscript)
        let vmcore = try Vmcore(path: try dump.path())
        let facts = vmcore.facts(systemMap: try ARM64SharedDump.mapSymbols())
        #expect(facts.problems.isEmpty, "\(facts.problems)")
        #expect(facts.uptimeSeconds.map { Int($0) } == expected.uptime)
        #expect(facts.loadAverage == expected.loadAverage)
        #expect(facts.nodename == expected.nodename)
        if let memory = facts.memoryBytes, let crashMB = expected.memoryMB {
            #expect(abs(Double(memory) / 1_048_576 - crashMB) <= 0.05)
        }
        #expect(facts.taint?.mask == expected.taintMask)
        #expect(facts.taint?.letters == expected.taintLetters)
        #expect(facts.commandLine == expected.commandLine)
        let modules = (facts.modules ?? []).map {
            CrashMetaTranscript.Module(name: $0.name, base: $0.base, size: $0.size)
        }
        #expect(modules.sorted { $0.name < $1.name } == expected.modules.sorted { $0.name < $1.name })
        // crash-arm64 lists only the tasks it finds in its PID hash (README); each must be ours.
        let tasks = facts.tasks ?? []
        #expect(tasks.count > 40)
        for crashTask in expected.tasks {
            let ours = tasks.first { $0.task == crashTask.task }
            #expect(ours?.pid == crashTask.pid, "task \(String(crashTask.task, radix: 16))")
            #expect(ours?.cpu == crashTask.cpu)
            #expect(ours?.state == crashTask.state)
            #expect(ours?.comm == crashTask.comm)
            #expect(ours?.active == crashTask.active)
        }
    }
}

@Suite(
    "arm64 frame-record backtraces against crash-arm64",
    .enabled(if: ARM64SharedDump.present, "../shared/vmcores-arm64 is absent: skipped"))
struct ARM64BacktraceSharedTests {
    /// Whether `part` appears in `whole` in order (other frames may lie between).
    static func isSubsequence(_ part: [String], of whole: [String]) -> Bool {
        var remaining = whole[...]
        for item in part {
            guard let found = remaining.firstIndex(of: item) else { return false }
            remaining = remaining[(found + 1)...]
        }
        return true
    }

    @Test(
        "sleeping tasks: crash's frames are ours; running tasks: crash's from our first frame on, in order",
        arguments: ARM64SharedDump.all)
    func framesMatchCrash(_ dump: ARM64SharedDump) throws {
        let url = dump.folder.appendingPathComponent("peers/crash-arm64.\(dump.dump).out")
        let expected = crashBacktraces(try String(contentsOf: url, encoding: .utf8))
        let result = try Vmcore(path: try dump.path()).backtraces(systemMap: try ARM64SharedDump.mapSymbols())
        #expect(result.problems.isEmpty, "\(result.problems)")
        #expect(result.programCounterName == "PC")
        #expect(result.traces.count > 40)
        #expect(result.traces.allSatisfy { $0.problem == nil }, "\(result.traces.compactMap(\.problem))")
        #expect(result.traces.allSatisfy { $0.frames.count >= 3 })
        var compared = 0
        for (task, crash) in expected where !crash.functions.isEmpty {
            let trace = try #require(result.traces.first { $0.task == task })
            let ours = trace.frames.map { $0.function ?? "?" }
            if trace.active {
                // The registers a CPU saved are where our unwind starts; crash may show the
                // crash_kexec or IPI frames above them first.
                let start = try #require(crash.functions.firstIndex(of: ours[0]), "\(ours) vs \(crash.functions)")
                #expect(Self.isSubsequence(Array(crash.functions[start...]), of: ours), "\(ours) vs \(crash.functions)")
            } else {
                // crash stops at start_kernel / secondary_start_kernel; the head.S callers follow.
                #expect(Array(ours.prefix(crash.functions.count)) == crash.functions, "\(ours) vs \(crash.functions)")
            }
            compared += 1
        }
        #expect(compared >= 1)
    }
}

@Suite(
    "arm64 CPUs unwound without a task list",
    .enabled(if: ARM64SharedDump.present, "../shared/vmcores-arm64 is absent: skipped"))
struct ARM64RegistersOnlyTests {
    @Test(
        "without --system-map each CPU's stack still comes from its registers, as with the task list",
        arguments: ARM64SharedDump.all)
    func cpusWithoutTasks(_ dump: ARM64SharedDump) throws {
        let vmcore = try Vmcore(path: try dump.path())
        let bare = vmcore.backtraces()
        #expect(bare.problems.contains { $0.contains("each CPU unwound from its registers alone") })
        #expect(bare.traces.map(\.cpu) == vmcore.cpus.map(\.cpu))
        let full = try Vmcore(path: try dump.path()).backtraces(systemMap: try ARM64SharedDump.mapSymbols()).traces
        for trace in bare.traces {
            #expect(trace.pid == -1 && trace.task == 0 && trace.problem == nil)
            // Kernel frames are named alike; module frames (no module list) and the callers kept
            // only in an exception frame's x30 (no BTF to find pt_regs) are the difference.
            let withTasks = try #require(full.first { $0.active && $0.cpu == trace.cpu })
            let named = trace.frames.compactMap(\.function)
            #expect(named.count >= 5)
            #expect(
                ARM64BacktraceSharedTests.isSubsequence(named, of: withTasks.frames.compactMap(\.function)),
                "\(named) vs \(withTasks.frames.compactMap(\.function))")
        }
    }
}

@Suite(
    "Stack scan fallback on real arm64 dumps",
    .enabled(if: ARM64SharedDump.present, "../shared/vmcores-arm64 is absent: skipped"))
struct StackScanSharedTests {
    @Test(
        "scanning each stack finds the frame-record unwinder's return addresses, in order, all marked unreliable",
        arguments: ARM64SharedDump.all)
    func scanCoversFrameRecords(_ dump: ARM64SharedDump) throws {
        let vmcore = try Vmcore(path: try dump.path())
        let (facts, reader) = DumpFactsReader.readWithReader(vmcore, systemMap: try ARM64SharedDump.mapSymbols())
        let tasks = try #require(facts.tasks)
        let unwound = vmcore.backtraces(systemMap: try ARM64SharedDump.mapSymbols()).traces
        let scanned = DumpBacktraceReader.scanStacks(
            vmcore, facts: facts, reader: try #require(reader), tasks: tasks, reason: "test")
        #expect(scanned.problems.count == 1)
        var compared = 0
        // The boot task's bottom frames (start_kernel …) lie in .init.text, freed (and with
        // init_on_free zeroed) after boot: no call instruction is left to confirm them.
        for trace in unwound
        where !trace.active && trace.problem == nil && !trace.frames.contains(where: { $0.function == "start_kernel" })
        {
            let scan = try #require(scanned.traces.first { $0.task == trace.task })
            #expect(scan.frames.allSatisfy { !$0.reliable })
            // Frame records hold return addresses on the task's own stack; the first frame
            // (cpu_context.pc) is not stored on it.
            let onStack = trace.frames.dropFirst().filter { $0.stackPointer >= trace.frames[0].stackPointer }
            #expect(
                ARM64BacktraceSharedTests.isSubsequence(
                    onStack.map { String($0.address, radix: 16) }, of: scan.frames.map { String($0.address, radix: 16) }
                ),
                "pid \(trace.pid): \(onStack.map(\.function)) vs \(scan.frames.map(\.function))")
            compared += 1
        }
        #expect(compared > 40)
    }
}

@Suite(
    "Stack scan fallback on real x86-64 dumps",
    .enabled(if: TestPaths.hasSharedVmcores, "../shared/vmcores is absent: skipped"))
struct X86StackScanSharedTests {
    @Test(
        "scanning each sleeping task's stack finds ORC's return addresses in order (call rel32 / call r/m before each)",
        arguments: SharedDump.all.filter { !$0.gzipped })
    func scanCoversORC(_ dump: SharedDump) throws {
        let vmcore = try Vmcore(path: try dump.path())
        let (facts, reader) = DumpFactsReader.readWithReader(vmcore, systemMap: nil)
        let tasks = try #require(facts.tasks)
        let unwound = vmcore.backtraces().traces
        let scanned = DumpBacktraceReader.scanStacks(
            vmcore, facts: facts, reader: try #require(reader), tasks: tasks, reason: "test")
        var compared = 0
        // Idle tasks end in .init.text (freed after boot) or head_64.S, which enters C through a
        // pushed address rather than a call: neither can be confirmed by a call instruction.
        for trace in unwound
        where !trace.active && trace.pid != 0 && trace.problem == nil && !trace.frames.contains(where: \.exception) {
            let scan = try #require(scanned.traces.first { $0.task == trace.task })
            let ours = trace.frames.map { String($0.address, radix: 16) }
            let found = scan.frames.map { String($0.address, radix: 16) }
            #expect(ARM64BacktraceSharedTests.isSubsequence(ours, of: found), "pid \(trace.pid): \(ours) vs \(found)")
            compared += 1
        }
        #expect(compared > 40)
    }
}
