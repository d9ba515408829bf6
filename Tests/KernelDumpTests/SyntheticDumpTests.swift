import Foundation
import KernelDump
import KtriageTestSupport
import Testing

/// A small kernel with two CPUs, utsname and a lockless log.
func makeKernel(
    fiveLevel: Bool = false, physBase: Int64 = 0,
    log: (SyntheticKernel) -> Void = { $0.addPrintkRingBuffer(sampleEntries) }
)
    -> SyntheticKernel
{
    let kernel = SyntheticKernel(megabytes: 4, fiveLevel: fiveLevel, physBase: physBase)
    kernel.addUtsname(["Linux", "synth", "6.1.0-test", "#1 SMP test build", "x86_64", "(none)"])
    kernel.cpus = [
        (0, SyntheticKernel.registers(rip: 0xffff_ffff_8100_1000, rsp: 0xffff_c900_0000_3e80)),
        (42, SyntheticKernel.registers(rip: 0xffff_ffff_8123_4567, rsp: 0xffff_c900_0042_3d00)),
    ]
    log(kernel)
    kernel.vmcoreinfo.append("CRASHTIME=1700000000")
    return kernel
}

let sampleEntries: [SyntheticKernel.LogEntry] = [
    .init(0, "Linux version 6.1.0-test"),
    .init(1_500_000, "second line", caller: 0x8000_0001),
    .init(2_000_001_000, "multi\nline record"),
    .init(3_000_000_000, "", dataless: true),
    .init(4_100_000_000, "odd bytes \u{1}\u{7f}é"),
    .init(5_000_000_000, "BUG: kernel NULL pointer dereference, address: 0000000000000000"),
    .init(5_000_100_000, "CPU: 1 PID: 42 Comm: init Not tainted 6.1.0-test #1"),
    .init(6_000_000_000, "Kernel panic - not syncing: Fatal exception"),
]

let sampleDmesg = """
    [    0.000000] Linux version 6.1.0-test
    [    0.001500] second line
    [    2.000001] multi
                   line record

    [    4.100000] odd bytes ....
    [    5.000000] BUG: kernel NULL pointer dereference, address: 0000000000000000
    [    5.000100] CPU: 1 PID: 42 Comm: init Not tainted 6.1.0-test #1
    [    6.000000] Kernel panic - not syncing: Fatal exception

    """

@Suite("Synthesised dumps")
struct SyntheticDumpTests {
    static let formats: [(String, @Sendable (SyntheticKernel) -> [UInt8])] = [
        ("elf-virtual", { ELFCoreWriter().write($0) }),
        (
            "elf-physical-qemu",
            {
                var w = ELFCoreWriter(); w.addresses = .physicalOnly; w.qemuLayout = true; return w.write($0)
            }
        ),
        (
            "elf-pnxnum-align8",
            {
                var w = ELFCoreWriter(); w.forcePNXNUM = true; w.noteAlignment = 8; w.pagesPerSegment = 1;
                return w.write($0)
            }
        ),
        ("kdump-zlib", { KdumpWriter().write($0) }),
        (
            "kdump-raw-v4",
            {
                var w = KdumpWriter(); w.encoding = .raw; w.version = 4; return w.write($0)
            }
        ),
        (
            "kdump-flattened",
            {
                var w = KdumpWriter(); w.flattened = true; w.flattenedChunk = 3000; return w.write($0)
            }
        ),
    ]

    @Test("every container gives the same log and metadata", arguments: 0..<6)
    func containers(_ index: Int) throws {
        let (name, writer) = Self.formats[index]
        let kernel = makeKernel()
        let vmcore = try TestPaths.open(writer(kernel), name: "synthetic.\(name)")
        let log = try vmcore.kernelLog()
        #expect(log.layout == .ringBuffer)
        #expect(DmesgFormatter().format(log.records) == sampleDmesg)
        let (summary, _) = VmcoreSummary.make(vmcore)
        #expect(summary.release == "6.1.0-test")
        #expect(summary.version == "#1 SMP test build")
        #expect(summary.cpuCount == 2)
        #expect(summary.crashingCPU == 1)
        #expect(summary.cpus[1].pc == "0xffffffff81234567")
        #expect(summary.cpus[1].registers.count == 27)
        #expect(summary.panicMessage == "Kernel panic - not syncing: Fatal exception")
        #expect(summary.crashTime == 1_700_000_000)
        #expect(summary.incomplete == false)
    }

