import Foundation
import KernelDump
import KtriageTestSupport
import Testing

/// Small committed dumps under `fixtures/vmcore/`, read back and compared with their committed
/// `.dmesg` and `.info` expectations. A missing fixture is recorded from the writers and the test
/// fails ("recorded new baseline"); `UPDATE_GOLDEN=1` re-records.
@Suite("Committed fixtures in fixtures/vmcore")
struct FixtureTests {
    static let names = [
        "synthetic-lockless.kdump", "synthetic-lockless.flat", "synthetic-printk-log.kdump",
        "synthetic-l5.kdump", "synthetic-arm64-qemu.flat",
    ]

    static func build(_ name: String) -> [UInt8] {
        if name.contains("arm64") { return buildARM64(name) }
        let kernel = SyntheticKernel(
            megabytes: 2, fiveLevel: name.contains("l5"), physBase: name.contains("l5") ? -0x10_0000 : 0)
        kernel.addUtsname(["Linux", "fixture", "6.1.0-fixture", "#1 SMP fixture", "x86_64", "(none)"])
        kernel.cpus = [
            (0, SyntheticKernel.registers(rip: 0xffff_ffff_8100_1000, rsp: 0xffff_c900_0000_3e80)),
            (42, SyntheticKernel.registers(rip: 0xffff_ffff_8123_4567, rsp: 0xffff_c900_0042_3d00)),
        ]
        if name.contains("printk-log") {
            kernel.addStructuredLog(
                sampleEntries.filter { !$0.dataless }, bufferSize: 1024, firstIndex: 800, withCaller: true)
        } else {
            kernel.addPrintkRingBuffer(sampleEntries, countBits: 4, sizeBits: 9, firstID: 100, firstLpos: 300)
        }
        kernel.vmcoreinfo.append("CRASHTIME=1700000000")
        var writer = KdumpWriter()
        writer.flattened = name.hasSuffix(".flat")
        return writer.write(kernel)
    }

    /// QEMU 7.2's arm64 `kdump-zlib`: flattened, 64 KiB blocks over 4 KiB pages, machine
    /// `Unknown`; KASLR with a "negative" PHYS_OFFSET; RAM at 1 GiB as on QEMU's virt board.
    static func buildARM64(_ name: String) -> [UInt8] {
        let layout = ARM64Layout(physOffset: 0xffff_e050_c000_0000, kaslrOffset: 0x458a_f440_0000)
        let kernel = SyntheticKernel(megabytes: 2, arm64: layout)
        kernel.addUtsname(["Linux", "fixture", "6.1.0-fixture", "#1 SMP fixture", "aarch64", "(none)"])
        let image = kernel.imageAddress(kernel.ramStart)
        kernel.cpus = [
            (1, SyntheticKernel.arm64Registers(pc: image + 0x1000, sp: 0xffff_8000_0800_3e80, lr: image + 0x2004)),
            (42, SyntheticKernel.arm64Registers(pc: image + 0x23_4567, sp: 0xffff_8000_0842_3d00, lr: image + 0x3004)),
        ]
        kernel.addPrintkRingBuffer(sampleEntries, countBits: 4, sizeBits: 9, firstID: 100, firstLpos: 300)
        var writer = KdumpWriter()
        writer.flattened = true
        writer.flattenedChunk = 16384
        writer.blockSize = 65536
        writer.machine = "Unknown"
        writer.headerPhysBase = layout.physOffset
        return writer.write(kernel)
    }

    @Test("fixture reads back as its golden dmesg", arguments: names)
    func fixture(_ name: String) throws {
        let url = TestPaths.fixtures.appendingPathComponent(name)
        let golden = TestPaths.fixtures.appendingPathComponent(name + ".dmesg")
        let update = ProcessInfo.processInfo.environment["UPDATE_GOLDEN"] == "1"
        if update || !FileManager.default.fileExists(atPath: url.path) {
            try FileManager.default.createDirectory(at: TestPaths.fixtures, withIntermediateDirectories: true)
            try Data(Self.build(name)).write(to: url)
            let vmcore = try Vmcore(path: url.path)
            try Data(DmesgFormatter().format(try vmcore.kernelLog().records).utf8).write(to: golden)
            Issue.record("recorded new baseline for \(name)")
            return
        }
        let vmcore = try Vmcore(path: url.path)
        let text = DmesgFormatter().format(try vmcore.kernelLog().records)
        #expect(text == (try String(contentsOf: golden, encoding: .utf8)))
        let (summary, _) = VmcoreSummary.make(vmcore)
        #expect(summary.release == "6.1.0-test")
        #expect(summary.version == "#1 SMP fixture")
        #expect(summary.crashingCPU == 1)
        if name.contains("arm64") {
            #expect(summary.machine == "aarch64")
            #expect(summary.cpus.map(\.registerNames.pc) == ["pc", "pc"])
            #expect(summary.physBase == "0xffffe050c0000000")
        }
        #expect(summary.panicMessage == "Kernel panic - not syncing: Fatal exception")
    }
}
