import KtriageBytes

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
        var bytes = Array(title.utf8)
        bytes = fuzzerNames(bytes)
        bytes = addresses(bytes)
        bytes = ipv4(bytes)
        bytes = lineNumbers(bytes)
        bytes = offsets(bytes)
        bytes = cpuNumbers(bytes)
        bytes = numbers(bytes)
        bytes = longDigitRuns(bytes)
        return finish(bytes)
    }

    /// Whether `bytes` holds `literal` at `index`.
    static func hasLiteral(_ bytes: [UInt8], at index: Int, _ literal: String) -> Bool {
        // Asked at every byte of a title: no copy of the literal, out at the first difference.
        var position = index
        for byte in literal.utf8 {
            guard position < bytes.count, bytes[position] == byte else { return false }
            position += 1
        }
        return true
    }

    /// Program names syzkaller numbers per process (`syz-executor3`, `syzkaller12`).
    static let fuzzerWords = ["syz-executor", "syzkaller"]

    static func fuzzerNames(_ bytes: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var index = 0
        while index < bytes.count {
            for word in fuzzerWords where hasLiteral(bytes, at: index, word) {
                let wordBytes = Array(word.utf8)
                var end = index + wordBytes.count
                guard end < bytes.count, ByteScanning.isDigit(bytes[end]) else { continue }
                while end < bytes.count, ByteScanning.isDigit(bytes[end]) { end += 1 }
                // `syz-executor1/4` and `syz-executor1:4`: the second number goes too.
                if word == "syz-executor", end + 1 < bytes.count,
                    bytes[end] == UInt8(ascii: "/") || bytes[end] == UInt8(ascii: ":"),
                    ByteScanning.isDigit(bytes[end + 1])
                {
                    end += 1
                    while end < bytes.count, ByteScanning.isDigit(bytes[end]) { end += 1 }
                }
                out.append(contentsOf: wordBytes)
                index = end
            }
            if index < bytes.count {
                out.append(bytes[index])
                index += 1
            }
        }
        return out
    }

    /// What a pass does at one position: replace the bytes up to `end` with `replacement`
    /// (`nil`: keep them as they are and go on after them, so a pass does not look inside them).
    struct Rewrite {
        var end: Int
        var replacement: String?
    }

    /// One left-to-right pass: at each position `match` may rewrite a span; other bytes are
    /// copied.
    static func rewrite(_ bytes: [UInt8], _ match: ([UInt8], Int) -> Rewrite?) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var index = 0
        while index < bytes.count {
            if let found = match(bytes, index), found.end > index {
                if let replacement = found.replacement {
                    out.append(contentsOf: replacement.utf8)
                } else {
                    out.append(contentsOf: bytes[index..<found.end])
                }
                index = found.end
                continue
            }
            out.append(bytes[index])
            index += 1
        }
        return out
    }

    static func addresses(_ bytes: [UInt8]) -> [UInt8] {
        rewrite(bytes) { bytes, index in
            guard index > 0, !ASCII.isLetterOrDigit(bytes[index - 1]) else { return nil }
            var end = index
            if hasLiteral(bytes, at: end, "0x") { end += 2 }
            let digitsStart = end
            while end < bytes.count, ASCII.isLowercaseHexDigit(bytes[end]) { end += 1 }
            return end - digitsStart >= 6 ? Rewrite(end: end, replacement: "ADDR") : nil
        }
    }

    static func ipv4(_ bytes: [UInt8]) -> [UInt8] {
        rewrite(bytes) { bytes, index in
            guard ByteScanning.isDigit(bytes[index]), index == 0 || !ASCII.isIdentifierByte(bytes[index - 1]) else {
                return nil
            }
            var end = index
            var groups = 0
            while groups < 4 {
                let groupStart = end
                while end < bytes.count, ByteScanning.isDigit(bytes[end]), end - groupStart < 3 { end += 1 }
                guard end > groupStart else { break }
                groups += 1
                if groups < 4 {
                    guard end < bytes.count, bytes[end] == UInt8(ascii: ".") else { break }
                    end += 1
                }
            }
            guard groups == 4, end >= bytes.count || !ASCII.isIdentifierByte(bytes[end]) else { return nil }
            return Rewrite(end: end, replacement: "IP")
        }
    }

    static func lineNumbers(_ bytes: [UInt8]) -> [UInt8] {
        rewrite(bytes) { bytes, index in
            guard bytes[index] == UInt8(ascii: ".") else { return nil }
            var end = index + 1
            let extensionStart = end
            while end < bytes.count, ASCII.isLetter(bytes[end]) { end += 1 }
            guard end > extensionStart, end + 1 < bytes.count, bytes[end] == UInt8(ascii: ":"),
                ByteScanning.isDigit(bytes[end + 1])
            else { return nil }
            let fileExtension = String(decoding: bytes[index..<end], as: UTF8.self)
            while end + 1 < bytes.count, bytes[end] == UInt8(ascii: ":"), ByteScanning.isDigit(bytes[end + 1]) {
                end += 1
                while end < bytes.count, ByteScanning.isDigit(bytes[end]) { end += 1 }
            }
            return Rewrite(end: end, replacement: fileExtension + ":LINE")
        }
    }

    /// Parses a hex number (`0x1f`) or an `ADDR` placeholder at `index`; returns its end or nil.
    static func offsetToken(_ bytes: [UInt8], _ index: Int) -> Int? {
        if hasLiteral(bytes, at: index, "ADDR") { return index + 4 }
        guard hasLiteral(bytes, at: index, "0x") else { return nil }
        var end = index + 2
        while end < bytes.count, ASCII.isHexDigit(bytes[end]) { end += 1 }
        return end > index + 2 ? end : nil
    }

    static func offsets(_ bytes: [UInt8]) -> [UInt8] {
        rewrite(bytes) { bytes, index in
            guard bytes[index] == UInt8(ascii: "+"), index > 0,
                ASCII.isIdentifierByte(bytes[index - 1]) || bytes[index - 1] == UInt8(ascii: "."),
                let offsetEnd = offsetToken(bytes, index + 1),
                offsetEnd < bytes.count, bytes[offsetEnd] == UInt8(ascii: "/"),
                let sizeEnd = offsetToken(bytes, offsetEnd + 1)
            else { return nil }
            return Rewrite(end: sizeEnd, replacement: "")
        }
    }

    static func cpuNumbers(_ bytes: [UInt8]) -> [UInt8] {
        rewrite(bytes) { bytes, index in
            guard hasLiteral(bytes, at: index, "CPU#"), index + 4 < bytes.count, ByteScanning.isDigit(bytes[index + 4])
            else { return nil }
            return Rewrite(end: digitsEnd(bytes, from: index + 4), replacement: "CPU")
        }
    }

    static func numbers(_ bytes: [UInt8]) -> [UInt8] {
        rewrite(bytes) { bytes, index in
            guard ByteScanning.isDigit(bytes[index]), index > 0, !ASCII.isIdentifierByte(bytes[index - 1]) else {
                return nil
            }
            let end = digitsEnd(bytes, from: index)
            // Digits glued to a name (`0abc`) stay, all of them.
            let standalone = end >= bytes.count || !ASCII.isIdentifierByte(bytes[end])
            return Rewrite(end: end, replacement: standalone ? "NUM" : nil)
        }
    }

    static func longDigitRuns(_ bytes: [UInt8]) -> [UInt8] {
        rewrite(bytes) { bytes, index in
            guard ByteScanning.isDigit(bytes[index]) else { return nil }
            let end = digitsEnd(bytes, from: index)
            return Rewrite(end: end, replacement: end - index >= 7 ? "NUM" : nil)
        }
    }

    /// The end of the run of decimal digits at `index`.
    static func digitsEnd(_ bytes: [UInt8], from index: Int) -> Int {
        var end = index
        while end < bytes.count, ByteScanning.isDigit(bytes[end]) { end += 1 }
        return end
    }

    static func finish(_ bytes: [UInt8]) -> String {
        var out: [UInt8] = []
        for original in bytes.prefix(maxTitleBytes) {
            let byte = original == ASCII.tab ? ASCII.space : original
            if !ASCII.isPrintable(byte) { continue }
            if byte == ASCII.space, out.last == ASCII.space || out.isEmpty { continue }
            out.append(byte)
        }
        while out.last == ASCII.space { out.removeLast() }
        return String(decoding: out, as: UTF8.self)
    }
}
