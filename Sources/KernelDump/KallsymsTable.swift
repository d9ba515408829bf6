import KernelFacts
import KtriageBytes

/// The kernel's own symbol table (kallsyms), read from the dump through the VMCOREINFO entries
/// that 6.0+ kernels export for this purpose — symbolization without vmlinux or System.map.
///
/// Format notes (kernel `kernel/kallsyms.c`, `scripts/kallsyms.c`, 6.1):
/// - `kallsyms_num_syms` (`unsigned int`); `kallsyms_offsets[]` (`int`, address order) with
///   `kallsyms_relative_base` (`unsigned long`): with `CONFIG_KALLSYMS_ABSOLUTE_PERCPU` (x86-64
///   SMP) a non-negative offset is an absolute address and a negative one means
///   `relative_base − 1 − offset`; otherwise every offset is `relative_base + (u32)offset`.
/// - `kallsyms_names`: per symbol a length byte (6.1+: if bit 7 is set, a second byte supplies
///   bits 7…14) and that many token indexes; each index selects a NUL-terminated string at
///   `kallsyms_token_table[kallsyms_token_index[i]]`. The first character of the expansion is
///   the nm-style type (`T`, `t`, `W`, …), the rest the name.
/// Layouts before 6.0 (no VMCOREINFO entries) and after changes to this scheme are reported as
/// unavailable (`nil`), never guessed. Reads are bounded by `maxSymbols` and the name-table walk.
struct KallsymsTable {
    static let maxSymbols = 4_000_000

    /// Symbol start addresses (address order).
    let addresses: [UInt64]
    /// nm-style type character of each symbol.
    let types: [UInt8]
    /// The compressed name stream and where each symbol's entry starts in it (names are expanded
    /// only when asked for: building ~100k strings up front would cost more than the whole dump read).
    let stream: [UInt8]
    let entries: [UInt32]
    let tokens: [[UInt8]]
    /// For each symbol, the text symbol (`T`, `t`, `W`, `w`) that names an address there: the
    /// last one at or before it, or the first of its aliases (-1: none). Found once here: stepping
    /// back over the data symbols on every lookup cost a walk over .data and .bss for each word
    /// the stack scan looked up.
    let namingText: [Int32]

    /// Reads the table; `nil` when VMCOREINFO lacks the entries or the data is inconsistent.
    init?(memory: KernelMemory, info: VMCoreInfo) {
        guard let namesAt = info.symbol("kallsyms_names"), let countAt = info.symbol("kallsyms_num_syms"),
            let tableAt = info.symbol("kallsyms_token_table"),
            let indexAt = info.symbol("kallsyms_token_index"),
            let offsetsAt = info.symbol("kallsyms_offsets"),
            let baseAt = info.symbol("kallsyms_relative_base")
        else { return nil }
        guard let count = try? Int(memory.readUnsigned(countAt, size: 4, what: "kallsyms_num_syms")),
            count > 0, count <= Self.maxSymbols,
            let base = try? memory.readUnsigned(baseAt, size: 8, what: "kallsyms_relative_base"),
            let offsets = try? memory.read(offsetsAt, count: count * 4, what: "kallsyms_offsets"),
            let tokenIndex = try? memory.read(indexAt, count: 512, what: "kallsyms_token_index")
        else { return nil }
        // The token table ends before the token index in the kernel image; bound it by 64 KiB
        // (before converting: damaged symbols can lie more than Int.max apart).
        let tableLength = indexAt > tableAt ? Int(min(indexAt - tableAt, 65_536)) : 0
        guard tableLength > 0,
            let tokenTable = try? memory.read(tableAt, count: tableLength, what: "kallsyms_token_table")
        else { return nil }

        var raw: [Int32] = []
        raw.reserveCapacity(count)
        var anyNegative = false
        for index in 0..<count {
            let value = Int32(bitPattern: UInt32(KernelMemory.decode(offsets[(index * 4)..<(index * 4 + 4)])))
            if value < 0 { anyNegative = true }
            raw.append(value)
        }
        addresses = raw.map { value in
            if anyNegative {
                return value >= 0 ? UInt64(value) : base &- 1 &- UInt64(bitPattern: Int64(value))
            }
            return base &+ UInt64(UInt32(bitPattern: value))
        }

        // Token strings.
        var tokens: [[UInt8]] = []
        tokens.reserveCapacity(256)
        for token in 0..<256 {
            let start = Int(KernelMemory.decode(tokenIndex[(token * 2)..<(token * 2 + 2)]))
            guard start < tokenTable.count else { return nil }
            let end = tokenTable[start...].firstIndex(of: 0) ?? tokenTable.count
            tokens.append(Array(tokenTable[start..<end]))
        }

        // Walk the entry lengths, reading the compressed stream in chunks.
        var stream: [UInt8] = []
        var entries: [UInt32] = []
        var types: [UInt8] = []
        entries.reserveCapacity(count)
        types.reserveCapacity(count)
        var position = 0
        var next = namesAt
        func ensure(_ needed: Int) -> Bool {
            while stream.count < position + needed {
                guard stream.count < 16 << 20 else { return false }  // ~1.5 MB for a distribution kernel
                let chunk = 65_536 - Int(next % 4096)
                guard let bytes = try? memory.read(next, count: chunk, what: "kallsyms_names") else {
                    return false
                }
                stream += bytes
                next &+= UInt64(chunk)
            }
            return true
        }
        for _ in 0..<count {
            guard ensure(2) else { return nil }
            var length = Int(stream[position])
            var header = 1
            if length & 0x80 != 0 {
                length = (length & 0x7f) | Int(stream[position + 1]) << 7
                header = 2
            }
            guard length > 0, ensure(header + length) else { return nil }
            entries.append(UInt32(position))
            types.append(tokens[Int(stream[position + header])].first ?? 0)
            position += header + length
        }
        self.stream = stream
        self.entries = entries
        self.types = types
        self.tokens = tokens
        namingText = Self.namingText(addresses: addresses, types: types)
    }

