import KtriageBytes

/// Wrappers the fast path does not read, tried only on lines it declined (so ordinary lines pay
/// nothing for them):
///
/// - journal text printed under another LC_TIME locale: `journalctl -o short` formats its time with
///   strftime's `%b %d %H:%M:%S`, so a Russian desktop prints `ноя 12 15:06:31 host kernel: `, a
///   German one `Mär 12 …`, a French one `févr. 12 …` (names: ``LocaleMonthNames``, from glibc's
///   locale data); `-o short-full` prints a localized weekday (`Вс 2017-11-12 15:06:31 MSK …`),
///   and `dmesg -T` both (`[Сб ноя  7 15:06:31 2026]`);
/// - syslog lines without a host (`Nov 12 15:06:31 kernel: …`, a syslogd that logs the local
///   host without its name), with the host glued to the tag by a web or mail paste that ate the
///   space (`Nov 12 15:06:31 web01kernel: …`), without a `kernel:` tag (a template that writes
///   `host [  12.345678] …`), and busybox syslogd's facility word (`host kern.err kernel: …`);
/// - OpenWrt's `logread`: ctime, `facility.level`, tag, no host.
extension LinePrefixParser {
    /// The headers below that start with a name: `logread`'s ctime, then a localized month or weekday.
    mutating func parseLetterFallbacks(
        _ line: UnsafeRawBufferPointer, from start: Int, into prefix: inout LinePrefix
    ) -> Int? {
        guard Self.mayStartName(line, at: start) else { return nil }
        return parseCtimeHeader(line, from: start, into: &prefix)
            ?? parseLocalizedHeader(line, from: start, into: &prefix)
    }

    /// A localized month (`ноя 12 15:06:31 host kernel: `) or weekday (`Вс 2017-11-12 …`) header.
    mutating func parseLocalizedHeader(
        _ line: UnsafeRawBufferPointer, from start: Int, digitFirst: Bool = false, into prefix: inout LinePrefix
    ) -> Int? {
        // Chinese and Japanese names start with the month's number (`11月`).
        guard digitFirst || Self.mayStartName(line, at: start) else { return nil }
        // The name is one word; its shape around it is checked before it is looked up.
        var nameEnd = start
        let limit = min(line.count, start + LocaleMonthNames.maxNameBytes + 1)
        while nameEnd < limit, line[nameEnd] != UInt8(ascii: " ") { nameEnd += 1 }
        guard nameEnd > start, nameEnd < limit, nameEnd + 1 < line.count else { return nil }
        let next = nameEnd + 1
        if ByteScanning.isDigit(line[next]) || line[next] == UInt8(ascii: " ") {
            let dayStart = ByteScanning.skipSpaces(line, from: next)
            // `12 15:06:31`: a day of one or two digits, a space, then the clock; the shape is
            // checked before the name is looked up.
            var dayEnd = dayStart
            while dayEnd < line.count, dayEnd - dayStart < 3, ByteScanning.isDigit(line[dayEnd]) { dayEnd += 1 }
            if dayEnd > dayStart, dayEnd + 3 < line.count, line[dayEnd] == UInt8(ascii: " "),
                line[dayEnd + 3] == UInt8(ascii: ":"), let month = Self.localizedMonth(line, start..<nameEnd)
            {
                return bsdDate(line, month: month, from: next, into: &prefix)
            }
            // `2017-11-12 15:06:31 MSK host kernel: ` after a localized weekday (short-full).
            if next + 10 < line.count, line[next + 4] == UInt8(ascii: "-"), line[next + 10] == UInt8(ascii: " "),
                !ByteScanning.isDigit(line[start])
            {
                return parseShortFull(line, from: next, into: &prefix)
            }
        }
        return nil
    }

    /// `dmesg -T` under another locale: util-linux formats the stamp with strftime's
    /// `%a %b %e %H:%M:%S %Y`, so a Russian desktop prints `[Сб ноя  7 15:06:31 2026]`, a French
    /// one `[sam. nov.  7 15:06:31 2026]`. The weekday is any word; the month is looked up.
    func localizedHumanStamp(_ line: UnsafeRawBufferPointer, at start: Int) -> (Int64, Int)? {
        let weekdayStart = start + 1
        guard weekdayStart < line.count, line[weekdayStart] != UInt8(ascii: "<"),
            line[weekdayStart] != UInt8(ascii: " "), !ByteScanning.isDigit(line[weekdayStart]),
            let (wall, end) = ctimeStamp(line, at: weekdayStart), end < line.count, line[end] == UInt8(ascii: "]")
        else { return nil }
        return (wall, end + 1)
    }

    /// OpenWrt's `logread` (and busybox's without a host): the time as `ctime()` prints it, the
    /// facility and level, then the tag, and no host: `Sat Nov  7 15:06:31 2026 kern.warn kernel: `.
    /// The names may be localized like `dmesg -T`'s.
    mutating func parseCtimeHeader(
        _ line: UnsafeRawBufferPointer, from start: Int, into prefix: inout LinePrefix
    ) -> Int? {
        guard Self.mayStartName(line, at: start) else { return nil }
        guard let (wall, end) = ctimeStamp(line, at: start), end < line.count, line[end] == UInt8(ascii: " ") else {
            return nil
        }
        var index = end + 1
        // `kern.warn`: a facility, a dot, a level.
        if ByteScanning.hasLiteral(line, at: index, "kern."), let space = Self.firstSpaceIn(line, from: index) {
            index = space + 1
        }
        guard index + 8 <= line.count,
            UInt64(littleEndian: line.loadUnaligned(fromByteOffset: index, as: UInt64.self)) == Self.kernelTag
        else { return nil }
        prefix.wallClockMicros = wall
        prefix.zoneless = true
        prefix.hadSyslogWrapper = true
        prefix.kind = .kernel
        prefix.format = .syslogBSD
        return index + 8
    }

