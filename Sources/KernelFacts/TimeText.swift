/// ISO 8601 text for wall-clock and monotonic times in outputs.
///
/// Every function is total over `Int64`: the times come from input (journald fields, VMCOREINFO
/// `CRASHTIME`), so `Int64.min` must print, not trap.
public enum TimeText {
    /// `2017-11-12T15:06:31.123456Z` for microseconds since the epoch (UTC); without the
    /// fraction when `fraction` is false (whole seconds, rounded down).
    public static func iso8601(micros: Int64, fraction: Bool = true) -> String {
        let (seconds, micro) = floorDivide(micros, by: 1_000_000)
        let (days, secondOfDay) = floorDivide(seconds, by: 86_400)
        let (year, month, day) = civil(days: Int(days))
        func pad(_ value: Int, _ width: Int) -> String {
            let text = String(value)
            return text.count >= width ? text : String(repeating: "0", count: width - text.count) + text
        }
        let clock = Int(secondOfDay)
        var text = pad(year, 4) + "-" + pad(month, 2) + "-" + pad(day, 2) + "T"
        text += pad(clock / 3600, 2) + ":" + pad(clock / 60 % 60, 2) + ":" + pad(clock % 60, 2)
        if fraction, micro != 0 { text += "." + pad(Int(micro), 6) }
        return text + "Z"
    }

    /// `1234.567890` for a monotonic stamp in microseconds, as the kernel prints it (`-0.000001`
    /// for a negative one, which only damaged input has).
    public static func seconds(micros: Int64) -> String {
        let magnitude = micros.magnitude
        let fraction = String(magnitude % 1_000_000)
        return (micros < 0 ? "-" : "") + "\(magnitude / 1_000_000)."
            + String(repeating: "0", count: 6 - fraction.count) + fraction
    }

    /// `value / divisor` rounded toward negative infinity and the remainder in `0..<divisor`
    /// (`divisor > 0`), without the `value - (divisor - 1)` that overflows near `Int64.min`.
    public static func floorDivide(_ value: Int64, by divisor: Int64) -> (quotient: Int64, remainder: Int64) {
        let (quotient, remainder) = value.quotientAndRemainder(dividingBy: divisor)
        return remainder < 0 ? (quotient - 1, remainder + divisor) : (quotient, remainder)
    }

    /// Civil date (proleptic Gregorian) for days since 1970-01-01.
    public static func civil(days: Int) -> (year: Int, month: Int, day: Int) {
        let shifted = days + 719_468
        let era = (shifted >= 0 ? shifted : shifted - 146_096) / 146_097
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthFromMarch = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthFromMarch + 2) / 5 + 1
        let month = monthFromMarch < 10 ? monthFromMarch + 3 : monthFromMarch - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }
}
