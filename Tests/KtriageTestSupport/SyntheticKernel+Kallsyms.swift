/// One symbol of a synthetic kernel's kallsyms table.
public struct SyntheticSymbol: Sendable {
    public var name: String
    /// nm-style type: `T`/`t` text, `D`/`d` data, `B`/`b` bss, `R`/`r` read-only data.
    public var type: UInt8
    /// The runtime address; for a per-CPU symbol, its offset in the per-CPU area.
    public var address: UInt64
    /// A per-CPU symbol, stored as an absolute value under `CONFIG_KALLSYMS_ABSOLUTE_PERCPU`.
    public var perCPU: Bool

    public init(_ name: String, _ type: Character, _ address: UInt64, perCPU: Bool = false) {
        self.name = name
        self.type = type.asciiValue ?? UInt8(ascii: "?")
        self.address = address
        self.perCPU = perCPU
    }
}

/// The kallsyms arrays as 6.1's `scripts/kallsyms.c` emits them, in its order:
/// `kallsyms_offsets`, `kallsyms_relative_base`, `kallsyms_num_syms`, `kallsyms_names`,
/// `kallsyms_markers`, `kallsyms_token_table`, `kallsyms_token_index`.
public struct SyntheticKallsyms: Sendable {
    /// Multi-byte tokens for byte values no symbol uses: `scripts/kallsyms` gives those values
    /// to the most frequent pairs of tokens; fixed strings do the same job here.
    public static let sharedTokens = ["orc_unwind", "start_", "stop_", "init", "task", "Tdo_", "__", "_ip"]

    /// The arrays, position independent (they hold no pointers).
    public let bytes: [UInt8]
    /// Where each array starts in `bytes`, in the kernel's order.
    public let arrays: [(name: String, offset: Int)]

    /// - Parameter absolutePercpu: `CONFIG_KALLSYMS_ABSOLUTE_PERCPU` (x86-64 SMP): per-CPU
    ///   symbols stored as non-negative absolute values, the others as `relative_base − 1 −
    ///   offset`; otherwise every address is `relative_base + (u32)offset`.
    public init(_ symbols: [SyntheticSymbol], absolutePercpu: Bool) {
        // Address order; equal addresses keep the caller's order.
        let sorted = symbols.enumerated().sorted { ($0.element.address, $0.offset) < ($1.element.address, $1.offset) }
            .map(\.element)
        let relative = sorted.filter { !(absolutePercpu && $0.perCPU) }
        let base = relative.map(\.address).min() ?? 0

        // Tokens: each byte a name uses stands for itself; unused values carry the shared tokens.
        let expansions = sorted.map { [$0.type] + Array($0.name.utf8) }
        var used = Set<UInt8>()
        for expansion in expansions { used.formUnion(expansion) }
        var tokens: [[UInt8]] = (0..<256).map { $0 == 0 ? [] : [UInt8($0)] }
        var spare = Self.sharedTokens.map { Array($0.utf8) }[...]
        for value in 1..<256 where !used.contains(UInt8(value)) {
            guard let token = spare.popFirst() else { break }
            tokens[value] = token
        }

        var out = ByteBuilder()
        var arrays: [(String, Int)] = []
        func align(_ boundary: Int) { out.zeros((boundary - out.count % boundary) % boundary) }
        func start(_ name: String, alignment: Int) {
            align(alignment)
            arrays.append((name, out.count))
        }
        start("kallsyms_offsets", alignment: 8)
        for symbol in sorted {
            if absolutePercpu && symbol.perCPU {
                out.put(Int32(truncatingIfNeeded: symbol.address))
            } else if absolutePercpu {
                out.put(Int32(truncatingIfNeeded: Int64(bitPattern: base &- 1 &- symbol.address)))
            } else {
                out.put(UInt32(truncatingIfNeeded: symbol.address &- base))
            }
        }
        start("kallsyms_relative_base", alignment: 8)
        out.put(base)
        start("kallsyms_num_syms", alignment: 8)
        out.put(UInt32(sorted.count))
        start("kallsyms_names", alignment: 8)
        var markers: [UInt32] = []
        let namesStart = out.count
        for (index, expansion) in expansions.enumerated() {
            if index % 256 == 0 { markers.append(UInt32(out.count - namesStart)) }
            let encoded = Self.encode(expansion, tokens: tokens)
            if encoded.count > 0x7f {
                out.put(UInt8(encoded.count & 0x7f | 0x80))  // 6.1+: two-byte length
                out.put(UInt8(encoded.count >> 7))
            } else {
                out.put(UInt8(encoded.count))
            }
            out.put(encoded)
        }
        start("kallsyms_markers", alignment: 8)
        for marker in markers { out.put(marker) }
        start("kallsyms_token_table", alignment: 8)
        var tokenOffsets: [UInt16] = []
        let tableStart = out.count
        for token in tokens {
            tokenOffsets.append(UInt16(out.count - tableStart))
            out.put(token + [0])
        }
        start("kallsyms_token_index", alignment: 8)
        for offset in tokenOffsets { out.put(offset) }
        bytes = out.bytes
        self.arrays = arrays
    }

    /// Greedy longest-token encoding of `text`.
    static func encode(_ text: [UInt8], tokens: [[UInt8]]) -> [UInt8] {
        let byLength = tokens.enumerated().filter { !$0.element.isEmpty }.sorted {
            ($0.element.count, $1.offset) > ($1.element.count, $0.offset)
        }
        var result: [UInt8] = []
        var position = 0
        while position < text.count {
            let rest = text[position...]
            guard let match = byLength.first(where: { rest.starts(with: $0.element) }) else { break }
            result.append(UInt8(match.offset))
            position += match.element.count
        }
        return result
    }
}

extension SyntheticKernel {
    /// Writes `table` at `physical` (in the kernel image) and adds the VMCOREINFO entries 6.0+
    /// kernels export for it (`kernel/crash_core.c`: `kallsyms_names`, `_num_syms`,
    /// `_token_table`, `_token_index`, `_offsets`, `_relative_base`).
    public func writeKallsyms(_ table: SyntheticKallsyms, at physical: UInt64) {
        write(table.bytes, at: physical)
        for (name, offset) in table.arrays where name != "kallsyms_markers" {
            vmcoreinfo.append("SYMBOL(\(name))=\(String(imageAddress(physical + UInt64(offset)), radix: 16))")
        }
    }
}
