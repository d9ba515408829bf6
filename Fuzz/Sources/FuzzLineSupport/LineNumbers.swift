import FuzzSupport
import KtriageBytes

/// Numbers inside a line (stamps, sizes, offsets, PIDs, addresses) and what to put in their place.
enum LineNumbers {
    struct Run {
        var range: Range<Int>
        var isHex: Bool
    }

    static func isHexDigit(_ byte: UInt8) -> Bool { ByteScanning.hexValue(byte) != nil }

    /// Runs of digits: hex after `0x` or when they hold a hex letter, decimal otherwise.
    static func runs(in line: [UInt8]) -> [Run] {
        var runs: [Run] = []
        var index = 0
        while index < line.count, runs.count < 64 {
            guard isHexDigit(line[index]) else {
                index += 1
                continue
            }
            let start = index
            while index < line.count, isHexDigit(line[index]) { index += 1 }
            let afterPrefix = start >= 2 && line[start - 1] == UInt8(ascii: "x") && line[start - 2] == UInt8(ascii: "0")
            let hasLetter = line[start..<index].contains { !ByteScanning.isDigit($0) }
            // A word that merely holds hex letters (`fade`, `bad`) is not a number.
            if afterPrefix || (hasLetter && index - start >= 8) || !hasLetter {
                runs.append(Run(range: start..<index, isHex: afterPrefix || hasLetter))
            }
        }
        return runs
    }

    static func replacement(for run: Run, in line: [UInt8], _ random: inout MutationRandom) -> [UInt8] {
        let text = String(decoding: line[run.range], as: UTF8.self)
        let value = UInt64(text, radix: run.isHex ? 16 : 10)
        let newValue: UInt64
        switch random.below(8) {
        case 0:
            // Past 64 bits, or a run of digits longer than any number.
            let digits = random.pick(["18446744073709551616", "99999999999999999999999999999999", "00000000"]) ?? "0"
            return Array(digits.utf8)
        case 1:
            newValue =
                random.pick([0, 1, 59, 60, 99, 100, 119, 121, 999_999, 1_000_000, 0x7fff_ffff, 0xffff_ffff, 1 << 32])
                ?? 0
        case 2: newValue = random.pick([Int64.max.magnitude, Int64.max.magnitude + 1, UInt64.max]) ?? 0
        case 3: newValue = (value ?? 0) &* 1000
        default: newValue = random.interesting(value ?? 0, width: 8)
        }
        var digits = String(newValue, radix: run.isHex ? 16 : 10)
        // Keep a fixed-width field (`[    5.000001]`, 16 hex digits) at its width when it fits.
        if digits.count < run.range.count, random.chance(1, in: 2) {
            digits = String(repeating: "0", count: run.range.count - digits.count) + digits
        }
        return Array(digits.utf8)
    }

    /// Function names of the frames already in the lines (`name+0x…`), for inserted frames.
    static func functionNames(in lines: [[UInt8]], limit: Int) -> [String] {
        var names: [String] = []
        for line in lines.prefix(limit) where names.count < 32 {
            var index = 0
            while index + 3 < line.count {
                defer { index += 1 }
                guard line[index] == UInt8(ascii: "+"), line[index + 1] == UInt8(ascii: "0"),
                    line[index + 2] == UInt8(ascii: "x")
                else { continue }
                var start = index
                while start > 0, line[start - 1] != UInt8(ascii: " "), line[start - 1] != UInt8(ascii: ":"),
                    index - start < 128
                {
                    start -= 1
                }
                if start < index { names.append(String(decoding: line[start..<index], as: UTF8.self)) }
            }
        }
        return names
    }
}
