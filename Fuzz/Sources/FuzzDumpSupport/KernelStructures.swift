import FuzzSupport
import KernelDump
import KernelFacts

/// The crashed kernel's data as the dump's VMCOREINFO describes it: every `SYMBOL()` is a root,
/// pointers are followed through the x86 address maps (arm64: `ARM64Map`), and `OFFSET()` / `SIZE()` values are the
/// likely field offsets. This is what lets the mutator change a printk descriptor, a ring index
/// or a page-table entry rather than random page bytes. When VMCOREINFO locates kallsyms (6.0+),
/// the symbols the facts and unwinders read are roots too (`addKallsymsRoots`).
struct KernelStructures {
    static let kernelMap: UInt64 = 0xffff_ffff_8000_0000
    static let directMap4: UInt64 = 0xffff_8880_0000_0000
    static let directMap5: UInt64 = 0xff11_0000_0000_0000
    static let directMapSize: UInt64 = 1 << 46
    static let lowmem32: UInt64 = 0xc000_0000
    /// Bits 12–51 of a page-table entry: the next table's (or page's) physical address.
    static let entryAddress: UInt64 = 0x000f_ffff_ffff_f000

    let wordSize: Int
    let physBase: UInt64
    /// Symbol names and their physical addresses.
    private(set) var roots: [(name: String, physical: UInt64)]
    /// `OFFSET()` and `SIZE()` values: where fields of the described structures lie.
    let fieldOffsets: [Int]
    /// Symbol values, for pointer-sized fields (a pointer to another real object).
    private(set) var symbolValues: [UInt64]
    /// arm64 address maps, when VMCOREINFO has arm64's keys.
    let arm64: ARM64Map?
    /// VMCOREINFO locates the kernel's own kallsyms (`SYMBOL(kallsyms_names)`, 6.0+).
    let hasKallsyms: Bool

    init?(text: ArraySlice<UInt8>, wordSize: Int) {
        let info = VMCoreInfo(text: Array(text))
        self.wordSize = wordSize
        let physBase = info.number("phys_base").map { UInt64(bitPattern: $0) } ?? 0
        self.physBase = physBase
        let arm64 = wordSize == 8 ? ARM64Map(info: info) : nil
        self.arm64 = arm64
        var roots: [(String, UInt64)] = []
        var offsets: [Int] = []
        var values: [UInt64] = []
        for entry in info.entries.prefix(512) {
            if entry.key.hasPrefix("SYMBOL("), let value = VMCoreInfo.parseHex(entry.value) {
                values.append(value)
                if let physical = arm64.map({ $0.physical(value) })
                    ?? Self.physical(value, wordSize: wordSize, physBase: physBase)
                {
                    roots.append((String(entry.key.dropFirst(7).dropLast()), physical))
                }
            } else if entry.key.hasPrefix("OFFSET(") || entry.key.hasPrefix("SIZE("), let value = Int(entry.value),
                (0..<4096).contains(value)
            {
                offsets.append(value)
            }
        }
        guard !roots.isEmpty else { return nil }
        self.roots = roots
        fieldOffsets = offsets
        symbolValues = values
        hasKallsyms = info.symbol("kallsyms_names") != nil
    }

    /// Adds what the dump's own kallsyms names among the symbols the facts and unwinders read
    /// (`Vmcore.factSymbolNames`: the BTF blob, `init_task`, the run queues, the ORC tables…),
    /// read through KernelDump from the dump as it is now. Per-CPU offsets map to no address and
    /// are left out as roots.
    mutating func addKallsymsRoots(_ image: DumpImage) {
        guard hasKallsyms else { return }
        let symbols =
            image.bytes.withUnsafeBytes { bytes in
                (try? Vmcore(bytes: bytes, name: "mutator"))?.symbolAddresses(Vmcore.factSymbolNames)
            } ?? [:]
        for (name, address) in symbols.sorted(by: { $0.key < $1.key }) {
            symbolValues.append(address)
            if let physical = physical(address) { roots.append((name, physical)) }
        }
    }

    /// The physical address of a kernel virtual address (kernel image map, direct map, i386
    /// lowmem), or nil for anything else.
    static func physical(_ address: UInt64, wordSize: Int, physBase: UInt64) -> UInt64? {
        if wordSize == 4 { return address >= lowmem32 && address < 1 << 32 ? address - lowmem32 : nil }
        if address >= kernelMap { return address &- kernelMap &+ physBase }
        for base in [directMap4, directMap5] where address >= base && address - base < directMapSize {
            return address - base
        }
        return nil
    }

    func physical(_ address: UInt64) -> UInt64? {
        if let arm64 { return arm64.physical(address) }
        return Self.physical(address, wordSize: wordSize, physBase: physBase)
    }

    /// Whether `name` is the top-level page table (its words are page-table entries, not
    /// pointers).
    static func isPageTable(_ name: String) -> Bool {
        name == "init_top_pgt" || name == "swapper_pg_dir" || name == "init_level4_pgt"
    }

    /// An offset inside a structure: an `OFFSET()`/`SIZE()` value, the sum of two (nested
    /// structures, arrays), or any aligned offset in the first 512 bytes.
    func fieldOffset(_ random: inout MutationRandom, alignment: Int) -> Int {
        switch random.below(4) {
        case 0 where !fieldOffsets.isEmpty: return random.pick(fieldOffsets) ?? 0
        case 1 where !fieldOffsets.isEmpty: return (random.pick(fieldOffsets) ?? 0) + (random.pick(fieldOffsets) ?? 0)
        default: return random.below(512 / alignment) * alignment
        }
    }
}
