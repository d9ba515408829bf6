import KernelFacts
import KernelLog

/// Dates in fleet outputs and filters (UTC).
public enum FleetTime {
    /// `2026-10-03` for microseconds since the epoch.
    public static func day(micros: Int64) -> String { String(TimeText.iso8601(micros: micros).prefix(10)) }

    /// `2026-10-03T11:22:33Z` (whole seconds) for outputs meant for people.
    public static func iso(micros: Int64) -> String { TimeText.iso8601(micros: micros, fraction: false) }

    /// The UTC day holding `micros`, as days since 1970-01-01.
    public static func dayNumber(micros: Int64) -> Int {
        Int(TimeText.floorDivide(micros, by: 86_400_000_000).quotient)
    }

    /// `2026-10-03` for a day number; numbers no `Int64` microsecond time reaches (a damaged
    /// partial) are clamped to the first or last such day.
    public static func day(number: Int) -> String {
        let limit = Int(Int64.max / 86_400_000_000)
        return day(micros: Int64(min(max(number, -limit), limit)) * 86_400_000_000)
    }

    /// Parses `YYYY-MM-DD`, `YYYY-MM-DDThh:mm[:ss]` with optional `Z`, as UTC; `nil` when malformed.
    public static func parse(_ text: String) -> Int64? {
        let bytes = Array(text.utf8)
        func number(_ start: Int, _ count: Int) -> Int? {
            guard start + count <= bytes.count else { return nil }
            var value = 0
            for byte in bytes[start..<start + count] {
                guard byte >= 0x30, byte <= 0x39 else { return nil }
                value = value * 10 + Int(byte - 0x30)
            }
            return value
        }
        guard bytes.count >= 10, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-"),
            let year = number(0, 4), let month = number(5, 2), let day = number(8, 2),
            (1...12).contains(month), (1...31).contains(day)
        else { return nil }
        var secondOfDay = 0
        var rest = bytes[10...]
        if let separator = rest.first, separator == UInt8(ascii: "T") || separator == UInt8(ascii: " ") {
            guard let hour = number(11, 2), bytes.count >= 16, bytes[13] == UInt8(ascii: ":"),
                let minute = number(14, 2), hour < 24, minute < 60
            else { return nil }
            secondOfDay = hour * 3600 + minute * 60
            rest = bytes[16...]
            if rest.first == UInt8(ascii: ":") {
                guard let second = number(17, 2), second < 61 else { return nil }
                secondOfDay += second
                rest = bytes[19...]
            }
        }
        if rest.first == UInt8(ascii: "Z") { rest = rest.dropFirst() }
        guard rest.isEmpty else { return nil }
        return (Int64(daysFromCivil(year, month, day)) * 86_400 + Int64(secondOfDay)) * 1_000_000
    }

    /// Days since 1970-01-01 for a proleptic Gregorian date.
    static func daysFromCivil(_ year: Int, _ month: Int, _ day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }
}
