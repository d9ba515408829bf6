import KernelFacts
import KtriageBytes
import KtriageNative

/// A kernel crash dump opened for reading: container format, notes, VMCOREINFO, CPUs, and the
/// crashed kernel's memory and log — without vmlinux.
///
/// The container is detected by magic: `\x7fELF` (ELF64 or ELF32 core), `KDUMP   ` (or the old
/// `DISKDUMP`) kdump-compressed, `makedumpfile` flattened stream (indexed and read in place).
/// Only the headers, notes and the pages actually read are touched, so opening is independent of
/// the dump's size.
public final class Vmcore {
    /// Container formats.
    public enum Format: String, Sendable, Codable {
        case elf64 = "ELF64"
        case elf32 = "ELF32"
        case kdumpCompressed = "kdump-compressed"
        case flattenedKdump = "kdump-compressed (makedumpfile flattened)"
    }

    /// The path as given.
    public let path: String
    /// The container format, from the magic.
    public let format: Format
    /// All notes (ELF `PT_NOTE`s, or the kdump note blob).
    public let notes: [ELFNote]
    /// VMCOREINFO, when the dump has it.
    public let vmcoreinfo: VMCoreInfo?
    /// One entry per `NT_PRSTATUS` note, in note order (= CPU order).
    public let cpus: [CPUState]
    /// Things the dump says are missing (truncated file, incomplete flag), in words.
    public private(set) var missing: [String] = []
    /// Remarks about the dump that are not missing data (e.g. a header field overridden).
    public private(set) var remarks: [String] = []
    /// Dumped machine's word size in bytes.
    public let wordSize: Int
    /// The dumped machine (`DumpMachine`): its name, where that came from, the register layout.
    public let machine: DumpMachine

    let bytes: DumpBytes

    /// Set once the dump has been read when its file was cut short meanwhile (see
    /// `MappedFile.pagesPastEnd`): what was read past the new end were zeros.
    public var cutShortError: InputError? { bytes.file.cutShortError() }
    let physical: PhysicalMemory
    let kdump: KdumpCompressedDump?
    let elf: ELFDump?
    /// `phys_base` in use and where it came from.
    public let physBase: UInt64
    /// Where `physBase` came from.
    public let physBaseSource: String
    private var memoryStorage: KernelMemory?
    private var kallsymsStorage: KallsymsTable??
    private var factsStorage: DumpFacts?
    private var readerStorage: KernelObjectReader?

    /// Opens and identifies a dump.
    /// - Throws: `VmcoreError` (or `InputError` for I/O) naming the file, offset and field.
    public convenience init(path: String) throws {
        try self.init(file: try MappedFile(path: path))
    }

    /// Identifies a dump held in memory; `name` stands for its path in messages.
    public convenience init(bytes: UnsafeRawBufferPointer, name: String) throws {
        try self.init(file: MappedFile(copying: bytes, path: name))
    }

