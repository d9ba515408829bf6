import FuzzSupport

/// System.map and `/proc/kallsyms` lines (`address type name`, kallsyms with `\t[module]`): a
/// line added, or a symbol's type changed, so that sorting, duplicates, the text/data split and
/// module symbols are met more often than byte flips make them; or a kernel log line whose
/// address lies near one of the map's symbols (the harness symbolizes every line).
enum SymbolMapMutation {
    static let types = Array("TtDdBbRrWwVvAaUuNn?".utf8)
    static let names = ["_stext", "_text", "_etext", "_sinittext", "startup_64", "__per_cpu_start", "kfree", "x", ""]

    static func mutate(_ input: inout LineInput, _ random: inout MutationRandom, room: Int) -> Bool {
        let index = random.below(input.lines.count)
        if random.chance(1, in: 3) { return insertLogLine(&input, near: index, &random, room: room) }
        if random.chance(1, in: 2) {
            let line = input.lines[index]
            guard let space = line.firstIndex(of: UInt8(ascii: " ")), space + 1 < line.count else { return false }
            input.lines[index][space + 1] = random.pick(types) ?? UInt8(ascii: "T")
            return true
        }
        // Near the line's own address when it has one, so the new symbol lands among the others.
        let near = input.lines[index].prefix(16)
        let base = UInt64(String(decoding: near, as: UTF8.self), radix: 16) ?? 0xffff_ffff_8100_0000
        let address =
            random.chance(1, in: 4)
            ? random.interesting(base, width: 8) : base &+ UInt64(random.below(0x2000)) &- 0x1000
        var line =
            KernelLineGrammar.hex(address, digits: 16) + [
                UInt8(ascii: " "), random.pick(types) ?? 0x54, UInt8(ascii: " "),
            ]
        line += Array((random.pick(names + KernelLineGrammar.functions) ?? "f").utf8)
        if random.chance(1, in: 3) { line += Array("\t[\(random.pick(KernelLineGrammar.modules) ?? "m")]".utf8) }
        guard line.count + 1 <= room else { return false }
        input.lines.insert(line, at: random.below(input.lines.count + 1))
        return true
    }

    /// A report line with its first address moved next to the symbol of line `index`.
    static func insertLogLine(_ input: inout LineInput, near index: Int, _ random: inout MutationRandom, room: Int)
        -> Bool
    {
        var line = KernelLineGrammar.reportLine(&random, functions: [])
        if let symbol = UInt64(String(decoding: input.lines[index].prefix(16), as: UTF8.self), radix: 16),
            let run = LineNumbers.runs(in: line).first(where: { $0.isHex && $0.range.count == 16 })
        {
            let address = symbol &+ UInt64(random.below(0x100))
            line.replaceSubrange(run.range, with: KernelLineGrammar.hex(address, digits: 16))
        }
        guard line.count + 1 <= room else { return false }
        input.lines.insert(line, at: random.below(input.lines.count + 1))
        return true
    }
}
