import FuzzSupport

/// Mutations of lines that each hold one JSON object (journal entries, `scan --format ndjson`
/// records) that keep them JSON where byte flips break them: a string escape put in (`\u`
/// sequences, surrogate pairs, lone surrogates, escaped quotes, NUL, a cut `\u`), or one string
/// value replaced by a string value of another line (two records then share a signature, a host,
/// a kernel; an entry another's message).
enum JSONLineMutation {
    static let escapes = [
        "\\u00e9", "\\ud83d\\ude00", "\\ud800", "\\udc00x", "\\\"", "\\\\", "\\n", "\\u0000", "\\t", "\\/", "\\u",
        "\u{e9}", "\\x",
    ]

    /// An escape right after one of the quotes of line `index`.
    static func insertEscape(_ input: inout LineInput, at index: Int, _ random: inout MutationRandom, room: Int)
        -> Bool
    {
        let line = input.lines[index]
        guard let quote = random.pick(line.indices.filter { line[$0] == UInt8(ascii: "\"") }) else { return false }
        let escape = Array((random.pick(escapes) ?? "").utf8)
        guard escape.count <= room else { return false }
        input.lines[index].insert(contentsOf: escape, at: quote + 1)
        return true
    }

    /// The contents of a line's string values: what follows `":"` up to the closing quote.
    static func stringValues(in line: [UInt8]) -> [Range<Int>] {
        var values: [Range<Int>] = []
        var index = 0
        while index + 2 < line.count, values.count < 256 {
            guard line[index] == UInt8(ascii: "\""), line[index + 1] == UInt8(ascii: ":"),
                line[index + 2] == UInt8(ascii: "\"")
            else {
                index += 1
                continue
            }
            let start = index + 3
            var end = start
            while end < line.count, line[end] != UInt8(ascii: "\"") { end += line[end] == UInt8(ascii: "\\") ? 2 : 1 }
            guard end < line.count else { break }
            values.append(start..<end)
            index = end + 1
        }
        return values
    }

    /// One string value of a line replaced by one of another (or the same) line.
    static func copyValue(_ input: inout LineInput, _ random: inout MutationRandom, room: Int) -> Bool {
        let target = random.below(input.lines.count)
        let source = random.chance(1, in: 4) ? target : random.below(input.lines.count)
        guard let into = random.pick(stringValues(in: input.lines[target])),
            let from = random.pick(stringValues(in: input.lines[source]))
        else { return false }
        let value = Array(input.lines[source][from])
        guard value.count - into.count <= room else { return false }
        input.lines[target].replaceSubrange(into, with: value)
        return true
    }
}
