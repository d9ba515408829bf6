/// Where the fields of one kernel's `struct orc_entry` lie (x86-64 `arch/x86/include/asm/orc_types.h`)
/// and what its `type` values mean, decided from facts in the dump.
///
/// Every version: 6 bytes, `s16 sp_offset` (bytes 0–1), `s16 bp_offset` (2–3), then a 16-bit word
/// of bitfields (little-endian x86: `sp_reg:4` at bit 32, `bp_reg:4` at bit 36, then):
/// - 4.14–6.2: `type:2` (bit 40; `UNWIND_HINT_TYPE_CALL` 0, `REGS` 1, `REGS_PARTIAL` 2) and
///   `end:1` (bit 42). End of stack is `sp_reg == ORC_REG_UNDEFINED` with `end` set; without
///   `end` the entry is undefined (`unwind_orc.c`: `if (!orc->end) goto err`). A signal frame
///   (look the next entry up at the address itself, not one byte before) follows the REGS types.
/// - 6.3+ (`fb799447ae29` "Split UNWIND_HINT_EMPTY in two", `ffb1b4a41016` "Add 'signal' field"):
///   `type:3` (bit 40; `ORC_TYPE_UNDEFINED` 0, `END_OF_STACK` 1, `CALL` 2, `REGS` 3,
///   `REGS_PARTIAL` 4) and `signal:1` (bit 43): the unwinder sets `state->signal = orc->signal`.
///
/// Decided by, in order: the dump's BTF (`struct orc_entry`'s members and bit offsets — the
/// kernel's own record of the layout; a `signal` member means the 6.3 type values, `end` the
/// older ones); the 20-byte `.orc_header` hash (6.4+, `scripts/orc_hash.sh`: SHA-1 of the
/// header's `ORC_REG_*`/`ORC_TYPE_*` defines and `struct orc_entry`); the kernel release.
struct ORCLayout: Sendable, Equatable {
    /// One bitfield: bit offset from the entry's start and width.
    struct Field: Sendable, Equatable {
        var bit: Int
        var width: Int
    }

    /// Which `type` values mean what.
    enum TypeValues: String, Sendable, Equatable {
        /// 4.14–6.2: call 0, regs 1, regs_partial 2; end of stack is the `end` bit.
        case hint
        /// 6.3+: undefined 0, end_of_stack 1, call 2, regs 3, regs_partial 4.
        case orcType
    }

    var spRegister: Field
    var bpRegister: Field
    var type: Field
    /// 4.14–6.2 only.
    var end: Field?
    /// 6.3+ only.
    var signal: Field?
    var typeValues: TypeValues
    /// What decided it, in words (`BTF struct orc_entry`, `.orc_header hash`, `kernel release 6.8.0`).
    var source: String

    /// `sizeof(struct orc_entry)`, every version.
    static let entrySize = 6

    /// 4.14 through 6.2.
    static let hintTypes = ORCLayout(
        spRegister: Field(bit: 32, width: 4), bpRegister: Field(bit: 36, width: 4), type: Field(bit: 40, width: 2),
        end: Field(bit: 42, width: 1), signal: nil, typeValues: .hint, source: "")
    /// 6.3 and later.
    static let orcTypes = ORCLayout(
        spRegister: Field(bit: 32, width: 4), bpRegister: Field(bit: 36, width: 4), type: Field(bit: 40, width: 3),
        end: nil, signal: Field(bit: 43, width: 1), typeValues: .orcType, source: "")

    /// First release with the 3-bit type and the signal bit.
    static let firstORCTypeRelease = (major: 6, minor: 3)

    /// `.orc_header` contents (`ORC_HASH`) of the headers this reader knows, with their layout:
    /// `sh scripts/orc_hash.sh < arch/x86/include/asm/orc_types.h` on Linux 6.12 (the header is
    /// unchanged since 6.4 added the hash).
    static let knownHeaderHashes: [[UInt8]: ORCLayout] = [
        [
            0xfe, 0x5d, 0x32, 0xbf, 0x58, 0x1b, 0xd6, 0x3b, 0x2c, 0xa9, 0xa5, 0xc6, 0x5b, 0xa5, 0xa6, 0x25, 0xea, 0xb3,
            0xfe, 0x24,
        ]: orcTypes
    ]

