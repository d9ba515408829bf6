import KtriageBytes

/// One ORC table (the kernel's, or one module's): sorted code addresses and the unwind entry that
/// applies from each (x86-64 `arch/x86/include/asm/orc_types.h`, 4.14+).
///
/// `orc_unwind_ip[i]` is an `int` relative to its own address; `orc_unwind[i]` is a 6-byte
/// `struct orc_entry` whose bitfields moved in 6.3 (`ORCLayout` says where, per kernel).
struct ORCTable {
    /// What an entry says about the frame, in one vocabulary for every layout.
    enum Kind: Equatable {
        /// No unwind information: the kernel reports an error (`goto err`).
        case undefined
        /// The stack ends here (kernel thread entry, user-mode entry).
        case endOfStack
        /// An ordinary call frame: the return address lies just below the previous SP.
        case call
        /// A full `pt_regs` lies at the previous SP.
        case regs
        /// An IRET frame (`ip, cs, flags, sp, ss`) lies at the previous SP.
        case regsPartial
        case unknown(UInt8)
    }

    struct Entry: Equatable {
        var spOffset: Int16
        var bpOffset: Int16
        var spRegister: UInt8
        var bpRegister: UInt8
        var kind: Kind
        /// Look the next frame's entry up at its address itself rather than one byte before
        /// (the frame was interrupted, not called): `orc->signal` (6.3+), the REGS kinds before.
        var signal: Bool
    }

    /// ORC register numbers (`ORC_REG_*`).
    enum Register {
        static let undefined: UInt8 = 0, previousSP: UInt8 = 1, dx: UInt8 = 2, di: UInt8 = 3, bp: UInt8 = 4
        static let sp: UInt8 = 5, r10: UInt8 = 6, r13: UInt8 = 7, bpIndirect: UInt8 = 8, spIndirect: UInt8 = 9
    }

    /// Most entries accepted from one table (a distribution vmlinux has about 400 000).
    static let maxEntries = 4_000_000

    let addresses: [UInt64]
    let raw: [UInt8]
    /// Text range the table covers (for module tables: the module's core text), for lookups.
    let range: ClosedRange<UInt64>
    let module: String?
    let layout: ORCLayout

    init(
        ipTable: UInt64, entries: UInt64, count: Int, module: String?, layout: ORCLayout, memory: KernelMemory
    ) throws {
        guard count > 0, count <= Self.maxEntries else {
            throw BTFError(offset: nil, field: "ORC table", message: "\(count) entries is out of range")
        }
        let ips = try memory.read(ipTable, count: count * 4, what: "orc_unwind_ip")
        raw = try memory.read(entries, count: count * ORCLayout.entrySize, what: "orc_unwind")
        var addresses: [UInt64] = []
        addresses.reserveCapacity(count)
        for index in 0..<count {
            let relative = Int32(bitPattern: UInt32(KernelMemory.decode(ips[(index * 4)..<(index * 4 + 4)])))
            addresses.append(ipTable &+ UInt64(index * 4) &+ UInt64(bitPattern: Int64(relative)))
        }
        self.addresses = addresses
        range = (addresses.min() ?? 0)...(addresses.max() ?? 0)
        self.module = module
        self.layout = layout
    }

    /// The entry for `address`: the last one starting at or before it.
    func entry(for address: UInt64) -> Entry? {
        guard range.contains(address) || address > range.upperBound else { return nil }
        let low = SortedSearch.partitionPoint(in: addresses.indices) { addresses[$0] <= address }
        guard low > 0 else { return nil }
        return layout.decode(raw, at: (low - 1) * ORCLayout.entrySize)
    }
}
