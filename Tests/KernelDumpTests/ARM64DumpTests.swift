import Foundation
import KernelDump
import KtriageTestSupport
import Testing

/// A small arm64 kernel: utsname, a lockless log in the linear map, two CPUs.
func makeARM64Kernel(_ layout: ARM64Layout = ARM64Layout(), megabytes: Int = 4) -> SyntheticKernel {
    let kernel = SyntheticKernel(megabytes: megabytes, arm64: layout)
    kernel.addUtsname(["Linux", "arm", "6.1.0-test", "#1 SMP arm64 test", "aarch64", "(none)"])
    let image = layout.kimageVoffset(ramStart: kernel.ramStart) &+ kernel.ramStart
    kernel.cpus = [
        (1, SyntheticKernel.arm64Registers(pc: image + 0x10_0a80, sp: 0xffff_8000_0830_3790, lr: image + 0x20_0e84)),
        (42, SyntheticKernel.arm64Registers(pc: image + 0x12_6ae8, sp: 0xffff_8000_0800_bf10, lr: image + 0x12_6adc)),
    ]
    kernel.addPrintkRingBuffer(sampleEntries)
    return kernel
}

@Suite("arm64 dumps: registers by machine and address translation")
struct ARM64DumpTests {
    /// KASLR with a "negative" PHYS_OFFSET, as 2 of 3 real KASLR boots had.
    static let kaslr = ARM64Layout(physOffset: 0xffff_e050_c000_0000, kaslrOffset: 0x56c4_13e0_0000)

    static func qemuELF(_ kernel: SyntheticKernel) -> [UInt8] {
        var writer = ELFCoreWriter()
        writer.addresses = .physicalOnly
        writer.qemuLayout = true
        return writer.write(kernel)
    }

    /// QEMU 7.2 `kdump-zlib`: flattened, 64 KiB blocks over 4 KiB pages, machine `Unknown`,
    /// the sub-header's phys_base = PHYS_OFFSET.
    static func qemuKdump(_ kernel: SyntheticKernel) -> [UInt8] {
        var writer = KdumpWriter()
        writer.flattened = true
        writer.flattenedChunk = 16384
        writer.blockSize = 65536
        writer.machine = "Unknown"
        writer.headerPhysBase = kernel.arm64?.physOffset
        return writer.write(kernel)
    }

    static func makedumpfile(_ kernel: SyntheticKernel) -> [UInt8] {
        var writer = KdumpWriter()
        writer.machine = "aarch64"
        writer.dumpLevel = 31
        return writer.write(kernel)
    }

    static let writers: [(String, @Sendable (SyntheticKernel) -> [UInt8])] = [
        ("qemu-elf", qemuELF), ("qemu-kdump-64k-blocks", qemuKdump), ("makedumpfile", makedumpfile),
        // The kernel's /proc/vmcore: PT_LOADs with linear-map p_vaddr.
        ("proc-vmcore", { ELFCoreWriter().write($0) }),
    ]

    @Test("the log reads through the linear map and kimage_voffset", arguments: 0..<writers.count)
    func log(_ index: Int) throws {
        let (name, write) = Self.writers[index]
        let kernel = makeARM64Kernel(Self.kaslr)
        let bytes = write(kernel)
        let vmcore = try bytes.withUnsafeBytes { try Vmcore(bytes: $0, name: name) }
        #expect(vmcore.isARM64)
        #expect(vmcore.machine.name == "aarch64")
        #expect(DmesgFormatter().format(try vmcore.kernelLog().records) == sampleDmesg)
        let (summary, _) = VmcoreSummary.make(vmcore)
        #expect(summary.machine == "aarch64")
        #expect(summary.version == "#1 SMP arm64 test")
        #expect(summary.pagingLevels == 4)
        #expect(summary.physBase == "0xffffe050c0000000")
    }

    @Test("machine comes from e_machine, the kdump header, or VMCOREINFO when QEMU says Unknown")
    func machineSources() throws {
        let kernel = makeARM64Kernel()
        let elf = try Self.qemuELF(kernel).withUnsafeBytes { try Vmcore(bytes: $0, name: "elf") }
        #expect(elf.machine.source == "ELF header e_machine 183")
        let qemu = try Self.qemuKdump(kernel).withUnsafeBytes { try Vmcore(bytes: $0, name: "qemu") }
        #expect(qemu.machine.name == "aarch64")
        #expect(qemu.machine.source == "kdump header machine 'Unknown'; VMCOREINFO has NUMBER(kimage_voffset)")
        let guest = try Self.makedumpfile(kernel).withUnsafeBytes { try Vmcore(bytes: $0, name: "guest") }
        #expect(guest.machine.source == "kdump header utsname machine")
    }