    /// Identifies a dump already mapped (or copied) into memory.
    public init(file: MappedFile) throws {
        let path = file.path
        self.path = path
        // No MADV_RANDOM: it disables the kernel's fault-around, and headers, notes and descriptor
        // tables are read sequentially.
        let head = file.bytes
        guard head.count >= 8 else {
            throw VmcoreError(
                path: path, offset: 0, field: "magic",
                message: "file has \(head.count) bytes, too short for any dump format")
        }
        var flattened: FlattenedIndex?
        guard let format = Self.detect(head) else {
            let magic = head.prefix(8).map { String($0, radix: 16) }.joined(separator: " ")
            if let wrapper = Self.compressionWrapper(head) {
                throw VmcoreError(
                    path: path, offset: 0, field: "magic",
                    message:
                        "the file is \(wrapper)-compressed: decompress it first"
                )
            }
            throw VmcoreError(
                path: path, offset: 0, field: "magic",
                message:
                    "bytes \(magic) are not an ELF core, a kdump-compressed dump (\"KDUMP   \") or a makedumpfile flattened stream"
            )
        }
        if format == .flattenedKdump { flattened = try FlattenedIndex(bytes: head, path: path) }
        let bytes = DumpBytes(file: file, flattened: flattened)
        self.bytes = bytes
        self.format = format
        var missing: [String] = []
        if let flattened, flattened.truncated {
            missing.append(
                "the flattened stream has no end marker (cut short after \(flattened.recordCount) records)")
        }

        var notes: [ELFNote]
        if format == .elf64 || format == .elf32 {
            let elf = try ELFDump(bytes: bytes)
            self.elf = elf
            self.kdump = nil
            physical = elf
            notes = try elf.notes()
            wordSize = elf.is64Bit ? 8 : 4
            if elf.isIncomplete {
                missing.append(
                    "the ELF header's e_flags says the dump is incomplete (makedumpfile ran out of space)")
            }
            if elf.missingBytes > 0 {
                missing.append(
                    "\(elf.missingBytes) bytes of PT_LOAD data lie past the end of the file (truncated)")
            }
        } else {
            let kdump = try KdumpCompressedDump(bytes: bytes)
            self.kdump = kdump
            self.elf = nil
            physical = kdump
            wordSize = 8
            if let blob = try kdump.noteBlob() {
                notes = try NoteWalker.notes(
                    in: blob.bytes, fileOffset: bytes.fileOffset(of: blob.offset),
                    endianness: kdump.endianness, path: path)
            } else {
                notes = []
            }
            if !notes.contains(where: { $0.name == "VMCOREINFO" }), let text = try kdump.vmcoreinfoBlob() {
                notes.append(
                    ELFNote(
                        name: "VMCOREINFO", type: 0, descriptor: text,
                        descriptorOffset: kdump.header.vmcoreinfoOffset ?? 0))
            }
            if kdump.isIncomplete {
                missing.append(
                    "the kdump header's status says the dump is incomplete (DUMP_DH_COMPRESSED_INCOMPLETE)")
            }
            missing += try kdump.missingData()
        }
        self.notes = notes
        self.missing = missing
        if let note = notes.first(where: { $0.name == "VMCOREINFO" }) {
            guard note.descriptor.count <= VmcoreLimits.maxVmcoreinfoBytes else {
                throw VmcoreError(
                    path: path, offset: note.descriptorOffset, field: "VMCOREINFO note",
                    message:
                        "\(note.descriptor.count) bytes exceeds the \(VmcoreLimits.maxVmcoreinfoBytes)-byte limit"
                )
            }
            vmcoreinfo = VMCoreInfo(text: note.descriptor)
        } else if let found = VMCoreInfoScanner.scan(physical) {
            vmcoreinfo = VMCoreInfo(text: found.text)
            remarks.append(
                "no VMCOREINFO note: found the kernel's VMCOREINFO page by scanning physical memory at 0x\(String(found.address, radix: 16))"
            )
        } else {
            vmcoreinfo = nil
        }
        let prstatusNotes = notes.filter { $0.name == "CORE" && $0.type == ELFNote.prstatus }
        let machine = DumpMachine.decide(
            elfMachine: elf.map { ($0.machine, $0.is64Bit) }, headerMachine: kdump.map { $0.header.utsname[4] },
            vmcoreinfo: vmcoreinfo, prstatusSize: prstatusNotes.first?.descriptor.count)
        self.machine = machine
        let littleEndian = elf?.isLittleEndian ?? (kdump?.endianness != .big)
        var cpus: [CPUState] = []
        for note in prstatusNotes {
            if let state = CPUState.decode(
                note.descriptor, cpu: cpus.count, layout: machine.layout, littleEndian: littleEndian)
            {
                cpus.append(state)
            }
        }
        self.cpus = cpus
        if notes.contains(where: { $0.name == "QEMU" }) {
            remarks.append("QEMU dump: NT_PRSTATUS pr_pid holds the vCPU number + 1, not a task pid")
        }
        if let number = vmcoreinfo?.number("phys_base") {
            physBase = UInt64(bitPattern: number)
            physBaseSource = "VMCOREINFO NUMBER(phys_base)"
        } else if let number = vmcoreinfo?.number("PHYS_OFFSET") {
            // arm64 writes memstart_addr as PHYS_OFFSET (QEMU copies it into the kdump sub-header).
            physBase = UInt64(bitPattern: number)
            physBaseSource = "VMCOREINFO NUMBER(PHYS_OFFSET)"
        } else if let kdump {
            physBase = kdump.header.physBase
            physBaseSource = "kdump sub-header"
        } else {
            physBase = 0
            physBaseSource = "default (0)"
        }
        if let kdump, let number = vmcoreinfo?.number("phys_base"),
            UInt64(bitPattern: number) != kdump.header.physBase
        {
            remarks.append(
                "the kdump sub-header's phys_base 0x\(String(kdump.header.physBase, radix: 16)) disagrees with VMCOREINFO's \(number); using VMCOREINFO (QEMU writes it wrongly under KASLR)"
            )
        }
    }