    @Test("5-level paging and a negative (KASLR) phys_base translate through the page tables")
    func fiveLevel() throws {
        for physBase: Int64 in [0, -0x20_0000] {
            let kernel = makeKernel(fiveLevel: true, physBase: physBase)
            var physicalOnly = ELFCoreWriter()
            physicalOnly.addresses = .physicalOnly
            for (name, bytes) in [
                ("kdump", KdumpWriter().write(kernel)), ("elf-physical", physicalOnly.write(kernel)),
                ("elf-virtual", ELFCoreWriter().write(kernel)),
            ] {
                let vmcore = try TestPaths.open(bytes, name: "l5-\(physBase).\(name)")
                #expect(vmcore.pagingLevels == 5)
                #expect(DmesgFormatter().format(try vmcore.kernelLog().records) == sampleDmesg)
            }
        }
    }

    @Test("caller ids and wall-clock stamps")
    func formatterOptions() throws {
        let kernel = makeKernel()
        let vmcore = try TestPaths.open(KdumpWriter().write(kernel), name: "caller.kdump")
        let records = try vmcore.kernelLog().records
        let withCaller = DmesgFormatter(showCallerID: true).format(Array(records.prefix(2)))
        #expect(
            withCaller
                == "[    0.000000] [    T1] Linux version 6.1.0-test\n[    0.001500] [    C1] second line\n")
        let wall = DmesgFormatter(wallClockAnchor: 1_700_000_000).format([records[0], records[7]])
        #expect(
            wall
                == "[2023-11-14 22:13:14.000000 UTC] Linux version 6.1.0-test\n[2023-11-14 22:13:20.000000 UTC] Kernel panic - not syncing: Fatal exception\n"
        )
    }

    @Test("lockless ring: wrapped data blocks, id wrap-around, reserved descriptors skipped")
    func ringWrap() throws {
        var entries: [SyntheticKernel.LogEntry] = []
        for index in 0..<20 {
            entries.append(
                .init(
                    UInt64(index) * 1_000_000,
                    "message number \(index) " + String(repeating: "x", count: index)))
        }
        entries[7].reserved = true
        let kernel = makeKernel {
            $0.addPrintkRingBuffer(
                entries, countBits: 5, sizeBits: 10, firstID: (UInt64(1) << 62) - 3, firstLpos: 3 * 1024 + 600
            )
        }
        let vmcore = try TestPaths.open(KdumpWriter().write(kernel), name: "wrap.kdump")
        let log = try vmcore.kernelLog()
        #expect(log.problems.isEmpty)
        var expected = entries.map(\.text)
        expected.remove(at: 7)
        #expect(log.records.map(\.string) == expected)
    }

    @Test(
        "printk_log records (3.5–5.9): with/without caller id, log. names, wrap marker",
        arguments: [(false, false), (true, false), (false, true)])
    func structured(_ options: (caller: Bool, legacy: Bool)) throws {
        let entries = (0..<12).map {
            SyntheticKernel.LogEntry(
                UInt64($0) * 250_000_000, "record \($0) " + String(repeating: "y", count: $0 * 3),
                caller: UInt32($0))
        }
        let kernel = makeKernel {
            $0.addStructuredLog(
                entries, bufferSize: 1024, firstIndex: 700, withCaller: options.caller,
                legacyNames: options.legacy)
        }
        let vmcore = try TestPaths.open(
            ELFCoreWriter().write(kernel), name: "structured-\(options.caller)-\(options.legacy).elf")
        let log = try vmcore.kernelLog()
        #expect(log.layout == .structured)
        #expect(log.problems.isEmpty)
        #expect(log.records.map(\.string) == entries.map(\.text))
        #expect(log.records.map(\.timestampNanoseconds) == entries.map(\.nanoseconds))
        #expect(log.records.map(\.callerID) == entries.map { options.caller ? $0.caller : nil })
    }

    @Test("pre-3.5 character ring, wrapped")
    func characters() throws {
        let text =
            "<6>[    0.000000] Linux version 2.6.32\n<4>[    1.250000] second\n<0>[   12.000001] Kernel panic - not syncing: test\n"
        let kernel = makeKernel { $0.addCharacterLog(text, bufferSize: 128) }
        let vmcore = try TestPaths.open(KdumpWriter().write(kernel), name: "chars.kdump")
        let log = try vmcore.kernelLog()
        #expect(log.layout == .characters)
        #expect(
            DmesgFormatter().format(log.records)
                == "[    0.000000] Linux version 2.6.32\n[    1.250000] second\n[   12.000001] Kernel panic - not syncing: test\n"
        )
        #expect(log.records.last?.string == "Kernel panic - not syncing: test")
        #expect(log.records.last?.timestampNanoseconds == 12_000_001_000)
        #expect(log.records.last?.level == 0)
        #expect(log.records.dropLast().last?.string == "second")
    }

    @Test("kdump header versions 1–6 all open; notes need v4, VMCOREINFO v3", arguments: 1...6)
    func headerVersions(_ version: Int32) throws {
        var writer = KdumpWriter()
        writer.version = version
        let vmcore = try TestPaths.open(writer.write(makeKernel()), name: "v\(version).kdump")
        #expect(vmcore.kdumpHeaderVersion == Int(version))
        #expect((vmcore.vmcoreinfo != nil) == (version >= 3))
        #expect(vmcore.cpus.count == (version >= 4 ? 2 : 0))
        if version >= 3 { #expect(try vmcore.kernelLog().records.count == sampleEntries.count) }
        #expect(vmcore.headerUtsname[4] == "x86_64")
    }
}

