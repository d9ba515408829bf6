import KtriageTestSupport
import Testing

@testable import KernelDump

/// `TaskKernel` with kernel text, an ORC table in one layout and CPU 0's registers: the active
/// task (pid 1) unwinds through a call with a saved BP, a plain call, a `pt_regs` exception frame
/// that interrupted a function at its first byte, one more call, and the end of the stack.
struct ORCKernel {
    var setup = TaskKernel()
    /// Kernel text and the expected frames' addresses.
    let text: UInt64
    let stack: UInt64
    /// Physical address of `stack`.
    let physicalStack: UInt64
    let expected: [UInt64]

    init(layout: SyntheticORCLayout, release: String) {
        let kernel = setup.kernel
        kernel.vmcoreinfo[0] = "OSRELEASE=\(release)"
        let textPage = kernel.allocate(bytes: 4096)
        let stackPages = kernel.allocate(bytes: 8192)
        text = kernel.imageAddress(textPage)
        stack = kernel.imageAddress(stackPages) + 0x800
        let interrupted = stack + 0x400
        let returns = [text + 0x205, text + 0x305, text + 0x505]
        typealias Entry = SyntheticORCEntry
        let entries = [
            Entry(
                address: text + 0x100, kind: .call, spOffset: 16, bpRegister: Entry.Register.previousSP, bpOffset: -16),
            Entry(address: text + 0x200, kind: .call),
            Entry(address: text + 0x300, kind: .regs, spOffset: 0, signal: true),
            Entry(address: text + 0x400, kind: .call),
            Entry(address: text + 0x500, kind: .endOfStack, spRegister: Entry.Register.undefined, spOffset: 0),
            Entry(address: text + 0x600, kind: .undefined, spRegister: Entry.Register.undefined, spOffset: 0),
        ]
        setup.symbols.merge(kernel.writeORCTables(entries, layout: layout)) { $1 }
        physicalStack = stackPages + 0x800
        kernel.write(UInt64(0xb1), at: physicalStack)  // BP saved by the first function
        kernel.write(returns[0], at: physicalStack + 8)
        kernel.write(returns[1], at: physicalStack + 16)
        // pt_regs at stack + 24: ip (word 16), cs (17), sp (19).
        kernel.write(text + 0x400, at: physicalStack + 24 + 16 * 8)
        kernel.write(UInt64(0x10), at: physicalStack + 24 + 17 * 8)
        kernel.write(interrupted, at: physicalStack + 24 + 19 * 8)
        kernel.write(returns[2], at: physicalStack + 0x400)
        var registers = [UInt64](repeating: 0, count: 27)
        registers[4] = 0xb0  // rbp
        registers[16] = text + 0x110  // rip
        registers[19] = stack  // rsp
        kernel.cpus = [(pid: 1, registers: registers)]
        expected = [text + 0x110] + returns.prefix(2) + [text + 0x400, returns[2]]
    }

    /// CPU 0's registers: `rip`, `rsp`, `rbp`.
    func setRegisters(ip: UInt64, sp: UInt64, bp: UInt64) {
        var registers = [UInt64](repeating: 0, count: 27)
        (registers[16], registers[19], registers[4]) = (ip, sp, bp)
        setup.kernel.cpus = [(pid: 1, registers: registers)]
    }

    func backtraces() throws -> DumpBacktraces {
        try TestPaths.open(ELFCoreWriter().write(setup.kernel), name: "orc.elf").backtraces(systemMap: setup.symbols)
    }
}

@Suite("ORC entry layouts: 4.14–6.2 and 6.3+")
struct ORCLayoutTests {
    static let cases: [(SyntheticORCLayout, String)] = [
        (.before6_3, "6.1.0-56-amd64"), (.since6_3, "6.8.0-31-generic"),
    ]

    @Test("a table in each layout unwinds through calls, pt_regs and the end of the stack", arguments: [0, 1])
    func unwind(_ index: Int) throws {
        let (layout, release) = Self.cases[index]
        let setup = ORCKernel(layout: layout, release: release)
        let result = try setup.backtraces()
        let active = try #require(result.traces.first { $0.active })
        #expect(result.problems.isEmpty, "\(result.problems)")
        #expect(active.frames.map(\.address) == setup.expected)
        #expect(active.frames.map(\.exception) == [false, false, false, true, false])
        #expect(active.frames.allSatisfy { $0.reliable })
        #expect(active.problem == nil)
    }