    @Test("NT_PRSTATUS is decoded with the arm64 layout: pc, sp, x30, pstate")
    func registers() throws {
        let kernel = makeARM64Kernel(Self.kaslr)
        let vmcore = try Self.qemuELF(kernel).withUnsafeBytes { try Vmcore(bytes: $0, name: "elf") }
        let image = Self.kaslr.kimageVoffset(ramStart: kernel.ramStart) &+ kernel.ramStart
        #expect(vmcore.cpus.count == 2)
        let cpu = try #require(vmcore.cpus.last)
        #expect(cpu.pid == 42)
        #expect(cpu.instructionPointer == image + 0x12_6ae8)
        #expect(cpu.stackPointer == 0xffff_8000_0800_bf10)
        #expect(cpu.linkRegister == image + 0x12_6adc)
        #expect(cpu.register("pstate") == 0x6040_0005)
        #expect(cpu.register("x0") == 0)
        #expect(cpu.register("x16") == 16 * 0x1111)
        #expect(cpu.registers.count == 34)
        #expect(cpu.register("rip") == nil)
    }

    @Test("return addresses lose their PAC bits (KERNELPACMASK) and signed pointers read like plain ones")
    func pointerAuthentication() throws {
        let layout = ARM64Layout(kaslrOffset: 0x56c4_13e0_0000, pacMask: 0xffff_0000_0000_0000)
        let kernel = makeARM64Kernel(layout)
        let image = layout.kimageVoffset(ramStart: kernel.ramStart) &+ kernel.ramStart
        // A PAC in bits 63:48 with bit 55 set: the form the kernel leaves in saved LRs.
        let signed = (image + 0x20_0e84) & 0x0000_ffff_ffff_ffff | 0x58eb_0000_0000_0000 | (1 << 55)
        kernel.cpus[0] = (1, SyntheticKernel.arm64Registers(pc: image + 0x10_0a80, sp: 0, lr: signed))
        let vmcore = try Self.qemuELF(kernel).withUnsafeBytes { try Vmcore(bytes: $0, name: "pac") }
        #expect(vmcore.stripPointerAuthentication(signed) == image + 0x20_0e84)
        let (summary, _) = VmcoreSummary.make(vmcore)
        #expect(summary.cpus[0].lr == VmcoreSummary.hex(image + 0x20_0e84))
        let plain = image + 0x10_0000
        #expect(
            try vmcore.readKernel(plain & 0x0000_ffff_ffff_ffff | 0x1234_0000_0000_0000 | (1 << 55), count: 16)
                == vmcore.readKernel(plain, count: 16))
        // Without pointer authentication a pointer is left alone.
        let off = try Self.qemuELF(makeARM64Kernel()).withUnsafeBytes { try Vmcore(bytes: $0, name: "off") }
        #expect(off.stripPointerAuthentication(signed) == signed)
    }

    /// Granules and VA sizes: 4K/48 (4 levels), 4K/39 (3), 16K/47 (3), 16K/48 (4), 64K/42 (2),
    /// 64K/48 (3), 64K/52 (3, a 1024-entry top table).
    static let geometries: [(pageSize: Int, vaBits: Int, levels: Int)] = [
        (4096, 48, 4), (4096, 39, 3), (16384, 47, 3), (16384, 48, 4), (65536, 42, 2), (65536, 48, 3),
        (65536, 52, 3),
    ]

    @Test("swapper_pg_dir is walked for vmalloc addresses, any granule", arguments: 0..<geometries.count)
    func pageTableWalk(_ index: Int) throws {
        let geometry = Self.geometries[index]
        let layout = ARM64Layout(pageSize: geometry.pageSize, vaBits: geometry.vaBits, kaslrOffset: 0x20_0000)
        let kernel = SyntheticKernel(megabytes: 8, arm64: layout)
        // Three pages mapped in reverse order: only a walk reads them back in order.
        let pages = (0..<3).map { _ in kernel.allocate(bytes: geometry.pageSize) }
        for (number, page) in pages.enumerated() {
            kernel.write(Array(repeating: UInt8(0xa0 + number), count: geometry.pageSize), at: page)
        }
        kernel.mapARM64Pages(virtual: layout.vmallocBase, physicalPages: pages.reversed())
        kernel.addPrintkRingBuffer(sampleEntries)
        // 52-bit kernels with 64K pages have 52-bit physical addresses (PA bits 51:48 in
        // descriptor bits 15:12, zero here).
        if geometry.vaBits == 52 { kernel.vmcoreinfo.append("NUMBER(MAX_PHYSMEM_BITS)=52") }
        for write in [Self.qemuELF, Self.makedumpfile] {
            let vmcore = try write(kernel).withUnsafeBytes { try Vmcore(bytes: $0, name: "walk") }
            #expect(vmcore.pagingLevels == geometry.levels)
            let read = try vmcore.readKernel(layout.vmallocBase + UInt64(geometry.pageSize) - 2, count: 4)
            #expect(read == [0xa2, 0xa2, 0xa1, 0xa1])
            #expect(DmesgFormatter().format(try vmcore.kernelLog().records) == sampleDmesg)
        }
    }

    @Test("2 MiB block descriptors end the walk early")
    func blockMapping() throws {
        let kernel = SyntheticKernel(megabytes: 8, arm64: ARM64Layout())
        let physical = kernel.ramStart + 0x40_0123
        kernel.write([0xde, 0xad, 0xbe, 0xef], at: physical)
        let vmcore = try Self.qemuELF(kernel).withUnsafeBytes { try Vmcore(bytes: $0, name: "block") }
        #expect(try vmcore.readKernel(kernel.imageAddress(physical), count: 4) == [0xde, 0xad, 0xbe, 0xef])
    }

    @Test("an unmapped vmalloc address names the table level that is not valid")
    func unmapped() throws {
        let layout = ARM64Layout()
        let kernel = makeARM64Kernel(layout)
        let vmcore = try Self.qemuELF(kernel).withUnsafeBytes { try Vmcore(bytes: $0, name: "hole") }
        let error = try #require(throws: VmcoreError.self) {
            try vmcore.readKernel(layout.vmallocBase + 0x1000, count: 8)
        }
        #expect(error.description.contains("in swapper_pg_dir is not valid"))
    }
}