    /// The container format a file starting with `head` would have, by magic; `nil` when it is
    /// not a dump (so `scan`/`group` can tell vmcores from logs by their first 16 bytes). An ELF
    /// file is reported whatever its type; opening checks for `ET_CORE`.
    public static func detect(_ head: UnsafeRawBufferPointer) -> Format? {
        switch DumpMagic.container(head) {
        case .elf32: return .elf32
        case .elf64: return .elf64
        case .kdumpCompressed: return .kdumpCompressed
        case .flattened: return .flattenedKdump
        case nil: return nil
        }
    }

    /// gzip, xz, zstd, lz4 or bzip2 magic (pipelines compress dumps and flattened streams whole).
    static func compressionWrapper(_ head: UnsafeRawBufferPointer) -> String? { DumpMagic.compression(head) }

    /// Reader for the crashed kernel's virtual memory.
    var memory: KernelMemory {
        if let memoryStorage { return memoryStorage }
        let memory = KernelMemory(
            physical: physical, path: path, physBase: physBase, info: vmcoreinfo, x86_64: isX86_64,
            arm64: isARM64 ? vmcoreinfo.flatMap(ARM64AddressSpace.init(info:)) : nil)
        memoryStorage = memory
        return memory
    }

    /// `name+0xoffset` for a kernel text address, from the dump's own kallsyms table (6.0+
    /// kernels export its location in VMCOREINFO); `nil` when unavailable. The table is read once.
    public func symbolize(_ address: UInt64) -> String? {
        kallsyms?.symbolize(address)
    }

    /// The dump's own kallsyms table, read once; `nil` before 6.0 or when unreadable.
    var kallsyms: KallsymsTable? {
        if kallsymsStorage == nil {
            kallsymsStorage = .some(vmcoreinfo.flatMap { KallsymsTable(memory: memory, info: $0) })
        }
        return kallsymsStorage ?? nil
    }

    /// Addresses of kernel symbols by name from the dump's kallsyms (6.0+ kernels); names not
    /// found are absent.
    public func symbolAddresses(_ names: Set<String>) -> [String: UInt64] {
        kallsyms?.addresses(of: names) ?? [:]
    }

    /// System facts, modules and tasks (crash's `sys`, `mod`, `ps`) read from memory with the
    /// dump's own BTF; `systemMap` (name → address as in the file, before KASLR) supplies symbols
    /// when the kernel predates the kallsyms entries in VMCOREINFO (6.0). Read once per map.
    public func facts(systemMap: [String: UInt64]? = nil) -> DumpFacts {
        factsAndReader(systemMap: systemMap).facts
    }

    private func factsAndReader(systemMap: [String: UInt64]?) -> (facts: DumpFacts, reader: KernelObjectReader?) {
        if systemMap == nil, let factsStorage { return (factsStorage, readerStorage) }
        let (facts, reader) = DumpFactsReader.readWithReader(self, systemMap: systemMap)
        if systemMap == nil {
            factsStorage = facts
            readerStorage = reader
        }
        return (facts, reader)
    }

    /// The kernel stacks of the tasks `including` accepts (every task by default), unwound with
    /// the kernel's ORC tables (x86-64, 4.14-6.2): running tasks from their CPU's registers,
    /// sleeping ones from `thread.sp`.
    public func backtraces(
        systemMap: [String: UInt64]? = nil, including: (DumpTask) -> Bool = { _ in true }
    ) -> DumpBacktraces {
        let (facts, reader) = factsAndReader(systemMap: systemMap)
        return DumpBacktraceReader.read(self, facts: facts, reader: reader, including: including)
    }

    /// The kernel symbols `facts(systemMap:)` looks up (what a System.map must supply before 6.0).
    public static var factSymbolNames: Set<String> { DumpFactsReader.symbolNames }

    /// Reads `count` bytes of kernel virtual memory at `address`.
    public func readKernel(_ address: UInt64, count: Int) throws -> [UInt8] {
        try memory.read(address, count: count, what: "kernel memory")
    }

    /// Whether the dumped machine is x86-64 (or nothing says what it is: the historical default).
    public var isX86_64: Bool { machine.name == nil || machine.name == PrstatusLayout.x86_64.machine }

    /// Whether the dumped machine is arm64.
    public var isARM64: Bool { machine.name == PrstatusLayout.aarch64.machine }

