/// One ORC entry for a synthetic x86-64 kernel's unwind tables, in the vocabulary every layout
/// shares; `SyntheticKernel.writeORCTables` encodes it in one kernel version's bitfields.
public struct SyntheticORCEntry: Sendable {
    public enum Kind: Sendable { case undefined, endOfStack, call, regs, regsPartial }

    /// `ORC_REG_*` numbers (`arch/x86/include/asm/orc_types.h`).
    public enum Register {
        public static let undefined: UInt8 = 0, previousSP: UInt8 = 1, bp: UInt8 = 4, sp: UInt8 = 5
    }

    /// The code address the entry applies from (kernel virtual).
    public var address: UInt64
    public var kind: Kind
    public var spRegister: UInt8
    public var spOffset: Int16
    public var bpRegister: UInt8
    public var bpOffset: Int16
    /// 6.3+ `signal` bit (older layouts imply it from the REGS kinds).
    public var signal: Bool

    public init(
        address: UInt64, kind: Kind, spRegister: UInt8 = Register.sp, spOffset: Int16 = 8,
        bpRegister: UInt8 = Register.undefined, bpOffset: Int16 = 0, signal: Bool = false
    ) {
        self.address = address
        self.kind = kind
        self.spRegister = spRegister
        self.spOffset = spOffset
        self.bpRegister = bpRegister
        self.bpOffset = bpOffset
        self.signal = signal
    }
}

/// `struct orc_entry`'s bitfield word by kernel version.
public enum SyntheticORCLayout: Sendable, CaseIterable {
    /// 4.14–6.2: `sp_reg:4, bp_reg:4, type:2` (call 0, regs 1, regs_partial 2), `end:1`; end
    /// of stack is `sp_reg` undefined with `end` set.
    case before6_3
    /// 6.3+: `sp_reg:4, bp_reg:4, type:3` (undefined 0, end_of_stack 1, call 2, regs 3,
    /// regs_partial 4), `signal:1`.
    case since6_3

    /// The 16-bit word after `sp_offset` and `bp_offset`.
    public func word(_ entry: SyntheticORCEntry) -> UInt16 {
        var spRegister = UInt16(entry.spRegister)
        let registers = { (sp: UInt16) in sp | UInt16(entry.bpRegister) << 4 }
        switch self {
        case .before6_3:
            let type: UInt16
            var end: UInt16 = 0
            switch entry.kind {
            case .undefined, .endOfStack:
                spRegister = UInt16(SyntheticORCEntry.Register.undefined)
                type = 0
                end = entry.kind == .endOfStack ? 1 : 0
            case .call: type = 0
            case .regs: type = 1
            case .regsPartial: type = 2
            }
            return registers(spRegister) | type << 8 | end << 10
        case .since6_3:
            let types: [SyntheticORCEntry.Kind: UInt16] = [
                .undefined: 0, .endOfStack: 1, .call: 2, .regs: 3, .regsPartial: 4,
            ]
            return registers(spRegister) | (types[entry.kind] ?? 0) << 8 | (entry.signal ? 1 : 0) << 11
        }
    }
}

extension SyntheticKernel {
    /// Writes `orc_unwind_ip` (each an `int` relative to its own address) and `orc_unwind` (6-byte
    /// entries) for `entries`, sorted by address, in the image; returns the symbols that bound
    /// them (`__start_orc_unwind_ip`, `__stop_orc_unwind_ip`, `__start_orc_unwind`).
    public func writeORCTables(_ entries: [SyntheticORCEntry], layout: SyntheticORCLayout) -> [String: UInt64] {
        let sorted = entries.sorted { $0.address < $1.address }
        let ipTable = allocate(bytes: sorted.count * 4)
        let unwind = allocate(bytes: sorted.count * 6)
        for (index, entry) in sorted.enumerated() {
            let slot = imageAddress(ipTable) + UInt64(index * 4)
            write(Int32(truncatingIfNeeded: Int64(bitPattern: entry.address &- slot)), at: ipTable + UInt64(index * 4))
            let base = unwind + UInt64(index * 6)
            write(entry.spOffset, at: base)
            write(entry.bpOffset, at: base + 2)
            write(layout.word(entry), at: base + 4)
        }
        return [
            "__start_orc_unwind_ip": imageAddress(ipTable),
            "__stop_orc_unwind_ip": imageAddress(ipTable) + UInt64(sorted.count * 4),
            "__start_orc_unwind": imageAddress(unwind),
        ]
    }

    /// Writes a 6.4+ `.orc_header` (the 20-byte `ORC_HASH`) and returns its bounding symbols.
    public func writeORCHeader(_ hash: [UInt8]) -> [String: UInt64] {
        let header = allocate(bytes: hash.count)
        write(hash, at: header)
        return [
            "__start_orc_header": imageAddress(header),
            "__stop_orc_header": imageAddress(header) + UInt64(hash.count),
        ]
    }
}