    /// The layout `struct orc_entry` has in `btf`, or `nil` when the BTF lacks the struct.
    /// - Throws: `BTFError` when the struct is there but is not an ORC entry this reader can read.
    static func fromBTF(_ btf: BTF) throws -> ORCLayout? {
        guard btf.structure(named: "orc_entry") != nil else { return nil }
        let size = try btf.size(ofTypeNamed: "orc_entry")
        guard size == entrySize else {
            throw BTFError(offset: nil, field: "struct orc_entry", message: "is \(size) bytes, not \(entrySize)")
        }
        func field(_ name: String) throws -> Field {
            let place = try btf.member(name, in: "orc_entry")
            let width = place.bitfieldSize > 0 ? place.bitfieldSize : try btf.size(of: place.type) * 8
            return Field(bit: place.bitOffset, width: width)
        }
        let sp = try btf.member("sp_offset", in: "orc_entry")
        let bp = try btf.member("bp_offset", in: "orc_entry")
        guard sp.bitOffset == 0, bp.bitOffset == 16 else {
            throw BTFError(
                offset: nil, field: "struct orc_entry",
                message: "sp_offset at bit \(sp.bitOffset) and bp_offset at bit \(bp.bitOffset), not 0 and 16")
        }
        let signal = try? field("signal")
        let end = try? field("end")
        let layout = ORCLayout(
            spRegister: try field("sp_reg"), bpRegister: try field("bp_reg"), type: try field("type"), end: end,
            signal: signal, typeValues: signal != nil ? .orcType : .hint, source: "BTF struct orc_entry")
        // Each field must lie in the 16-bit word after the two offsets and be narrow enough.
        let fields = [layout.spRegister, layout.bpRegister, layout.type] + [end, signal].compactMap { $0 }
        // 6.3+ types run to 4 (3 bits); the older ones to 2.
        guard fields.allSatisfy({ $0.bit >= 32 && $0.width >= 1 && $0.width <= 4 && $0.bit + $0.width <= 48 }),
            signal != nil || end != nil, signal == nil || layout.type.width >= 3
        else {
            throw BTFError(
                offset: nil, field: "struct orc_entry",
                message:
                    "its bitfields (\(fields.map { "\($0.bit):\($0.width)" })) are not an ORC entry this reader knows")
        }
        return layout
    }

    /// The layout a header hash names, or `nil` for an unknown hash.
    static func fromHeaderHash(_ hash: [UInt8]) -> ORCLayout? {
        guard var layout = knownHeaderHashes[hash] else { return nil }
        layout.source = ".orc_header hash"
        return layout
    }

    /// The layout of a kernel release (`6.8.0-31-generic`): 6.3+ or older; `nil` when the release
    /// has no `major.minor`.
    static func fromRelease(_ release: String) -> ORCLayout? {
        let parts = release.split(whereSeparator: { !$0.isNumber }).prefix(2).compactMap { Int($0) }
        guard parts.count == 2, release.first?.isNumber == true else { return nil }
        var layout = (parts[0], parts[1]) >= firstORCTypeRelease ? orcTypes : hintTypes
        layout.source = "kernel release \(release)"
        return layout
    }

    /// Decodes the entry at `base` in `raw`.
    func decode(_ raw: [UInt8], at base: Int) -> ORCTable.Entry {
        let word = UInt64(raw[base + 4]) << 32 | UInt64(raw[base + 5]) << 40
        func value(_ field: Field) -> UInt8 { UInt8((word >> UInt64(field.bit)) & ((1 << UInt64(field.width)) - 1)) }
        let spRegister = value(spRegister)
        let typeValue = value(type)
        let kind: ORCTable.Kind
        let signal: Bool
        switch typeValues {
        case .hint:
            if spRegister == ORCTable.Register.undefined {
                kind = end.map { value($0) != 0 } == true ? .endOfStack : .undefined
            } else {
                kind = [0: .call, 1: .regs, 2: .regsPartial][typeValue] ?? .unknown(typeValue)
            }
            signal = kind == .regs || kind == .regsPartial
        case .orcType:
            kind =
                [0: .undefined, 1: .endOfStack, 2: .call, 3: .regs, 4: .regsPartial][typeValue] ?? .unknown(typeValue)
            signal = self.signal.map { value($0) != 0 } ?? false
        }
        return ORCTable.Entry(
            spOffset: Int16(bitPattern: UInt16(raw[base]) | UInt16(raw[base + 1]) << 8),
            bpOffset: Int16(bitPattern: UInt16(raw[base + 2]) | UInt16(raw[base + 3]) << 8),
            spRegister: spRegister, bpRegister: value(bpRegister), kind: kind, signal: signal)
    }
}

extension ORCLayout {
    /// `.orc_header`'s length: a SHA-1.
    static let headerHashBytes = 20

    /// The layout of the dump's kernel, from the first fact that decides it (BTF, `.orc_header`,
    /// release; see the type's comment).
    /// - Throws: `BTFError` when the facts name a layout this reader does not know, or none is found.
    static func select(reader: KernelObjectReader, release: String?) throws -> ORCLayout {
        if let layout = try fromBTF(reader.btf) { return layout }
        if let start = reader.symbols["__start_orc_header"], let stop = reader.symbols["__stop_orc_header"],
            stop == start &+ UInt64(headerHashBytes)
        {
            let hash = try reader.memory.read(start, count: headerHashBytes, what: ".orc_header")
            if let layout = fromHeaderHash(hash) { return layout }
            throw BTFError(
                offset: nil, field: ".orc_header",
                message:
                    "hash \(hash.map { String($0, radix: 16) }.joined()) names an ORC entry layout this reader does not know (and BTF has no struct orc_entry)"
            )
        }
        if let release, let layout = fromRelease(release) { return layout }
        throw BTFError(
            offset: nil, field: "struct orc_entry",
            message: "the ORC entry layout is unknown: no struct orc_entry in BTF, no .orc_header, no kernel release")
    }
}