@Suite("ELF32 (i386) dumps")
struct ELF32Tests {
    @Test("an i386 core: prstatus registers, lockless ring with 4-byte words through p_vaddr")
    func i386() throws {
        let kernel = SyntheticKernel(megabytes: 2, bits32: true)
        kernel.addUtsname(["Linux", "old", "6.1.0-test", "#1 SMP i386", "i686", ""])
        var registers = [UInt64](repeating: 0, count: 17)
        registers[12] = 0xc100_1234  // eip
        registers[15] = 0xc7ff_0000  // esp
        kernel.cpus = [(5, registers)]
        kernel.addPrintkRingBuffer(
            sampleEntries, countBits: 4, sizeBits: 9, firstID: (1 << 30) - 2, firstLpos: 400)
        let vmcore = try TestPaths.open(ELFCoreWriter().write(kernel), name: "i386.elf")
        #expect(vmcore.format == .elf32)
        #expect(vmcore.wordSize == 4)
        #expect(vmcore.cpus.first?.pid == 5)
        #expect(vmcore.cpus.first?.instructionPointer == 0xc100_1234)
        #expect(vmcore.cpus.first?.stackPointer == 0xc7ff_0000)
        #expect(DmesgFormatter().format(try vmcore.kernelLog().records) == sampleDmesg)
        let (summary, _) = VmcoreSummary.make(vmcore)
        #expect(summary.machine == "i686")
    }
}

@Suite("Dumps without a VMCOREINFO note")
struct MissingVmcoreinfoTests {
    @Test("VMCOREINFO is found by scanning physical memory for its page")
    func scanned() throws {
        let kernel = makeKernel()
        let page = kernel.placeVmcoreinfoPage()
        var writer = ELFCoreWriter()
        writer.omitVmcoreinfoNote = true
        let vmcore = try TestPaths.open(writer.write(kernel), name: "no-note.elf")
        #expect(vmcore.notes.map(\.name) == ["CORE", "CORE"])
        #expect(vmcore.vmcoreinfo?.osRelease == "6.1.0-test")
        #expect(vmcore.remarks.contains { $0.contains("at 0x\(String(page, radix: 16))") })
        #expect(DmesgFormatter().format(try vmcore.kernelLog().records) == sampleDmesg)
    }

    @Test("without the note or the page: metadata from the header, one clear log error")
    func absent() throws {
        var writer = ELFCoreWriter()
        writer.omitVmcoreinfoNote = true
        let path = try TestPaths.write(writer.write(makeKernel()), name: "no-vmcoreinfo.elf")
        let vmcore = try Vmcore(path: path)
        #expect(vmcore.vmcoreinfo == nil)
        #expect(
            exercise(path)
                == "\(path): VMCOREINFO: the dump has no VMCOREINFO note: cannot locate the log buffer")
    }
}
