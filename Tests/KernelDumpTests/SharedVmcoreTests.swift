import Foundation
import KernelDump
import Testing

/// What crash (with the debug vmlinux: the ground truth) printed for one dump: `sys`, `bt -a`,
/// `log`, `ps`, in that order, in `peers/crash-vmlinux.<dump>.out`.
struct CrashTranscript {
    var release: String?
    var cpuCount: Int?
    var panic: String?
    var crashingCPU: Int?
    var log: [String]

    init(text: String) {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        var log: [String] = []
        var inLog = false
        var cpuBlocks: [(cpu: Int, lines: [String])] = []
        for line in lines {
            let trimmed = line.drop { $0 == " " }
            if trimmed.hasPrefix("RELEASE: ") { release = String(trimmed.dropFirst(9)) }
            if trimmed.hasPrefix("CPUS: ") { cpuCount = Int(trimmed.dropFirst(6).prefix { $0.isNumber }) }
            if trimmed.hasPrefix("PANIC: ") {
                panic = String(trimmed.dropFirst(7)).trimmingCharacters(in: CharacterSet(charactersIn: "\""))
            }
            if line.hasPrefix("PID: "), let range = line.range(of: "CPU: ") {
                cpuBlocks.append((Int(line[range.upperBound...].prefix { $0.isNumber }) ?? -1, []))
            } else if !inLog, !cpuBlocks.isEmpty {
                cpuBlocks[cpuBlocks.count - 1].lines.append(line)
            }
            if line.hasPrefix("      PID    PPID") { inLog = false }
            if !inLog, line.hasPrefix("["), line.contains("] "), log.isEmpty { inLog = true }
            if inLog { log.append(line) }
        }
        self.log = log
        // The crashing CPU is the one not stopped by the crash NMI / reboot IPI.
        let running = cpuBlocks.filter { block in
            !block.lines.contains { $0.contains("crash_nmi_callback") || $0.contains("stop_this_cpu") }
        }
        crashingCPU = running.count == 1 ? running[0].cpu : (cpuBlocks.count == 1 ? cpuBlocks[0].cpu : nil)
    }
}

/// One real dump of the lab set with its crash transcript.
struct SharedDump: CustomTestStringConvertible, Sendable {
    var caseName: String
    var dump: String
    var gzipped: Bool
    var testDescription: String { "\(caseName)/\(dump)" }

    static let all: [SharedDump] = [
        SharedDump(caseName: "lkdtm-bug-smp2", dump: "kdump-zlib", gzipped: false),
        SharedDump(caseName: "lkdtm-bug-smp2", dump: "kdump-zlib.rearranged", gzipped: false),
        SharedDump(caseName: "kdump-guest-corrupt-list-add", dump: "makedumpfile-c-d31", gzipped: false),
        SharedDump(caseName: "lkdtm-panic", dump: "kdump-zlib", gzipped: false),
        SharedDump(caseName: "lkdtm-panic", dump: "elf", gzipped: true),
        SharedDump(caseName: "lkdtm-panic", dump: "elf-paging", gzipped: true),
        SharedDump(caseName: "lkdtm-softlockup", dump: "kdump-zlib", gzipped: false),
    ]

    var transcript: URL {
        TestPaths.sharedVmcores.appendingPathComponent("\(caseName)/peers/crash-vmlinux.\(dump).out")
    }

    /// The dump's path; gzipped ELF dumps are decompressed once per test process (shared).
    func path() throws -> String {
        let source = TestPaths.sharedVmcores.appendingPathComponent("\(caseName)/vmcore.\(dump)")
        guard gzipped else { return source.path }
        return try GunzipCache.shared.path(for: source.path + ".gz", name: "\(caseName).vmcore.\(dump)")
    }
}

/// Decompresses each gzipped dump once per test run into the run's temporary folder.
final class GunzipCache: @unchecked Sendable {
    static let shared = GunzipCache()
    private let lock = NSLock()
    private var done: [String: String] = [:]

