import KernelFacts

/// A POSIX `TZ` rule as TZif footers hold it (RFC 8536 §3.3): `EST5EDT,M3.2.0,M11.1.0`,
/// `CET-1CEST,M3.5.0,M10.5.0/3`, `<+0530>-5:30`. Offsets in the string count west of UTC (the
/// POSIX sign); the stored ones east. Only `Mm.w.d` change dates are read (every zone of the
/// current tz database uses them); a rule with `Jn` or `n` dates keeps standard time.
struct PosixZoneRule: Sendable, Equatable {
    /// Seconds east of UTC in standard and in daylight time.
    var standardOffset: Int
    var daylightOffset: Int?
    var start: ChangeDate?
    var end: ChangeDate?

    /// `Mm.w.d/time`: day `d` (0 = Sunday) of week `w` (5 = last) of month `m`, at `time`
    /// seconds of local time (may be negative or past 24 h, RFC 8536 version 3).
    struct ChangeDate: Sendable, Equatable {
        var month: Int
        var week: Int
        var weekday: Int
        var time: Int
    }

    init?(_ text: String) {
        var scanner = Scanner(bytes: Array(text.utf8))
        guard scanner.skipName(), let standard = scanner.offset() else { return nil }
        standardOffset = -standard
        guard scanner.skipName() else {
            daylightOffset = nil
            return
        }
        daylightOffset = scanner.offset().map { -$0 } ?? standardOffset + 3600
        guard scanner.take(UInt8(ascii: ",")), let start = scanner.changeDate(), scanner.take(UInt8(ascii: ",")),
            let end = scanner.changeDate()
        else {
            daylightOffset = nil
            return
        }
        self.start = start
        self.end = end
    }

    /// Seconds east of UTC at UTC second `seconds`.
    func offset(atUTC seconds: Int64) -> Int {
        guard let daylightOffset, let start, let end else { return standardOffset }
        let year = TimeText.civil(days: Int(TimeText.floorDivide(seconds, by: 86_400).quotient)).year
        // The change instants in UTC: the start is given in standard time, the end in daylight time.
        let daylightStart = start.utcSeconds(year: year) - Int64(standardOffset)
        let daylightEnd = end.utcSeconds(year: year) - Int64(daylightOffset)
        if daylightStart < daylightEnd {
            return seconds >= daylightStart && seconds < daylightEnd ? daylightOffset : standardOffset
        }
        // Southern hemisphere: daylight time spans the new year.
        return seconds >= daylightEnd && seconds < daylightStart ? standardOffset : daylightOffset
    }

    private struct Scanner {
        let bytes: [UInt8]
        var index = 0

        mutating func take(_ byte: UInt8) -> Bool {
            guard index < bytes.count, bytes[index] == byte else { return false }
            index += 1
            return true
        }

        /// `EST` or `<+0530>`; false when there is no name here.
        mutating func skipName() -> Bool {
            if take(UInt8(ascii: "<")) {
                while index < bytes.count, bytes[index] != UInt8(ascii: ">") { index += 1 }
                return take(UInt8(ascii: ">"))
            }
            let start = index
            while index < bytes.count, (bytes[index] | 0x20) >= UInt8(ascii: "a"),
                (bytes[index] | 0x20) <= UInt8(ascii: "z")
            {
                index += 1
            }
            return index - start >= 3
        }

        /// `[+-]hh[:mm[:ss]]` → seconds (as written: west positive for zone offsets).
        mutating func offset() -> Int? {
            var sign = 1
            if take(UInt8(ascii: "-")) { sign = -1 } else { _ = take(UInt8(ascii: "+")) }
            guard let hours = number() else { return nil }
            var seconds = hours * 3600
            if take(UInt8(ascii: ":")), let minutes = number() {
                seconds += minutes * 60
                if take(UInt8(ascii: ":")), let rest = number() { seconds += rest }
            }
            return sign * seconds
        }

        mutating func number() -> Int? {
            let start = index
            var value = 0
            while index < bytes.count, index - start < 3, bytes[index] >= UInt8(ascii: "0"),
                bytes[index] <= UInt8(ascii: "9")
            {
                value = value * 10 + Int(bytes[index] - UInt8(ascii: "0"))
                index += 1
            }
            return index > start ? value : nil
        }

        mutating func changeDate() -> ChangeDate? {
            guard take(UInt8(ascii: "M")), let month = number(), take(UInt8(ascii: ".")), let week = number(),
                take(UInt8(ascii: ".")), let weekday = number(), (1...12).contains(month), (1...5).contains(week),
                weekday <= 6
            else { return nil }
            var time = 7200
            if take(UInt8(ascii: "/")) {
                guard let value = offset() else { return nil }
                time = value
            }
            return ChangeDate(month: month, week: week, weekday: weekday, time: time)
        }
    }
}

extension PosixZoneRule.ChangeDate {
    /// The change as seconds since the epoch, counting the local time as if it were UTC.
    func utcSeconds(year: Int) -> Int64 {
        let first = CivilTime.daysFromCivil(year: year, month: month, day: 1)
        // 1970-01-01 was a Thursday (weekday 4).
        let firstWeekday = ((first % 7) + 11) % 7
        var day = 1 + (weekday - firstWeekday + 7) % 7 + (week - 1) * 7
        let monthLength =
            CivilTime.daysFromCivil(year: month == 12 ? year + 1 : year, month: month % 12 + 1, day: 1) - first
        while day > monthLength { day -= 7 }
        return Int64(first + day - 1) * 86_400 + Int64(time)
    }
}
