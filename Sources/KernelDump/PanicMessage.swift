import KtriageBytes

/// Finds the panic message and the crashing CPU in a kernel log, the way crash's `sys` reports
/// `PANIC:` — without the crash-report parser (that richer record is a separate seam, see
/// `VmcoreSummary.crashRecord`).
///
/// Passes, in crash 8.0.2's order (`task.c` `get_panicmsg`, confirmed by the order of its marker
/// strings in the binary and by its `PANIC:` lines on the lab dumps; each pass scans all lines
/// and the first line holding one of the pass's markers wins; the message runs from the marker to
/// the line end):
/// 1. `general protection fault: `, `double fault: `, `divide error: `, `stack segment: `;
/// 2. `SysRq : Netdump`, `SysRq : Crash`, `SysRq : Trigger a crash` (the pre-5.x spelling);
/// 3. `Oops: `, `Kernel BUG at`, `kernel BUG at`, `BUG: unable to handle kernel ` — so an
///    oops's `kernel BUG at …` or `Oops: 0002 [#1] PREEMPT SMP NOPTI` line wins over the later
///    `Kernel panic - not syncing: Fatal exception` (5.x+ page faults print
///    `BUG: unable to handle page fault`, which no pass matches, then the `Oops:` line);
/// 4. (crash: a line holding `sysrq` when the kernel's `sysrq_pressed` is set — a keyboard
///    SysRq; not applied here, the flag is not read);
/// 5. `Kernel panic: `, `Kernel panic - `;
/// 6. `[Hardware Error]: `; 7. `Bad mode in `;
/// 8. (ktriage's fallback where crash shows nothing) the first `BUG: ` or `WARNING: ` line.
public enum PanicMessage {
    static let passes: [[String]] = [
        ["general protection fault: ", "double fault: ", "divide error: ", "stack segment: "],
        ["SysRq : Netdump", "SysRq : Crash", "SysRq : Trigger a crash"],
        ["Oops: ", "Kernel BUG at", "kernel BUG at", "BUG: unable to handle kernel "],
        ["Kernel panic: ", "Kernel panic - "],
        ["[Hardware Error]: "],
        ["Bad mode in "],
        ["BUG: ", "WARNING: "],
    ]

    /// The log as lines (records split at `\n`, found with `memchr`).
    public static func lines(of records: [PrintkRecord]) -> [String] {
        var lines: [String] = []
        for record in records where !record.isDataless {
            record.text.withUnsafeBytes { raw in
                var start = 0
                while true {
                    let end = ByteScanning.memchrIndex(UInt8(ascii: "\n"), in: raw, from: start) ?? raw.count
                    lines.append(String(decoding: UnsafeRawBufferPointer(rebasing: raw[start..<end]), as: UTF8.self))
                    guard end < raw.count else { break }
                    start = end + 1
                }
            }
        }
        return lines
    }

    /// The markers of every pass as bytes, in pass order, with their pass number.
    static let needles: [(bytes: [UInt8], pass: Int)] = passes.enumerated().flatMap { pass, markers in
        markers.map { (Array($0.utf8), pass) }
    }

    /// The panic message and the index of its line, if any.
    ///
    /// Each line is searched once per marker of the passes still open (`memchr`), then crash's
    /// precedence applies: the lowest pass wins, then the earliest line, then the marker listed
    /// first. A line holding a pass-0 marker ends the search.
    public static func find(in lines: [String]) -> (message: String, line: Int)? {
        var best: (pass: Int, line: Int, start: Int)?
        for (index, line) in lines.enumerated() {
            var line = line
            let marker = line.withUTF8 { firstMarker(in: $0, below: best?.pass ?? passes.count) }
            guard let (pass, start) = marker else { continue }
            best = (pass, index, start)
            if pass == 0 { break }
        }
        guard let best else { return nil }
        return (String(decoding: Array(lines[best.line].utf8)[best.start...], as: UTF8.self), best.line)
    }

    /// The lowest pass below `limit` with a marker in `line`, and where its first-listed marker
    /// that occurs starts.
    ///
    /// `needles` is in pass order and, within a pass, in listed order, so the answer is the
    /// first needle, in that order, that occurs, at its first occurrence. Each needle is looked
    /// for with `memchr` on its first byte: a Swift loop over every byte of every line cost a
    /// tenth of the dump fuzzers' time in a debug build. No allocation per line (this runs on
    /// every log line of every dump).
    static func firstMarker(in line: UnsafeBufferPointer<UInt8>, below limit: Int) -> (pass: Int, start: Int)? {
        let bytes = UnsafeRawBufferPointer(line)
        for needle in needles {
            guard needle.pass < limit else { break }
            if let start = ByteScanning.firstIndex(of: needle.bytes, in: bytes) { return (needle.pass, start) }
        }
        return nil
    }

    /// Start of the first occurrence of `needle` in `haystack`.
    static func firstIndex(of needle: [UInt8], in haystack: [UInt8]) -> Int? {
        haystack.withUnsafeBytes { ByteScanning.firstIndex(of: needle, in: $0) }
    }

    /// `CPU: <n> PID: <p>` from the oops/panic context line nearest the panic line: the first one
    /// within 40 lines after it, else the last one before it.
    public static func contextCPU(in lines: [String], near line: Int) -> (cpu: Int, pid: Int)? {
        if line + 1 < lines.count {
            for index in (line + 1)..<min(lines.count, line + 40) {
                if let found = parseContext(lines[index]) { return found }
            }
        }
        var index = min(line, lines.count - 1)
        while index >= 0 {
            if let found = parseContext(lines[index]) { return found }
            index -= 1
        }
        return nil
    }

    /// Parses `CPU: 1 PID: 108 Comm: …` (and 6.10+'s `CPU: 1 UID: 0 PID: 108 Comm: …`).
    static func parseContext(_ line: String) -> (cpu: Int, pid: Int)? {
        let bytes = Array(line.utf8)
        guard let start = firstIndex(of: Array("CPU: ".utf8), in: bytes) else { return nil }
        let rest = Substring(String(decoding: bytes[(start + 5)...], as: UTF8.self))
        let cpuDigits = rest.prefix { $0.isNumber }
        guard let cpu = Int(cpuDigits) else { return nil }
        var afterCPU = rest.dropFirst(cpuDigits.count)
        if afterCPU.hasPrefix(" UID: ") {
            let uidDigits = afterCPU.dropFirst(6).prefix { $0.isNumber }
            afterCPU = afterCPU.dropFirst(6 + uidDigits.count)
        }
        guard afterCPU.hasPrefix(" PID: ") else { return nil }
        let pidDigits = afterCPU.dropFirst(6).prefix { $0.isNumber }
        guard let pid = Int(pidDigits) else { return nil }
        return (cpu, pid)
    }
}