    @Test("a 6.3 table read with the older layout goes astray: the layout decides the frames")
    func wrongLayout() throws {
        let setup = ORCKernel(layout: .since6_3, release: "6.1.0-56-amd64")
        let traces = try setup.backtraces().traces
        let active = try #require(traces.first { $0.active })
        #expect(active.frames.map(\.address) != setup.expected)
    }

    @Test("6.4+ .orc_header hash decides before the release; an unknown hash is refused")
    func headerHash() throws {
        var setup = ORCKernel(layout: .since6_3, release: "6.1.0-misleading")
        let known = try #require(ORCLayout.knownHeaderHashes.keys.first)
        setup.setup.symbols.merge(setup.setup.kernel.writeORCHeader(known)) { $1 }
        let traces = try setup.backtraces().traces
        let active = try #require(traces.first { $0.active })
        #expect(active.frames.map(\.address) == setup.expected)

        var unknown = ORCKernel(layout: .since6_3, release: "6.8.0")
        unknown.setup.symbols.merge(unknown.setup.kernel.writeORCHeader([UInt8](repeating: 7, count: 20))) { $1 }
        let result = try unknown.backtraces()
        #expect(result.problems.contains { $0.contains(".orc_header") && $0.contains("frames are unreliable") })
    }

    @Test("a call through a NULL function pointer: the caller's return address is on top (null_orc_entry)")
    func nullCall() throws {
        let setup = ORCKernel(layout: .since6_3, release: "6.12.0")
        setup.setRegisters(ip: 0, sp: setup.stack + 8, bp: 0)
        let traces = try setup.backtraces().traces
        let active = try #require(traces.first { $0.active })
        #expect(active.frames.map(\.address) == [0] + setup.expected.dropFirst())
        #expect(active.problem == nil)
    }

    @Test("code without ORC data (a BPF program): frames guessed from BP, marked unreliable (orc_fp_entry)")
    func framePointerGuess() throws {
        let setup = ORCKernel(layout: .before6_3, release: "6.1.0")
        let program = setup.text + 0x2000  // beyond every table
        let frame = setup.stack + 0x100
        let kernel = setup.setup.kernel
        kernel.write(frame, at: setup.physicalStack)  // the first function saved BP = frame
        kernel.write(program + 5, at: setup.physicalStack + 8)  // and returns into the program
        kernel.write(UInt64(0), at: setup.physicalStack + 0x100)  // the program's saved BP
        kernel.write(setup.expected[4], at: setup.physicalStack + 0x108)  // its return address
        let traces = try setup.backtraces().traces
        let active = try #require(traces.first { $0.active })
        #expect(active.frames.map(\.address) == [setup.expected[0], program + 5, setup.expected[4]])
        #expect(active.frames.map { $0.reliable } == [true, true, false])
        #expect(active.problem == nil)

        // A BP that points down the stack ends the guess.
        kernel.write(setup.stack - 0x100, at: setup.physicalStack)
        let again = try #require(try setup.backtraces().traces.first { $0.active })
        #expect(again.frames.count == 2)
        #expect(again.problem?.contains("leads nowhere") == true, "\(again.problem ?? "")")
    }

    @Test("the release rule: 6.3 and later have the 3-bit type, 6.2 and earlier the end bit")
    func releaseRule() {
        #expect(ORCLayout.fromRelease("6.2.16")?.typeValues == .hint)
        #expect(ORCLayout.fromRelease("6.3.0-rc1")?.typeValues == .orcType)
        #expect(ORCLayout.fromRelease("6.12.48+deb13-amd64")?.typeValues == .orcType)
        #expect(ORCLayout.fromRelease("5.14.0-427.el9.x86_64")?.typeValues == .hint)
        #expect(ORCLayout.fromRelease("7.0.0")?.typeValues == .orcType)
        #expect(ORCLayout.fromRelease("linux") == nil)
    }

    /// A BTF with `struct orc_entry`: the two offsets, then the given bitfields.
    static func orcEntryBTF(_ bitfields: [(String, UInt32, UInt32)], size: UInt32 = 6) throws -> BTF {
        var table = BTFTypeTable()
        let short = table.integer("short", bytes: 2, signed: true)
        let unsigned = table.integer("unsigned int", bytes: 4)
        let members: [BTFTypeTable.Member] =
            [("sp_offset", short, 0, 0), ("bp_offset", short, 16, 0)]
            + bitfields.map { ($0.0, unsigned, $0.1, $0.2) }
        _ = table.structure("orc_entry", size: size, members)
        return try BTF(blob: table.blob())
    }

