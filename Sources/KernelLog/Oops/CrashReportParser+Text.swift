/// Convenience for tests and small inputs: a whole log as text.
extension CrashReportParser {
    /// Parses a whole log. Each line loses a naive prefix: `** N printk messages dropped ** `, text
    /// up to a glued ` login: `, `<N>`, `[ seconds.micros]`, `[ T12]`/`[  C3]`; with
    /// `source: .syslog`, also `Mon DD hh:mm:ss host kernel: ` (other programs' lines are skipped).
    /// The input layer does this properly for real files.
    public static func parse(text: String, source: LogSource = .dmesg) -> [CrashRecord] {
        parse(bytes: Array(text.utf8), source: source)
    }

    /// Parses a whole log given as bytes (not necessarily UTF-8).
    public static func parse(bytes: [UInt8], source: LogSource = .dmesg) -> [CrashRecord] {
        var parser = CrashReportParser()
        bytes.withUnsafeBytes { all in
            var start = 0
            var number = 0
            while start <= all.count {
                var end = start
                while end < all.count, all[end] != 0x0a { end += 1 }
                number += 1
                var lineEnd = end
                if lineEnd > start, all[lineEnd - 1] == 0x0d { lineEnd -= 1 }
                let raw = UnsafeRawBufferPointer(rebasing: all[start..<lineEnd])
                var (text, metadata) = NaivePrefix.strip(raw, source: source)
                if metadata.isKernel {
                    // Drop embedded carriage returns (serial consoles).
                    _ = text
                }
                let line = LogLine(text: text, number: number, offset: Int64(start), metadata: metadata)
                parser.consume(line)
                metadata.isKernel = true
                if end >= all.count { break }
                start = end + 1
            }
        }
        return parser.finish()
    }
}

/// The naive prefix stripper behind ``CrashReportParser/parse(text:source:)``.
enum NaivePrefix {
    static func strip(_ raw: UnsafeRawBufferPointer, source: LogSource) -> (UnsafeRawBufferPointer, LineMetadata) {
        var m = LineMetadata(source: source)
        var s = 0
        let n = raw.count
        func starts(_ lit: String, at i: Int) -> Bool {
            var k = i
            for c in lit.utf8 {
                guard k < n, raw[k] == c else { return false }
                k += 1
            }
            return true
        }
        func find(_ lit: String, from: Int, within: Int) -> Int? {
            var i = from
            while i < min(n, from + within) {
                if starts(lit, at: i) { return i }
                i += 1
            }
            return nil
        }
        if source == .syslog {
            // `Nov 12 15:06:31 host kernel: ` (BSD) — the time is within the first 15 bytes.
            if n > 16,
                raw[2] == UInt8(ascii: ":") || raw[9] == UInt8(ascii: ":") || raw[10] == UInt8(ascii: ":")
                    || raw[12] == UInt8(ascii: ":")
            {
                if let k = find(" kernel: ", from: 0, within: 200) {
                    let hostEnd = k
                    var hostStart = hostEnd
                    while hostStart > 0, raw[hostStart - 1] != 0x20 { hostStart -= 1 }
                    if hostStart < hostEnd { m.host = String(decoding: raw[hostStart..<hostEnd], as: UTF8.self) }
                    s = k + 9
                } else {
                    m.isKernel = false
                }
            }
        }
        if starts("** ", at: s), let e = find(" **", from: s + 3, within: 60),
            find("dropped", from: s, within: e - s) != nil
        {
            s = e + 3
            while s < n, raw[s] == 0x20 { s += 1 }
        }
        if let l = find(" login: ", from: s, within: 120), l + 8 < n, raw[l + 8] == UInt8(ascii: "[") { s = l + 8 }
        if s + 2 < n, raw[s] == UInt8(ascii: "<"), let close = find(">", from: s + 1, within: 4) {
            var level: Int = 0
            var ok = close > s + 1
            for k in (s + 1)..<close {
                guard raw[k] >= 0x30, raw[k] <= 0x39 else { ok = false; break }
                level = level * 10 + Int(raw[k] - 0x30)
            }
            if ok {
                m.level = UInt8(truncatingIfNeeded: level & 7)
                s = close + 1
            }
        }
        if s < n, raw[s] == UInt8(ascii: "["), let close = find("]", from: s + 1, within: 24) {
            var secs: Int64 = 0
            var micros: Int64 = 0
            var fraction = false
            var digits = 0
            var valid = true
            var fracDigits = 0
            for k in (s + 1)..<close {
                let c = raw[k]
                if c == 0x20 && digits == 0 { continue }
                if c == UInt8(ascii: ".") && !fraction { fraction = true; continue }
                guard c >= 0x30, c <= 0x39 else { valid = false; break }
                digits += 1
                if fraction {
                    if fracDigits < 6 { micros = micros * 10 + Int64(c - 0x30); fracDigits += 1 }
                } else {
                    secs = secs &* 10 &+ Int64(c - 0x30)
                }
            }
            if valid, fraction, digits > 0 {
                while fracDigits < 6 { micros *= 10; fracDigits += 1 }
                m.monotonicMicros = secs &* 1_000_000 &+ micros
                s = close + 1
                // Caller id `[ T123]` / `[  C0]`.
                if s < n, raw[s] == UInt8(ascii: "["), let c2 = find("]", from: s + 1, within: 12) {
                    var k = s + 1
                    while k < c2, raw[k] == 0x20 { k += 1 }
                    if k < c2, raw[k] == UInt8(ascii: "T") || raw[k] == UInt8(ascii: "C") {
                        let isThread = raw[k] == UInt8(ascii: "T")
                        var id: Int32 = 0
                        var ok = k + 1 < c2
                        for q in (k + 1)..<c2 {
                            guard raw[q] >= 0x30, raw[q] <= 0x39 else { ok = false; break }
                            id = id &* 10 &+ Int32(raw[q] - 0x30)
                        }
                        if ok {
                            m.caller = isThread ? .thread(id) : .cpu(id)
                            s = c2 + 1
                        }
                    }
                }
                if s < n, raw[s] == 0x20 { s += 1 }
            }
        }
        return (UnsafeRawBufferPointer(rebasing: raw[s..<n]), m)
    }
}