@Suite("arm64 dumps: damaged tables and odd VMCOREINFO give errors, never traps")
struct ARM64BadInputTests {
    @Test("corrupted swapper_pg_dir, printk pages and frame records: every read ends in an answer or an error")
    func corruptedMemory() throws {
        let setup = ARM64TaskKernel()
        setup.kernel.addPrintkRingBuffer(sampleEntries)
        setup.kernel.cpus = [
            (
                1,
                SyntheticKernel.arm64Registers(
                    pc: setup.text(0x1010), sp: setup.stack, lr: 0, frame: setup.stack + 0x100)
            )
        ]
        let pristine = setup.kernel.memory
        var generator = SplitMix(seed: 64)
        // 40 rounds by default; `KTRIAGE_FUZZ=<rounds>` runs more.
        let rounds = ProcessInfo.processInfo.environment["KTRIAGE_FUZZ"].flatMap { Int($0) } ?? 40
        for _ in 0..<rounds {
            setup.kernel.memory = pristine
            // The tables, BTF, tasks, stacks and log all lie in the first 1.5 MiB after 1 MiB.
            for _ in 0..<(1 + Int(generator.next() % 8)) {
                setup.kernel.memory[0x10_0000 + Int(generator.next() % 0x18_0000)] = UInt8(
                    truncatingIfNeeded: generator.next())
            }
            let path = try TestPaths.write(ARM64DumpTests.qemuELF(setup.kernel), name: "arm64-corrupt")
            _ = exercise(path)
            if let dump = try? Vmcore(path: path) {
                _ = dump.backtraces(systemMap: setup.symbols)
            }
        }
    }

    @Test(
        "VMCOREINFO that disagrees with the tables: reads fail with the address and level, or read plausibly",
        arguments: [
            ("PAGESIZE=4096", "PAGESIZE=65536"), ("NUMBER(TCR_EL1_T1SZ)=0x10", "NUMBER(TCR_EL1_T1SZ)=0x27"),
            ("NUMBER(VA_BITS)=48", "NUMBER(VA_BITS)=52"), ("NUMBER(TCR_EL1_T1SZ)=0x10", "NUMBER(TCR_EL1_T1SZ)=0x0"),
            ("NUMBER(PHYS_OFFSET)=0x40000000", "NUMBER(PHYS_OFFSET)=0xffffffffffffffff"),
        ])
    func oddNumbers(_ replacement: (String, String)) throws {
        let kernel = makeARM64Kernel()
        let index = try #require(kernel.vmcoreinfo.firstIndex(of: replacement.0))
        kernel.vmcoreinfo[index] = replacement.1
        // One file per case: the cases run in parallel, and rewriting a mapped file faults its reader.
        let name =
            "arm64-odd-"
            + String(replacement.1.unicodeScalars.filter { $0.properties.isAlphabetic || ("0"..."9").contains($0) })
        _ = exercise(try TestPaths.write(ARM64DumpTests.qemuELF(kernel), name: name))
    }
}
