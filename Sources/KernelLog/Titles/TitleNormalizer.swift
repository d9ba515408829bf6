/// Makes titles comparable across builds, hosts and runs: addresses, numbers, line numbers,
/// offsets and fuzzer process numbers become placeholders.
///
/// Rules, applied in this order (each pass is a left-to-right rewrite):
/// 1. `syz-executor123`, `syz-executor1/4`, `syzkaller123` lose their digits;
/// 2. 6+ lower-case hex digits (optional `0x`) after a non-alphanumeric byte → `ADDR`
///    (also catches 6+ digit decimals such as PIDs);
/// 3. dotted IPv4 → `IP`; 4. `.c:123[:45]` → `.c:LINE`; 5. `name+0x1/0x2` → `name`;
/// 6. `CPU#3` → `CPU`; 7. a standalone decimal (not at the start) → `NUM`;
/// 8. 7+ digits anywhere → `NUM`.
/// Then the first 120 bytes are kept, tabs become spaces, control and non-ASCII bytes are
/// dropped and spaces collapse.
public enum TitleNormalizer {
    public static let maxTitleBytes = 120

    public static func normalize(_ title: String) -> String {
        var b = Array(title.utf8)
        b = fuzzerNames(b)
        b = addresses(b)
        b = ipv4(b)
        b = lineNumbers(b)
        b = offsets(b)
        b = cpuNumbers(b)
        b = numbers(b)
        b = longDigitRuns(b)
        return finish(b)
    }

    static func isDigit(_ c: UInt8) -> Bool { c >= 0x30 && c <= 0x39 }
    static func isLowerHex(_ c: UInt8) -> Bool { isDigit(c) || (c >= 0x61 && c <= 0x66) }
    static func isAlnum(_ c: UInt8) -> Bool {
        isDigit(c) || (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a)
    }
    static func isWord(_ c: UInt8) -> Bool { isAlnum(c) || c == 0x5f }
    static func hasPrefix(_ b: [UInt8], _ i: Int, _ p: String) -> Bool {
        let u = Array(p.utf8)
        guard i + u.count <= b.count else { return false }
        for k in 0..<u.count where b[i + k] != u[k] { return false }
        return true
    }

    static func fuzzerNames(_ b: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(b.count)
        var i = 0
        while i < b.count {
            for word in ["syz-executor", "syzkaller"] where hasPrefix(b, i, word) {
                let w = Array(word.utf8)
                var j = i + w.count
                guard j < b.count, isDigit(b[j]) else { continue }
                while j < b.count, isDigit(b[j]) { j += 1 }
                if word == "syz-executor", j + 1 < b.count, b[j] == 0x2f || b[j] == 0x3a, isDigit(b[j + 1]) {
                    j += 1
                    while j < b.count, isDigit(b[j]) { j += 1 }
                }
                out.append(contentsOf: w)
                i = j
            }
            if i < b.count {
                out.append(b[i])
                i += 1
            }
        }
        return out
    }

    static func addresses(_ b: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        var i = 0
        while i < b.count {
            if i > 0, !isAlnum(b[i - 1]) {
                var j = i
                if hasPrefix(b, j, "0x") { j += 2 }
                let start = j
                while j < b.count, isLowerHex(b[j]) { j += 1 }
                if j - start >= 6 {
                    out.append(contentsOf: Array("ADDR".utf8))
                    i = j
                    continue
                }
            }
            out.append(b[i])
            i += 1
        }
        return out
    }

    static func ipv4(_ b: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        var i = 0
        while i < b.count {
            if isDigit(b[i]), i == 0 || !isWord(b[i - 1]) {
                var j = i
                var groups = 0
                while groups < 4 {
                    let s = j
                    while j < b.count, isDigit(b[j]), j - s < 3 { j += 1 }
                    guard j > s else { break }
                    groups += 1
                    if groups < 4 {
                        guard j < b.count, b[j] == 0x2e else { break }
                        j += 1
                    }
                }
                if groups == 4, j >= b.count || !isWord(b[j]) {
                    out.append(contentsOf: Array("IP".utf8))
                    i = j
                    continue
                }
            }
            out.append(b[i])
            i += 1
        }
        return out
    }