    /// The page size: VMCOREINFO `PAGESIZE` when it is one a kernel can have (a power of two from
    /// 4 KiB, no larger than a kdump block may be), else the kdump block size if it is one, else 4096. A
    /// damaged `PAGESIZE` (0, negative, odd) would make page arithmetic trap.
    public var pageSize: Int {
        for candidate in [vmcoreinfo?.pageSize, kdump?.pageSize] {
            // The kdump header's block_size is as untrusted as PAGESIZE (a negative one trapped).
            if let size = candidate, Self.kernelPageSizes.contains(size), size & (size - 1) == 0 { return size }
        }
        return 4096
    }

    static let kernelPageSizes = 4096...VmcoreLimits.maxPageSize

    /// Page-table levels: x86-64 4, or 5 with `NUMBER(pgtable_l5_enabled)=1`; arm64 from the
    /// granule and the translated VA bits (`ARM64AddressSpace`).
    public var pagingLevels: Int {
        if let arm64 = memory.arm64 { return arm64.levels }
        return vmcoreinfo?.fiveLevelPaging == true ? 5 : 4
    }

    /// A code pointer without its pointer-authentication bits (arm64 with `KERNELPACMASK`);
    /// unchanged elsewhere.
    public func stripPointerAuthentication(_ pointer: UInt64) -> UInt64 {
        memory.arm64?.stripPointerAuthentication(pointer) ?? pointer
    }

    /// The kdump header's utsname fields (sysname, nodename, release, version, machine, domainname),
    /// empty for ELF dumps. QEMU fills only `machine`.
    public var headerUtsname: [String] { kdump?.header.utsname ?? [] }

    /// `init_uts_ns.name` read from memory (6 strings), when VMCOREINFO locates it and the page is in the dump.
    public func memoryUtsname() throws -> [String]? {
        guard let info = vmcoreinfo, let symbol = info.symbol("init_uts_ns") else { return nil }
        let offset = UInt64(info.offset("uts_namespace.name") ?? 0)
        let raw = try memory.read(symbol &+ offset, count: 6 * 65, what: "init_uts_ns.name")
        return (0..<6).map { index in
            let field = raw[(index * 65)..<(index * 65 + 65)]
            return String(decoding: field.prefix { $0 != 0 }, as: UTF8.self)
        }
    }

    /// Dump level (kdump sub-header), compression names, and the kdump header's CPU fields.
    public var dumpLevel: Int? { kdump.map { Int($0.header.dumpLevel) } }
    /// Compression methods flagged in the kdump header.
    public var compression: [String] { kdump?.compressionNames ?? [] }
    /// Distinct kdump pages read so far, by how each was stored (`zlib`, `lzo`, `snappy`, `zstd`,
    /// `raw`); `nil` for ELF dumps, whose pages are never compressed.
    public var pagesReadByCompression: [String: Int]? { kdump?.pagesRead }
    /// kdump header `nr_cpus`.
    public var headerCPUCount: Int? { kdump.map { Int($0.header.cpuCount) } }
    /// kdump header `current_cpu` (QEMU and makedumpfile leave 0: not the crashing CPU).
    public var headerCurrentCPU: Int? { kdump.map { Int($0.header.currentCPU) } }
    /// kdump header `timestamp` (seconds since the epoch), when set (QEMU leaves it 0).
    public var headerTimestamp: Int64? {
        guard let seconds = kdump?.header.timestampSeconds, seconds > 0 else { return nil }
        return seconds
    }
    /// ELF `PT_LOAD` count (ELF only) and whether they carry kernel virtual addresses.
    public var loadSegmentCount: Int? { elf?.loadCount }
    /// Whether the ELF `PT_LOAD`s carry kernel virtual addresses.
    public var loadSegmentsHaveVirtualAddresses: Bool? { elf?.hasVirtualAddresses }
    /// kdump header version.
    public var kdumpHeaderVersion: Int? { kdump.map { Int($0.header.version) } }

    /// Reads the kernel log, choosing the layout from VMCOREINFO: `SYMBOL(prb)` → lockless ring,
    /// `SYMBOL(log_first_idx)` → `printk_log` records, `SYMBOL(log_end)` → character ring.
    public func kernelLog() throws -> KernelLogExtract {
        guard let info = vmcoreinfo else {
            throw VmcoreError(
                path: path, offset: nil, field: "VMCOREINFO",
                message: "the dump has no VMCOREINFO note: cannot locate the log buffer")
        }
        return try KernelLogExtract.read(memory: memory, info: info, wordSize: wordSize)
    }
}
