/// One ORC table (the kernel's, or one module's): sorted code addresses and the unwind entry that
/// applies from each (x86-64 `arch/x86/include/asm/orc_types.h`, 4.14+).
///
/// `orc_unwind_ip[i]` is an `int` relative to its own address; `orc_unwind[i]` is 6 bytes:
/// `s16 sp_offset, s16 bp_offset`, then a 16-bit word with `sp_reg` (bits 0–3), `bp_reg` (4–7),
/// `type` (8–9) and `end` (10) — the layout from 4.14 until 6.3 reworked the type field (a 3-bit
/// type with an end-of-stack type and a `signal` bit); `ORCUnwinder` refuses kernels past 6.2.
struct ORCTable {
    struct Entry {
        var spOffset: Int16
        var bpOffset: Int16
        var spRegister: UInt8
        var bpRegister: UInt8
        var type: UInt8
        var end: Bool
    }

    /// ORC register numbers (`ORC_REG_*`).
    enum Register {
        static let undefined: UInt8 = 0, previousSP: UInt8 = 1, dx: UInt8 = 2, di: UInt8 = 3, bp: UInt8 = 4
        static let sp: UInt8 = 5, r10: UInt8 = 6, r13: UInt8 = 7, bpIndirect: UInt8 = 8, spIndirect: UInt8 = 9
    }

    /// `UNWIND_HINT_TYPE_*` (`include/linux/objtool.h`).
    enum FrameType {
        static let call: UInt8 = 0, regs: UInt8 = 1, regsPartial: UInt8 = 2
    }

    /// Most entries accepted from one table (a distribution vmlinux has about 400 000).
    static let maxEntries = 4_000_000

    let addresses: [UInt64]
    let raw: [UInt8]
    /// Text range the table covers (for module tables: the module's core text), for lookups.
    let range: ClosedRange<UInt64>
    let module: String?

    init(ipTable: UInt64, entries: UInt64, count: Int, module: String?, memory: KernelMemory) throws {
        guard count > 0, count <= Self.maxEntries else {
            throw BTFError(offset: nil, field: "ORC table", message: "\(count) entries is out of range")
        }
        let ips = try memory.read(ipTable, count: count * 4, what: "orc_unwind_ip")
        raw = try memory.read(entries, count: count * 6, what: "orc_unwind")
        var addresses: [UInt64] = []
        addresses.reserveCapacity(count)
        for index in 0..<count {
            let relative = Int32(bitPattern: UInt32(KernelMemory.decode(ips[(index * 4)..<(index * 4 + 4)])))
            addresses.append(ipTable &+ UInt64(index * 4) &+ UInt64(bitPattern: Int64(relative)))
        }
        self.addresses = addresses
        range = (addresses.min() ?? 0)...(addresses.max() ?? 0)
        self.module = module
    }

    /// The entry for `address`: the last one starting at or before it.
    func entry(for address: UInt64) -> Entry? {
        guard range.contains(address) || address > range.upperBound else { return nil }
        var low = 0
        var high = addresses.count
        while low < high {
            let mid = (low + high) / 2
            if addresses[mid] <= address { low = mid + 1 } else { high = mid }
        }
        guard low > 0 else { return nil }
        let base = (low - 1) * 6
        let word = UInt16(raw[base + 4]) | UInt16(raw[base + 5]) << 8
        return Entry(
            spOffset: Int16(bitPattern: UInt16(raw[base]) | UInt16(raw[base + 1]) << 8),
            bpOffset: Int16(bitPattern: UInt16(raw[base + 2]) | UInt16(raw[base + 3]) << 8),
            spRegister: UInt8(word & 0xf), bpRegister: UInt8((word >> 4) & 0xf), type: UInt8((word >> 8) & 0x3),
            end: (word >> 10) & 1 != 0)
    }
}