    @Test("BTF's struct orc_entry gives the bit offsets, and signal or end the type values")
    func fromBTF() throws {
        let newer = try #require(
            try ORCLayout.fromBTF(
                try Self.orcEntryBTF([
                    ("sp_reg", 32, 4), ("bp_reg", 36, 4), ("type", 40, 3), ("signal", 43, 1),
                ])))
        #expect(newer.typeValues == .orcType)
        #expect(newer.signal == ORCLayout.Field(bit: 43, width: 1))
        #expect(newer.source == "BTF struct orc_entry")
        let older = try #require(
            try ORCLayout.fromBTF(
                try Self.orcEntryBTF([("sp_reg", 32, 4), ("bp_reg", 36, 4), ("type", 40, 2), ("end", 42, 1)])))
        #expect(older.typeValues == .hint)
        #expect(older.end == ORCLayout.Field(bit: 42, width: 1))
        // The order BTF gives wins over the usual one: a kernel that swapped the registers.
        let swapped = try #require(
            try ORCLayout.fromBTF(
                try Self.orcEntryBTF([("bp_reg", 32, 4), ("sp_reg", 36, 4), ("type", 40, 3), ("signal", 43, 1)])))
        let raw: [UInt8] = [8, 0, 0, 0, 0x15, 0x02]  // bp_reg 5 (low nibble), sp_reg 1, type 2
        #expect(swapped.decode(raw, at: 0).spRegister == 1)
        #expect(ORCLayout.orcTypes.decode(raw, at: 0).spRegister == 5)
        #expect(swapped.decode(raw, at: 0).kind == .call)

        #expect(throws: BTFError.self) {
            try ORCLayout.fromBTF(try Self.orcEntryBTF([("sp_reg", 32, 4), ("bp_reg", 36, 4), ("type", 40, 3)]))
        }
        #expect(throws: BTFError.self) {
            try ORCLayout.fromBTF(
                try Self.orcEntryBTF(
                    [("sp_reg", 32, 4), ("bp_reg", 36, 4), ("type", 40, 3), ("signal", 43, 1)], size: 8))
        }
        #expect(try ORCLayout.fromBTF(try BTF(blob: TaskKernel.btf())) == nil)
    }

    @Test("decoding: end of stack and undefined in both vocabularies, signal from the bit or the kind")
    func decode() {
        // 4.14–6.2: sp_reg undefined with end set / clear; REGS implies signal.
        #expect(ORCLayout.hintTypes.decode([0, 0, 0, 0, 0x00, 0x04], at: 0).kind == .endOfStack)
        #expect(ORCLayout.hintTypes.decode([0, 0, 0, 0, 0x00, 0x00], at: 0).kind == .undefined)
        let regs = ORCLayout.hintTypes.decode([0, 0, 0, 0, 0x05, 0x01], at: 0)
        #expect(regs.kind == .regs && regs.signal)
        #expect(ORCLayout.hintTypes.decode([0, 0, 0, 0, 0x05, 0x03], at: 0).kind == .unknown(3))
        // 6.3+: types 0–4, signal bit 11 of the word, a CALL may carry it.
        #expect(ORCLayout.orcTypes.decode([0, 0, 0, 0, 0x00, 0x01], at: 0).kind == .endOfStack)
        let call = ORCLayout.orcTypes.decode([0xf8, 0xff, 0, 0, 0x15, 0x0a], at: 0)
        #expect(call.kind == .call && call.signal && call.spOffset == -8 && call.bpRegister == 1)
        #expect(ORCLayout.orcTypes.decode([0, 0, 0, 0, 0x05, 0x07], at: 0).kind == .unknown(7))
    }
}

@Suite(
    "ORC entry layout of the shared dumps",
    .enabled(if: TestPaths.hasSharedVmcores, "../shared/vmcores is absent: skipped"))
struct SharedORCLayoutTests {
    @Test("Debian's 6.1 kernel: BTF has struct orc_entry, with the 4.14–6.2 bitfields")
    func debian61() throws {
        let dump = try Vmcore(path: try SharedDump.all[0].path())
        let reader = try #require(DumpFactsReader.readWithReader(dump, systemMap: nil).reader)
        var layout = try ORCLayout.select(reader: reader, release: dump.vmcoreinfo?.osRelease)
        #expect(layout.source == "BTF struct orc_entry")
        layout.source = ""
        #expect(layout == ORCLayout.hintTypes)
    }
}