    func path(for gzip: String, name: String) throws -> String {
        lock.lock()
        defer { lock.unlock() }
        if let hit = done[gzip] { return hit }
        let target = TestPaths.temporary.appendingPathComponent(name)
        _ = FileManager.default.createFile(atPath: target.path, contents: nil)
        let output = try FileHandle(forWritingTo: target)
        defer { try? output.close() }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/gzip")
        process.arguments = ["-dc", gzip]
        process.standardOutput = output
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw CocoaError(.fileReadCorruptFile) }
        done[gzip] = target.path
        return target.path
    }
}

@Suite(
    "Real dumps in ../shared/vmcores",
    .enabled(if: TestPaths.hasSharedVmcores, "../shared/vmcores is absent: skipped"))
struct SharedVmcoreTests {
    @Test("vmcore dmesg prints exactly crash's log", arguments: SharedDump.all)
    func dmesgMatchesCrash(_ dump: SharedDump) throws {
        let expected = CrashTranscript(text: try String(contentsOf: dump.transcript, encoding: .utf8))
        let vmcore = try Vmcore(path: try dump.path())
        let log = try vmcore.kernelLog()
        #expect(log.problems.isEmpty)
        let got = DmesgFormatter().format(log.records).split(
            separator: "\n", omittingEmptySubsequences: false
        ).dropLast().map(String.init)
        #expect(got.count == expected.log.count)
        let firstDifference = zip(got, expected.log).enumerated().first { $0.element.0 != $0.element.1 }?
            .offset
        #expect(firstDifference == nil, "first difference at line \(firstDifference ?? -1)")
    }

    @Test("vmcore info reports crash's release, CPU count, crashing CPU and panic", arguments: SharedDump.all)
    func infoMatchesCrash(_ dump: SharedDump) throws {
        let expected = CrashTranscript(text: try String(contentsOf: dump.transcript, encoding: .utf8))
        let (summary, _) = VmcoreSummary.make(try Vmcore(path: try dump.path()))
        #expect(summary.release == expected.release)
        #expect(summary.cpuCount == expected.cpuCount)
        #expect(summary.crashingCPU == expected.crashingCPU)
        #expect(expected.crashingCPU != nil)
        #expect(summary.panicMessage == expected.panic)
        #expect(summary.version == "#1 SMP PREEMPT_DYNAMIC Debian 6.1.192-2 (2026-11-16)")
        #expect(summary.machine == "x86_64")
        #expect(summary.vmcoreinfo.count > 100)
    }

    @Test("QEMU's wrong kdump phys_base under KASLR is overridden by VMCOREINFO")
    func qemuPhysBase() throws {
        let path = TestPaths.sharedVmcores.appendingPathComponent("lkdtm-bug-smp2/vmcore.kdump-zlib").path
        let vmcore = try Vmcore(path: path)
        #expect(vmcore.physBase == UInt64(bitPattern: -125_829_120))
        #expect(vmcore.physBaseSource == "VMCOREINFO NUMBER(phys_base)")
        #expect(vmcore.remarks.contains { $0.contains("0xfffffffeda7d6ee0") })
        #expect(vmcore.vmcoreinfo?.kernelOffset == 0x780_0000)
    }

    @Test("kdump-guest dump: CRASHTIME, dump level 31, kernel pids in NT_PRSTATUS")
    func kdumpGuest() throws {
        let path = TestPaths.sharedVmcores.appendingPathComponent(
            "kdump-guest-corrupt-list-add/vmcore.makedumpfile-c-d31"
        ).path
        let (summary, _) = VmcoreSummary.make(try Vmcore(path: path))
        #expect(summary.crashTime == 1_795_369_534)
        #expect(summary.dumpLevel == 31)
        #expect(summary.cpus.map(\.pid) == [0, 108])
        #expect(summary.cpus[1].pc == "0xffffffffb0c1e36c")
    }