    static func lineNumbers(_ b: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        var i = 0
        while i < b.count {
            if b[i] == 0x2e {
                var j = i + 1
                let s = j
                while j < b.count, (b[j] >= 0x61 && b[j] <= 0x7a) || (b[j] >= 0x41 && b[j] <= 0x5a) { j += 1 }
                if j > s, j + 1 < b.count, b[j] == 0x3a, isDigit(b[j + 1]) {
                    out.append(contentsOf: b[i..<j])
                    out.append(contentsOf: Array(":LINE".utf8))
                    while j + 1 < b.count, b[j] == 0x3a, isDigit(b[j + 1]) {
                        j += 1
                        while j < b.count, isDigit(b[j]) { j += 1 }
                    }
                    i = j
                    continue
                }
            }
            out.append(b[i])
            i += 1
        }
        return out
    }

    /// Parses `0x1f` or `ADDR` at `i`; returns the end or nil.
    static func offsetToken(_ b: [UInt8], _ i: Int) -> Int? {
        if hasPrefix(b, i, "ADDR") { return i + 4 }
        guard hasPrefix(b, i, "0x") else { return nil }
        var j = i + 2
        while j < b.count, isLowerHex(b[j]) || (b[j] >= 0x41 && b[j] <= 0x46) { j += 1 }
        return j > i + 2 ? j : nil
    }

    static func offsets(_ b: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        var i = 0
        while i < b.count {
            if b[i] == 0x2b, i > 0, isWord(b[i - 1]) || b[i - 1] == 0x2e, let e1 = offsetToken(b, i + 1),
                e1 < b.count, b[e1] == 0x2f, let e2 = offsetToken(b, e1 + 1)
            {
                i = e2
                continue
            }
            out.append(b[i])
            i += 1
        }
        return out
    }

    static func cpuNumbers(_ b: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        var i = 0
        while i < b.count {
            if hasPrefix(b, i, "CPU#"), i + 4 < b.count, isDigit(b[i + 4]) {
                var j = i + 4
                while j < b.count, isDigit(b[j]) { j += 1 }
                out.append(contentsOf: Array("CPU".utf8))
                i = j
                continue
            }
            out.append(b[i])
            i += 1
        }
        return out
    }

    static func numbers(_ b: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        var i = 0
        while i < b.count {
            if isDigit(b[i]), i > 0, !isWord(b[i - 1]) {
                var j = i
                while j < b.count, isDigit(b[j]) { j += 1 }
                if j >= b.count || !isWord(b[j]) {
                    out.append(contentsOf: Array("NUM".utf8))
                    i = j
                    continue
                }
                out.append(contentsOf: b[i..<j])
                i = j
                continue
            }
            out.append(b[i])
            i += 1
        }
        return out
    }

    static func longDigitRuns(_ b: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        var i = 0
        while i < b.count {
            if isDigit(b[i]) {
                var j = i
                while j < b.count, isDigit(b[j]) { j += 1 }
                if j - i >= 7 {
                    out.append(contentsOf: Array("NUM".utf8))
                } else {
                    out.append(contentsOf: b[i..<j])
                }
                i = j
                continue
            }
            out.append(b[i])
            i += 1
        }
        return out
    }

    static func finish(_ b: [UInt8]) -> String {
        var out: [UInt8] = []
        for c in b.prefix(maxTitleBytes) {
            let c = c == 0x09 ? 0x20 : c
            if c < 0x20 || c >= 0x7f { continue }
            if c == 0x20, out.last == 0x20 || out.isEmpty { continue }
            out.append(c)
        }
        while out.last == 0x20 { out.removeLast() }
        return String(decoding: out, as: UTF8.self)
    }
}