    /// `Www Mmm dd HH:MM:SS YYYY` at `start` (names English or localized): the time and the
    /// index after the year.
    func ctimeStamp(_ line: UnsafeRawBufferPointer, at start: Int) -> (Int64, Int)? {
        var weekdayEnd = start
        while weekdayEnd < line.count, weekdayEnd - start <= 16, line[weekdayEnd] != UInt8(ascii: " ") {
            weekdayEnd += 1
        }
        let monthStart = weekdayEnd + 1
        guard weekdayEnd > start, weekdayEnd < line.count, monthStart < line.count else { return nil }
        var monthEnd = monthStart
        while monthEnd < line.count, monthEnd - monthStart <= LocaleMonthNames.maxNameBytes,
            line[monthEnd] != UInt8(ascii: " ")
        {
            monthEnd += 1
        }
        let dayStart = ByteScanning.skipSpaces(line, from: monthEnd)
        guard monthEnd > monthStart, dayStart > monthEnd,
            let (day, afterDay) = ByteScanning.decimal(line, at: dayStart), afterDay < line.count,
            line[afterDay] == UInt8(ascii: " "), let clock = CivilTime.clock(line, at: afterDay + 1),
            clock.end + 5 <= line.count, line[clock.end] == UInt8(ascii: " "),
            let year = ByteScanning.fixedDigits(line, at: clock.end + 1, count: 4),
            let month = CivilTime.month(line, at: monthStart).flatMap({ monthEnd - monthStart == 3 ? $0 : nil })
                ?? Self.localizedMonth(line, monthStart..<monthEnd),
            let wall = CivilTime.micros(
                year: year, month: month, day: Int(day), hour: clock.seconds / 3600,
                minute: clock.seconds / 60 % 60, second: clock.seconds % 60, micros: clock.micros)
        else { return nil }
        return (wall, clock.end + 5)
    }

    /// A month or weekday name starts with a letter, ASCII or not (`[`, the dmesg stamp, does not
    /// start one; checked first, as every dmesg line reaches the letter fallbacks).
    @inline(__always)
    static func mayStartName(_ line: UnsafeRawBufferPointer, at start: Int) -> Bool {
        guard start < line.count else { return false }
        let byte = line[start]
        return byte >= 0x80
            || (byte | ASCII.lowercaseBit >= UInt8(ascii: "a") && byte | ASCII.lowercaseBit <= UInt8(ascii: "z"))
    }

    /// The month number of the name in `range`, compared lower-cased.
    static func localizedMonth(_ line: UnsafeRawBufferPointer, _ range: Range<Int>) -> Int? {
        let name = String(decoding: UnsafeRawBufferPointer(rebasing: line[range]), as: UTF8.self).lowercased()
        return LocaleMonthNames.table[name]
    }

    /// The host word and what follows, when the fast `host kernel: ` compare failed. Returns the
    /// text start of a kernel line, or `nil` to go on with the ordinary tag parse.
    static func unusualHostOrTag(
        _ line: UnsafeRawBufferPointer, host: Range<Int>, into prefix: inout LinePrefix
    ) -> Int? {
        let tagStart = host.upperBound + 1
        let tagLength = 7  // `kernel:`
        // `kernel: ` where the host should be: no host. `web01kernel: `: the space was lost.
        if host.count >= tagLength, line[host.upperBound - 1] == UInt8(ascii: ":"),
            ByteScanning.hasLiteral(line, at: host.upperBound - tagLength, "kernel:")
        {
            let hostBytes = host.count - tagLength
            prefix.host = hostBytes > 0 ? host.lowerBound..<(host.upperBound - tagLength) : nil
            prefix.kind = .kernel
            return tagStart
        }
        guard tagStart < line.count else { return nil }
        // `host [  12.345678] text`: a kernel stamp where the tag should be.
        if line[tagStart] == UInt8(ascii: "["), tagStart + 2 < line.count,
            line[tagStart + 1] == UInt8(ascii: " ") || ByteScanning.isDigit(line[tagStart + 1])
        {
            var index = tagStart + 1
            while index < line.count, line[index] == UInt8(ascii: " ") || ByteScanning.isDigit(line[index]) {
                index += 1
            }
            if index < line.count, line[index] == UInt8(ascii: ".") {
                prefix.kind = .kernel
                return tagStart
            }
        }
        // busybox syslogd: `host kern.err kernel: text`.
        // `kernel: ` is the eight bytes after the space.
        if ByteScanning.hasLiteral(line, at: tagStart, "kern."), let space = firstSpaceIn(line, from: tagStart),
            space + 9 <= line.count,
            UInt64(littleEndian: line.loadUnaligned(fromByteOffset: space + 1, as: UInt64.self)) == kernelTag
        {
            prefix.kind = .kernel
            return space + 9
        }
        return nil
    }

    private static func firstSpaceIn(_ line: UnsafeRawBufferPointer, from start: Int) -> Int? {
        ByteScanning.find(UInt8(ascii: " "), in: line, from: start)
    }
}
