import KernelFacts
import KtriageBytes

/// Formats log records as `[seconds.micros] text` lines, like crash's `log` command and
/// vmcore-dmesg.
///
/// Format notes (crash `printk.c` `dump_record`; makedumpfile `printk.c`): the stamp is
/// `[%5llu.%06lu] ` of `ts_nsec`; a `\n` inside a record continues on a new line indented by the
/// prefix width; bytes that are neither printable ASCII nor whitespace print as `.`; a data-less
/// record prints as an empty line. Options: the caller id as `[  T123] ` / `[    C1] ` (crash's
/// `log -c`, 6 characters wide), and wall-clock stamps anchored so that the last record is at
/// the crash time.
public struct DmesgFormatter: Sendable {
    /// Print the caller id column.
    public var showCallerID: Bool
    /// Wall-clock anchor: seconds since the epoch of the last record (CRASHTIME); `nil` prints
    /// monotonic stamps.
    public var wallClockAnchor: Int64?

    public init(showCallerID: Bool = false, wallClockAnchor: Int64? = nil) {
        self.showCallerID = showCallerID
        self.wallClockAnchor = wallClockAnchor
    }

    /// Formats all records; the result ends with a newline unless empty.
    public func format(_ records: [PrintkRecord]) -> String {
        String(decoding: formatBytes(records), as: UTF8.self)
    }

    /// `format(_:)` as bytes (ASCII), ready to be written out.
    public func formatBytes(_ records: [PrintkRecord]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(records.reduce(0) { $0 + $1.text.count + 24 })
        let lastStamp = records.last { $0.timestampNanoseconds != nil }?.timestampNanoseconds ?? 0
        for record in records { append(record, lastStamp: lastStamp, to: &out) }
        return out
    }

    /// Appends one record's line(s).
    public func append(_ record: PrintkRecord, lastStamp: UInt64, to out: inout [UInt8]) {
        if record.isDataless {
            out.append(UInt8(ascii: "\n"))
            return
        }
        let start = out.count
        if let ts = record.timestampNanoseconds {
            if let anchor = wallClockAnchor {
                out.append(contentsOf: Self.wallClock(ts: ts, lastStamp: lastStamp, anchor: anchor).utf8)
            } else {
                Self.appendStamp(ts, to: &out)
            }
        }
        if showCallerID, let caller = record.caller {
            caller.appendColumn(to: &out)
            out.append(UInt8(ascii: " "))
        }
        let indent = out.count - start
        // Each line of the record is copied whole, then unprintable bytes are replaced in place
        // through a pointer: per-byte appends cost seconds for a 32 MiB record in a debug build.
        let shown = Self.shown
        record.text.withUnsafeBytes { text in
            var lineStart = 0
            while true {
                let lineEnd = ByteScanning.memchrIndex(UInt8(ascii: "\n"), in: text, from: lineStart) ?? text.count
                let from = out.count
                out.append(contentsOf: UnsafeRawBufferPointer(rebasing: text[lineStart..<lineEnd]))
                out.withUnsafeMutableBufferPointer { output in
                    guard let base = output.baseAddress else { return }
                    for index in from..<output.count where !shown[Int(base[index])] {
                        base[index] = UInt8(ascii: ".")
                    }
                }
                guard lineEnd < text.count else { break }
                out.append(UInt8(ascii: "\n"))
                out.append(contentsOf: repeatElement(UInt8(ascii: " "), count: indent))
                lineStart = lineEnd + 1
            }
        }
        out.append(UInt8(ascii: "\n"))
    }

    /// Bytes printed as they are (printable ASCII, tab, VT, FF, CR); others print as `.`.
    static let shown: [Bool] = (0..<256).map { byte in
        (byte >= 0x20 && byte < 0x7f) || byte == 0x09 || byte == 0x0b || byte == 0x0c || byte == 0x0d
    }

    /// `[%5llu.%06llu] `.
    public static func stamp(_ nanoseconds: UInt64) -> String {
        var out: [UInt8] = []
        appendStamp(nanoseconds, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// Appends `[%5llu.%06llu] ` without going through `String`.
    static func appendStamp(_ nanoseconds: UInt64, to out: inout [UInt8]) {
        let seconds = nanoseconds / 1_000_000_000
        let micros = (nanoseconds % 1_000_000_000) / 1000
        out.append(UInt8(ascii: "["))
        out.append(contentsOf: repeatElement(UInt8(ascii: " "), count: max(0, 5 - digitCount(seconds))))
        appendDecimal(seconds, to: &out)
        out.append(UInt8(ascii: "."))
        out.append(contentsOf: repeatElement(UInt8(ascii: "0"), count: 6 - digitCount(micros)))
        appendDecimal(micros, to: &out)
        out.append(UInt8(ascii: "]"))
        out.append(UInt8(ascii: " "))
    }

    /// Decimal digits of `value` (1 for 0).
    static func digitCount(_ value: UInt64) -> Int {
        var count = 1
        var rest = value
        while rest >= 10 {
            rest /= 10
            count += 1
        }
        return count
    }

    static func appendDecimal(_ value: UInt64, to out: inout [UInt8]) {
        var divisor: UInt64 = 1
        while value / divisor >= 10 { divisor *= 10 }
        var rest = value
        while divisor > 0 {
            out.append(UInt8(ascii: "0") + UInt8(rest / divisor))
            rest %= divisor
            divisor /= 10
        }
    }

    /// `[YYYY-MM-DD hh:mm:ss.uuuuuu UTC] `, the record's time assuming the last record was
    /// printed at `anchor`.
    static func wallClock(ts: UInt64, lastStamp: UInt64, anchor: Int64) -> String {
        let behind = Int64(clamping: lastStamp >= ts ? lastStamp - ts : 0)
        let micros = Int64(clamping: anchor) &* 1_000_000 &- behind / 1000
        let seconds = micros >= 0 ? micros / 1_000_000 : (micros &- 999_999) / 1_000_000
        let fraction = micros &- seconds &* 1_000_000
        let days = seconds >= 0 ? seconds / 86_400 : (seconds &- 86_399) / 86_400
        let (year, month, day) = civilDate(daysSinceEpoch: days)
        let secondOfDay = seconds &- days &* 86_400
        func two(_ value: Int64) -> String { value < 10 ? "0\(value)" : "\(value)" }
        let fractionText = String(fraction)
        return
            "[\(year)-\(two(month))-\(two(day)) \(two(secondOfDay / 3600)):\(two(secondOfDay / 60 % 60)):\(two(secondOfDay % 60))."
            + String(repeating: "0", count: max(0, 6 - fractionText.count)) + fractionText + " UTC] "
    }

    /// `YYYY-MM-DD hh:mm:ss UTC` for seconds since the epoch (no Foundation needed).
    public static func utcTime(seconds: Int64) -> String {
        let days = seconds >= 0 ? seconds / 86_400 : (seconds &- 86_399) / 86_400
        let (year, month, day) = civilDate(daysSinceEpoch: days)
        let secondOfDay = seconds &- days &* 86_400
        func two(_ value: Int64) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return
            "\(year)-\(two(month))-\(two(day)) \(two(secondOfDay / 3600)):\(two(secondOfDay / 60 % 60)):\(two(secondOfDay % 60)) UTC"
    }

    /// Days since 1970-01-01 to a proleptic Gregorian date.
    static func civilDate(daysSinceEpoch days: Int64) -> (Int64, Int64, Int64) {
        let date = TimeText.civil(days: Int(truncatingIfNeeded: days))
        return (Int64(date.year), Int64(date.month), Int64(date.day))
    }
}