    @Test("ELF paging=true: PN_XNUM with 65738 PT_LOADs carrying virtual addresses")
    func elfPaging() throws {
        let vmcore = try Vmcore(
            path: try SharedDump(caseName: "lkdtm-panic", dump: "elf-paging", gzipped: true).path())
        #expect(vmcore.loadSegmentCount == 65_738)
        #expect(vmcore.loadSegmentsHaveVirtualAddresses == true)
        #expect(vmcore.notes.map(\.name) == ["CORE", "QEMU", "VMCOREINFO"])
    }

    @Test(
        "a real kdump cut short: metadata still read, missing pages counted, log marked incomplete",
        arguments: ["kdump-zlib", "kdump-zlib.rearranged"])
    func truncatedReal(_ dump: String) throws {
        let source = TestPaths.sharedVmcores.appendingPathComponent("lkdtm-bug-smp2/vmcore.\(dump)")
        let data = try Data(contentsOf: source).prefix(12_000_000)
        let path = try TestPaths.write(Array(data), name: "cut.\(dump)")
        let vmcore = try Vmcore(path: path)
        let (summary, _) = VmcoreSummary.make(vmcore)
        #expect(summary.release == "6.1.0-56-amd64")
        #expect(summary.cpuCount == 2)
        #expect(summary.incomplete)
        #expect(summary.missing.contains { $0.contains("dumped pages have no data in the file") })
        #expect(!summary.logProblems.isEmpty)
    }

    @Test("the first 16 KiB of the guest's /proc/vmcore: kernel-written ELF headers and notes")
    func procVmcoreHead() throws {
        let path = TestPaths.sharedVmcores.appendingPathComponent(
            "kdump-guest-corrupt-list-add/kdump-guest/proc-vmcore-head.bin"
        ).path
        let vmcore = try Vmcore(path: path)
        #expect(vmcore.format == .elf64)
        #expect(vmcore.notes.map(\.name) == ["CORE", "CORE", "VMCOREINFO"])
        #expect(vmcore.cpus.map(\.pid) == [0, 108])
        #expect(vmcore.loadSegmentCount == 4)
        #expect(vmcore.loadSegmentsHaveVirtualAddresses == true)
        #expect(vmcore.vmcoreinfo?.crashTime == 1_795_369_534)
        #expect(vmcore.missing.first?.contains("bytes of PT_LOAD data lie past the end of the file") == true)
        #expect(throws: VmcoreError.self) { try vmcore.kernelLog() }
    }

    @Test(
        "each CPU's RIP symbolized from the dump's own kallsyms equals the System.map answer",
        arguments: SharedDump.all)
    func kallsymsMatchesSystemMap(_ dump: SharedDump) throws {
        let map = try String(
            contentsOf: TestPaths.sharedVmcores.appendingPathComponent("System.map-6.1.0-56-amd64"),
            encoding: .utf8)
        var symbols: [(UInt64, String)] = []
        var stext: UInt64 = 0
        for line in map.split(separator: "\n") {
            let parts = line.split(separator: " ")
            guard parts.count == 3, let address = UInt64(parts[0], radix: 16) else { continue }
            if parts[2] == "_stext" { stext = address }
            if ["T", "t", "W", "w"].contains(parts[1]) { symbols.append((address, String(parts[2]))) }
        }
        symbols.sort { $0.0 < $1.0 }
        let vmcore = try Vmcore(path: try dump.path())
        let slide = (vmcore.vmcoreinfo?.symbol("_stext") ?? stext) &- stext
        for cpu in vmcore.cpus {
            let rip = try #require(cpu.instructionPointer)
            let target = rip &- slide
            let best = try #require(symbols.last { $0.0 <= target })
            #expect(vmcore.symbolize(rip) == "\(best.1)+0x\(String(target - best.0, radix: 16))")
        }
    }
}