    static func isText(_ type: UInt8) -> Bool {
        let lower = type | 0x20
        return lower == UInt8(ascii: "t") || lower == UInt8(ascii: "w")
    }

    /// `namingText`: aliases (same address) name the address by the first of them, as the
    /// kernel's `get_symbol_pos` does: `scripts/kallsyms` sorts section markers such as
    /// `__sched_text_start` after the function they share an address with.
    static func namingText(addresses: [UInt64], types: [UInt8]) -> [Int32] {
        var result = [Int32](repeating: -1, count: types.count)
        var current: Int32 = -1
        for index in types.indices {
            if isText(types[index]),
                !(index > 0 && isText(types[index - 1]) && addresses[index - 1] == addresses[index])
            {
                current = Int32(index)
            }
            result[index] = current
        }
        return result
    }

    /// Where symbol `index`'s token indexes start in the stream and how many there are: a length
    /// byte, or two when its top bit is set (long symbol names in `kallsyms_names`, 6.1 on).
    private func tokenRun(_ index: Int) -> (position: Int, length: Int) {
        var position = Int(entries[index])
        var length = Int(stream[position])
        position += 1
        if length & 0x80 != 0 {
            length = (length & 0x7f) | Int(stream[position]) << 7
            position += 1
        }
        return (position, length)
    }

    /// The name of symbol `index` (the expansion without its type character).
    func name(_ index: Int) -> String {
        let (position, length) = tokenRun(index)
        var expanded: [UInt8] = []
        for offset in 0..<length { expanded += tokens[Int(stream[position + offset])] }
        return String(decoding: expanded.dropFirst(), as: UTF8.self)
    }

    /// The addresses of the symbols called `names` (any type), in one pass over the table; a name
    /// that occurs more than once (a `static` in several files) keeps its first address.
    func addresses(of names: Set<String>) -> [String: UInt64] {
        let wanted = Set(names.map { Array($0.utf8) })
        // Entry lengths (type character included) worth expanding: most symbols are skipped unread.
        var lengths = [Bool](repeating: false, count: 1 << 15)
        for name in wanted where name.count + 1 < lengths.count { lengths[name.count + 1] = true }
        let longest = wanted.map(\.count).max() ?? 0
        var found: [String: UInt64] = [:]
        var expanded: [UInt8] = []
        expanded.reserveCapacity(256)
        for index in entries.indices {
            let (position, length) = tokenRun(index)
            // Each token expands to at least one byte: more tokens than the longest wanted name
            // (plus its type character) has bytes cannot match.
            guard length >= 1, length <= longest + 1 else { continue }
            expanded.removeAll(keepingCapacity: true)
            for offset in 0..<length { expanded += tokens[Int(stream[position + offset])] }
            guard expanded.count > 1, expanded.count < lengths.count, lengths[expanded.count] else { continue }
            let name = Array(expanded.dropFirst())
            guard wanted.contains(name) else { continue }
            let text = String(decoding: name, as: UTF8.self)
            if found[text] == nil { found[text] = addresses[index] }
            if found.count == wanted.count { break }
        }
        return found
    }

    /// `name+0xoffset` for a text address (`T`, `t`, `W`, `w` symbols), or `nil`.
    func symbolize(_ address: UInt64) -> String? {
        textSymbol(containing: address).map { "\($0.name)+0x\(String($0.offset, radix: 16))" }
    }

    /// The text symbol (`T`, `t`, `W`, `w`) an address lies in and the offset into it, or `nil`.
    func textSymbol(containing address: UInt64) -> (name: String, offset: UInt64)? {
        let low = SortedSearch.partitionPoint(in: addresses.indices) { addresses[$0] <= address }
        guard low > 0 else { return nil }
        let index = Int(namingText[low - 1])
        guard index >= 0 else { return nil }
        let offset = address &- addresses[index]
        guard offset < 0x10_0000 else { return nil }
        return (name(index), offset)
    }
}
