import KtriageBytes

/// Calendar arithmetic for log timestamps, without Foundation (it runs once per line).
enum CivilTime {
    /// Microseconds since the Unix epoch for a UTC civil time.
    static func micros(
        year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int, micros: Int = 0,
        offsetSeconds: Int = 0
    ) -> Int64? {
        guard (1...12).contains(month), (1...31).contains(day), (0...23).contains(hour), (0...59).contains(minute),
            (0...60).contains(second), (1900...9999).contains(year)
        else { return nil }
        let days = daysFromCivil(year: year, month: month, day: day)
        let seconds = Int64(days) * 86_400 + Int64(hour * 3600 + minute * 60 + second) - Int64(offsetSeconds)
        return seconds * 1_000_000 + Int64(micros)
    }

    /// Days since 1970-01-01 in the proleptic Gregorian calendar (era-based computation).
    static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let shiftedYear = month <= 2 ? year - 1 : year
        let era = (shiftedYear >= 0 ? shiftedYear : shiftedYear - 399) / 400
        let yearOfEra = shiftedYear - era * 400
        let monthFromMarch = (month + 9) % 12
        let dayOfYear = (153 * monthFromMarch + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// Three letters at `index`, lower-cased and packed big-endian into one integer (`Jan` →
    /// `0x6A616E`, the bytes of `jan`), so that a name is found by one `switch` on a number.
    /// Bytes that are not letters pack too; they just match no name.
    static func packedLowercase(_ bytes: UnsafeRawBufferPointer, at index: Int) -> UInt32 {
        UInt32(bytes[index] | ASCII.lowercaseBit) << 16 | UInt32(bytes[index + 1] | ASCII.lowercaseBit) << 8
            | UInt32(bytes[index + 2] | ASCII.lowercaseBit)
    }

    /// Month number 1–12 for an English three-letter abbreviation at `index` (`Jan`…`Dec`).
    static func month(_ bytes: UnsafeRawBufferPointer, at index: Int) -> Int? {
        guard index + 3 <= bytes.count else { return nil }
        // The cases are the packed names (see `packedLowercase`), each spelled out beside it.
        switch packedLowercase(bytes, at: index) {
        case 0x6A616E: return 1  // jan
        case 0x666562: return 2  // feb
        case 0x6D6172: return 3  // mar
        case 0x617072: return 4  // apr
        case 0x6D6179: return 5  // may
        case 0x6A756E: return 6  // jun
        case 0x6A756C: return 7  // jul
        case 0x617567: return 8  // aug
        case 0x736570: return 9  // sep
        case 0x6F6374: return 10  // oct
        case 0x6E6F76: return 11  // nov
        case 0x646563: return 12  // dec
        default: return nil
        }
    }

    /// Whether three letters at `index` are an English weekday abbreviation.
    static func isWeekday(_ bytes: UnsafeRawBufferPointer, at index: Int) -> Bool {
        guard index + 3 <= bytes.count else { return false }
        switch packedLowercase(bytes, at: index) {
        // mon, tue, wed, thu, fri, sat, sun
        case 0x6D6F6E, 0x747565, 0x776564, 0x746875, 0x667269, 0x736174, 0x73756E: return true
        default: return false
        }
    }

    /// Parses `hh:mm:ss` at `index`, optionally followed by `.fraction`.
    /// Returns the seconds of day, the microseconds and the index after the time.
    static func clock(_ bytes: UnsafeRawBufferPointer, at index: Int) -> (seconds: Int, micros: Int, end: Int)? {
        guard let hour = ByteScanning.fixedDigits(bytes, at: index, count: 2), index + 8 <= bytes.count,
            bytes[index + 2] == UInt8(ascii: ":"),
            let minute = ByteScanning.fixedDigits(bytes, at: index + 3, count: 2),
            bytes[index + 5] == UInt8(ascii: ":"),
            let second = ByteScanning.fixedDigits(bytes, at: index + 6, count: 2),
            hour < 24, minute < 60, second <= 60
        else { return nil }
        var end = index + 8
        var micros = 0
        if end < bytes.count, bytes[end] == UInt8(ascii: ".") || bytes[end] == UInt8(ascii: ",") {
            var digits = 0
            var position = end + 1
            while position < bytes.count, ByteScanning.isDigit(bytes[position]) {
                if digits < 6 {
                    micros = micros * 10 + Int(bytes[position] - UInt8(ascii: "0"))
                    digits += 1
                }
                position += 1
            }
            guard position > end + 1 else { return nil }
            while digits < 6 {
                micros *= 10
                digits += 1
            }
            end = position
        }
        return (hour * 3600 + minute * 60 + second, micros, end)
    }
}
