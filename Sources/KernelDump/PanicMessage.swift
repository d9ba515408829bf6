/// Finds the panic message and the crashing CPU in a kernel log, the way crash's `sys` reports
/// `PANIC:` — without the crash-report parser (that richer record is a separate seam, see
/// `VmcoreSummary.crashRecord`).
///
/// Order (each pass over all lines; the first hit wins):
/// 1. a fatal exception header: `kernel BUG at …`, `general protection fault…`, `double fault:`,
///    `divide error:`, `stack segment:` (crash reports the BUG line, not the later
///    `Kernel panic - not syncing: Fatal exception`);
/// 2. `Kernel panic - not syncing: …`;
/// 3. the first `BUG: `, `Oops: `, `Unable to handle kernel`, `WARNING: ` line.
public enum PanicMessage {
    static let fatalHeaders = [
        "kernel BUG at ", "Kernel BUG at ", "general protection fault", "double fault: ", "divide error: ",
        "stack segment: ",
    ]
    static let panicHeader = "Kernel panic - not syncing: "
    static let otherHeaders = ["BUG: ", "Oops: ", "Unable to handle kernel ", "WARNING: "]

    /// The log as lines (records split at `\n`).
    public static func lines(of records: [KernelLogRecord]) -> [String] {
        var lines: [String] = []
        for record in records where !record.isDataless {
            for piece in record.text.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
                lines.append(String(decoding: piece, as: UTF8.self))
            }
        }
        return lines
    }

    /// The panic message and the index of its line, if any.
    public static func find(in lines: [String]) -> (message: String, line: Int)? {
        for (index, line) in lines.enumerated() {
            for header in fatalHeaders {
                if let range = line.firstRange(of: header) {
                    return (String(line[range.lowerBound...]), index)
                }
            }
        }
        for (index, line) in lines.enumerated() {
            if let range = line.firstRange(of: panicHeader) {
                return (String(line[range.lowerBound...]), index)
            }
        }
        for (index, line) in lines.enumerated() {
            for header in otherHeaders {
                if let range = line.firstRange(of: header) {
                    return (String(line[range.lowerBound...]), index)
                }
            }
        }
        return nil
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

    /// Parses `CPU: 1 PID: 108 Comm: …`.
    static func parseContext(_ line: String) -> (cpu: Int, pid: Int)? {
        guard let cpuRange = line.firstRange(of: "CPU: ") else { return nil }
        let rest = line[cpuRange.upperBound...]
        let cpuDigits = rest.prefix { $0.isNumber }
        guard let cpu = Int(cpuDigits) else { return nil }
        let afterCPU = rest.dropFirst(cpuDigits.count)
        guard afterCPU.hasPrefix(" PID: ") else { return nil }
        let pidDigits = afterCPU.dropFirst(6).prefix { $0.isNumber }
        guard let pid = Int(pidDigits) else { return nil }
        return (cpu, pid)
    }
}
