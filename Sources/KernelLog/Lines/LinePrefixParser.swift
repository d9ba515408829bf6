import KernelFacts
import KtriageBytes

/// Recognises and measures the wrappers in front of kernel text, one line at a time.
///
/// Wrappers, outermost first, each optional:
/// 1. a syslog priority `<13>` (also `dmesg -r`'s `<6>` level), or RFC 5424's `<13>1 `;
/// 2. a syslog or journal header: BSD `Nov 12 15:06:31 host kernel: `, `journalctl -k` short and
///    short-precise (same shape, fractional seconds), RFC 3339 / short-iso
///    `2017-09-15T06:52:37.820783+00:00 host kernel: `, or RFC 5424;
/// 3. the kernel's own stamp: `[    1.234567] ` (dmesg, console, kdump dmesg files, rsyslog's
///    imklog), `[Sun Nov 12 15:06:31 2017] ` (`dmesg -T`), followed by an optional caller id
///    glued (`[  744.592276][ T3173] `, console with CONFIG_PRINTK_CALLER, Linux ≥ 5.1) or
///    spaced (`[    0.000000] [    T0] `, util-linux dmesg and makedumpfile).
/// Exactly one space after the last wrapper is removed: a trace frame's own leading space stays.
///
/// Also read (see ``LogFormat``): `dmesg --time-format iso` (`2017-11-12T15:06:31,000000+00:00 `,
/// told from RFC 3339 syslog by its comma), `reltime` (`[Nov12 15:06] `, `[  +0.000101] `),
/// `delta` (`[<    0.000101>] `, `[    1.234567 <    0.000101>] `), `dmesg -x`
/// (`kern  :err   : `), and journalctl `short-full` (`Sun 2017-11-12 15:06:31 UTC host kernel: `),
/// `short-unix` (`1510499191.000000 host kernel: `) and `short-monotonic`
/// (`[   12.345678] host kernel: `, recognised by the input's first stamped lines).
///
/// Format notes: BSD syslog has no year and no zone; times are taken as local time in `zone` (UTC
/// when none is given) in `referenceYear`, moving to the next year when the month goes back (a
/// December → January rollover). The same holds for the other zone-less clocks (`dmesg -T`,
/// reltime minutes, ISO times without an offset, short-full with a zone abbreviation other than
/// UTC).
struct LinePrefixParser {
    var referenceYear: Int
    /// The zone of local times that carry none; `nil` is UTC.
    var zone: LocalTimeZone?
    /// `journalctl -o short-monotonic`: a host and a tag follow the kernel stamp.
    private(set) var monotonicJournal = false
    /// Stamped lines looked at so far for a short-monotonic host and tag.
    private var monotonicProbes = 0
    /// Lines at the start of an input that may show short-monotonic's `host kernel: `; later
    /// lines are not looked at, so a dmesg line's own `word kernel: ` text cannot switch a long
    /// log to that format.
    static let monotonicProbeLines = 32
    /// The wall clock of the last `[Nov12 15:06]` reltime line: the minute of the delta lines
    /// that follow it.
    private var reltimeMinute: Int64? {
        didSet { sawReltimeMinute = true }
    }
    /// What a chunked reading (`ChunkedLogReader`) must know of this parser's state: a reltime
    /// minute line was read (later delta lines take their time from it), the month of the first
    /// and last BSD-syslog line, and how often the year moved on.
    private(set) var sawReltimeMinute = false
    private(set) var firstMonth = 0
    private(set) var yearRollovers = 0
    private(set) var lastMonth = 0
    /// The last civil day computed (syslog lines come in date order): (year, month, day, micros).
    private var lastDay: (year: Int, month: Int, day: Int, micros: Int64) = (0, 0, 0, 0)

    init(referenceYear: Int, zone: LocalTimeZone? = nil) {
        self.referenceYear = referenceYear
        self.zone = zone
    }

    /// Measures the wrappers of `line`. With `values: false` only the shape is read (where the
    /// text starts, host, program, whether a kernel stamp is there): the BSD syslog clock and the
    /// kernel stamp are not converted, which is most of the cost of a line that turns out not to
    /// matter. Parse again with `values: true` for the times.
    ///
    /// `probing: false` for a second parse of a line already parsed (and probed) once: each line
    /// counts once towards the short-monotonic probe, however often it is parsed.
    mutating func parse(_ line: UnsafeRawBufferPointer, values: Bool = true, probing: Bool = true) -> LinePrefix {
        var prefix = LinePrefix()
        var index = 0
        guard line.count > 0 else { return prefix }

        // Syslog PRI / dmesg -r level.
        if line[0] == UInt8(ascii: "<"), let (value, end) = ByteScanning.decimal(line, at: 1), end < line.count,
            line[end] == UInt8(ascii: ">"), end <= 4, value < 192
        {
            index = end + 1
            prefix.level = UInt8(value & 7)
            if index + 2 < line.count, line[index] == UInt8(ascii: "1"), line[index + 1] == UInt8(ascii: " ") {
                if parseRFC5424(line, from: index + 2, into: &prefix) { return prefix }
            }
        }

        if index < line.count {
            let first = line[index]
            if first == UInt8(ascii: "-"), ByteScanning.hasLiteral(line, at: index, "-- ") {
                if parseJournalMarker(line, into: &prefix) { return prefix }
            } else if ByteScanning.isDigit(first) {
                if let end = parseISOHeader(line, from: index, into: &prefix) {
                    index = end
                } else if let end = parseUnixHeader(line, from: index, into: &prefix) {
                    index = end
                } else if let end = parseLocalizedHeader(line, from: index, digitFirst: true, into: &prefix) {
                    index = end
                }
            } else if first >= UInt8(ascii: "A"), first != UInt8(ascii: "[") {
                // Every dmesg line starts with `[`, which no month, weekday, facility or fallback
                // name does: one compare keeps it out of all of them.
                if let end = parseBSDHeader(line, from: index, values: values, into: &prefix) {
                    index = end
                } else if let end = parseLetterPrefix(line, from: index, into: &prefix) {
                    index = end
                } else if let end = parseLetterFallbacks(line, from: index, into: &prefix) {
                    index = end
                }
            }
            if prefix.kind == .otherProgram {
                prefix.textStart = min(index, line.count)
                applyZone(&prefix)
                return prefix
            }
        }

        let stampStart = index
        index = parseKernelStamp(line, from: index, values: values, into: &prefix)
        if prefix.hasMonotonicStamp, stampStart == 0,
            monotonicJournal || (probing && monotonicProbes < Self.monotonicProbeLines)
        {
            index = parseMonotonicJournal(line, from: index, into: &prefix)
        }
        prefix.textStart = min(index, line.count)
        applyZone(&prefix)
        return prefix
    }

    /// A zone-less wall clock in `zone`'s local time, turned into UTC.
    @inline(__always)
    private func applyZone(_ prefix: inout LinePrefix) {
        guard prefix.zoneless, let zone, let local = prefix.wallClockMicros else { return }
        prefix.wallClockMicros = zone.utcMicros(fromLocal: local)
    }

    /// `host kernel: ` after a kernel stamp at the line start (`journalctl -o short-monotonic`).
    private mutating func parseMonotonicJournal(
        _ line: UnsafeRawBufferPointer, from start: Int, into prefix: inout LinePrefix
    ) -> Int {
        if !monotonicJournal {
            monotonicProbes += 1
            guard let hostEnd = Self.firstSpace(line, from: start), hostEnd > start, hostEnd + 9 <= line.count,
                UInt64(littleEndian: line.loadUnaligned(fromByteOffset: hostEnd + 1, as: UInt64.self))
                    == Self.kernelTag
            else { return start }
            monotonicJournal = true
        }
        guard let end = parseHostAndTag(line, from: start, into: &prefix) else { return start }
        prefix.format = .journalShortMonotonic
        return end
    }

    // MARK: - Kernel stamps

    /// `[    1.234567]` or `[Sun Nov 12 15:06:31 2017]`, optional caller id, one space.
    private mutating func parseKernelStamp(
        _ line: UnsafeRawBufferPointer, from start: Int, values: Bool = true, into prefix: inout LinePrefix
    ) -> Int {
        var index = start
        // An inner `<N>` level (rsyslog may keep it).
        if index + 2 < line.count, line[index] == UInt8(ascii: "<"), ByteScanning.isDigit(line[index + 1]),
            line[index + 2] == UInt8(ascii: ">")
        {
            prefix.level = (line[index + 1] - UInt8(ascii: "0")) & 7
            index += 3
        }
        guard index < line.count, line[index] == UInt8(ascii: "[") else { return index }
        if !values, let end = Self.fixedWidthStampEnd(line, at: index) {
            prefix.hasMonotonicStamp = true
            index = end
        } else if let (micros, end) = monotonicStamp(line, at: index, into: &prefix) {
            prefix.hasMonotonicStamp = true
            prefix.monotonicMicros = micros
            index = end
        } else if let (wall, end) = humanStamp(line, at: index) {
            prefix.wallClockMicros = wall
            prefix.hadHumanTime = true
            prefix.zoneless = true
            if prefix.format == .bare { prefix.format = .dmesgCtime }
            index = end
        } else if let end = relativeStamp(line, at: index, into: &prefix) {
            index = end
        } else if let (wall, end) = localizedHumanStamp(line, at: index) {
            prefix.wallClockMicros = wall
            prefix.hadHumanTime = true
            prefix.zoneless = true
            if prefix.format == .bare { prefix.format = .dmesgCtime }
            index = end
        } else {
            return start
        }
        if prefix.format == .bare { prefix.format = .dmesg }
        // Caller id, glued or after one space.
        if let (caller, end) = CallerID.parse(line, at: index) {
            prefix.caller = caller
            index = end
        } else if index < line.count, line[index] == UInt8(ascii: " "),
            let (caller, end) = CallerID.parse(line, at: index + 1)
        {
            prefix.caller = caller
            index = end
        }
        if index < line.count, line[index] == UInt8(ascii: " ") { index += 1 }
        return index
    }

    /// `[ seconds.fraction]` → microseconds. The kernel pads seconds to five columns and prints
    /// six fraction digits; other widths (nanoseconds in some tools) are accepted too, and so is
    /// `dmesg -d`'s delta after the stamp (`[    1.234567 <    0.000101>]`).
    private func monotonicStamp(_ line: UnsafeRawBufferPointer, at start: Int, into prefix: inout LinePrefix)
        -> (Int64, Int)?
    {
        if let fast = fixedWidthStamp(line, at: start) { return fast }
        let count = line.count
        var index = start + 1
        while index < count, line[index] == UInt8(ascii: " ") { index += 1 }
        var seconds: Int64 = 0
        let secondsStart = index
        while index < count, index - secondsStart < 12 {
            let digit = line[index] &- UInt8(ascii: "0")
            guard digit < 10 else { break }
            seconds = seconds &* 10 &+ Int64(digit)
            index += 1
        }
        guard index > secondsStart, index < count, line[index] == UInt8(ascii: ".") else { return nil }
        index += 1
        var micros: Int64 = 0
        var digits = 0
        while index < count {
            let digit = line[index] &- UInt8(ascii: "0")
            guard digit < 10 else { break }
            if digits < 6 {
                micros = micros &* 10 &+ Int64(digit)
                digits += 1
            }
            index += 1
            if index - secondsStart > 40 { return nil }
        }
        guard digits > 0, index < count else { return nil }
        if line[index] != UInt8(ascii: "]") {
            guard ByteScanning.hasLiteral(line, at: index, " <"), let close = Self.deltaEnd(line, from: index + 2)
            else { return nil }
            prefix.format = .dmesgDelta
            index = close
        }
        while digits < 6 {
            micros = micros &* 10
            digits += 1
        }
        return (seconds &* 1_000_000 &+ micros, index + 1)
    }

    /// The layout the kernel prints up to 99999 s of uptime, `[%5lu.%06lu]`, read without loops.
    @inline(__always)
    private func fixedWidthStamp(_ line: UnsafeRawBufferPointer, at start: Int) -> (Int64, Int)? {
        guard start + 14 <= line.count, line[start + 6] == UInt8(ascii: "."), line[start + 13] == UInt8(ascii: "]")
        else { return nil }
        var seconds: Int64 = 0
        var sawDigit = false
        for offset in 1...5 {
            let byte = line[start + offset]
            if byte == UInt8(ascii: " ") {
                guard !sawDigit else { return nil }
                continue
            }
            let digit = byte &- UInt8(ascii: "0")
            guard digit < 10 else { return nil }
            sawDigit = true
            seconds = seconds &* 10 &+ Int64(digit)
        }
        guard sawDigit else { return nil }
        var micros: Int64 = 0
        for offset in 7...12 {
            let digit = line[start + offset] &- UInt8(ascii: "0")
            guard digit < 10 else { return nil }
            micros = micros &* 10 &+ Int64(digit)
        }
        return (seconds &* 1_000_000 &+ micros, start + 14)
    }

    /// Where `[%5lu.%06lu]` ends, from its punctuation only (the shape pass).
    @inline(__always)
    private static func fixedWidthStampEnd(_ line: UnsafeRawBufferPointer, at start: Int) -> Int? {
        // The padding's first byte too: a no-break space pasted from a web page is two bytes.
        guard start + 14 <= line.count, line[start + 6] == UInt8(ascii: "."), line[start + 13] == UInt8(ascii: "]"),
            ByteScanning.isDigit(line[start + 5]), ByteScanning.isDigit(line[start + 12]),
            line[start + 1] == UInt8(ascii: " ") || ByteScanning.isDigit(line[start + 1])
        else { return nil }
        return start + 14
    }

    /// `[Sun Nov 12 15:06:31 2017]` (`dmesg -T`, local time taken as UTC).
    private func humanStamp(_ line: UnsafeRawBufferPointer, at start: Int) -> (Int64, Int)? {
        let index = start + 1
        guard CivilTime.isWeekday(line, at: index), index + 4 < line.count, line[index + 3] == UInt8(ascii: " "),
            let month = CivilTime.month(line, at: index + 4)
        else { return nil }
        var position = ByteScanning.skipSpaces(line, from: index + 7)
        guard let (day, afterDay) = ByteScanning.decimal(line, at: position), afterDay < line.count,
            line[afterDay] == UInt8(ascii: " "), let clock = CivilTime.clock(line, at: afterDay + 1),
            clock.end < line.count, line[clock.end] == UInt8(ascii: " "),
            let year = ByteScanning.fixedDigits(line, at: clock.end + 1, count: 4)
        else { return nil }
        position = clock.end + 5
        guard position < line.count, line[position] == UInt8(ascii: "]"),
            let wall = CivilTime.micros(
                year: year, month: month, day: Int(day), hour: clock.seconds / 3600,
                minute: clock.seconds / 60 % 60, second: clock.seconds % 60, micros: clock.micros)
        else { return nil }
        return (wall, position + 1)
    }

    /// `<    0.000101>]` from after the `<`: where the `]` ends, or `nil`. The seconds must have
    /// their six decimals (`%12.06f`): an old trace frame `[<80100168>]` has none.
    private static func deltaEnd(_ line: UnsafeRawBufferPointer, from start: Int) -> Int? {
        var index = ByteScanning.skipSpaces(line, from: start)
        let digitsStart = index
        while index < line.count, ByteScanning.isDigit(line[index]) { index += 1 }
        guard index > digitsStart, index + 7 < line.count, line[index] == UInt8(ascii: "."),
            ByteScanning.fixedDigits(line, at: index + 1, count: 6) != nil,
            ByteScanning.hasLiteral(line, at: index + 7, ">]")
        else { return nil }
        return index + 8
    }

    /// dmesg's relative stamps: `[<    0.000101>]` (`--time-format delta`), `[Nov12 15:06]` and
    /// `[  +0.000101]` (`reltime`, `dmesg -H`). A reltime minute line gives the wall clock to the
    /// minute, in local time, also to the delta lines after it. Returns the index after the `]`.
    private mutating func relativeStamp(
        _ line: UnsafeRawBufferPointer, at start: Int, into prefix: inout LinePrefix
    ) -> Int? {
        let index = start + 1
        guard index < line.count else { return nil }
        if line[index] == UInt8(ascii: "<") {
            guard let end = Self.deltaEnd(line, from: index + 1) else { return nil }
            prefix.format = .dmesgDelta
            return end + 1
        }
        if let month = CivilTime.month(line, at: index) {
            // `[Nov12 15:06]`: strftime `%b%d %H:%M`.
            guard let day = ByteScanning.fixedDigits(line, at: index + 3, count: 2),
                ByteScanning.hasLiteral(line, at: index + 5, " "),
                let hour = ByteScanning.fixedDigits(line, at: index + 6, count: 2),
                ByteScanning.hasLiteral(line, at: index + 8, ":"),
                let minute = ByteScanning.fixedDigits(line, at: index + 9, count: 2),
                ByteScanning.hasLiteral(line, at: index + 11, "]")
            else { return nil }
            reltimeMinute = CivilTime.micros(
                year: referenceYear, month: month, day: day, hour: hour, minute: minute, second: 0)
            prefix.wallClockMicros = reltimeMinute
            prefix.zoneless = true
            prefix.format = .dmesgReltime
            return index + 12
        }
        // `[  +0.000101]` or `[ +12.345678]`: `%+8.06f` / `%+9.06f` of the seconds since the
        // previous line.
        var position = ByteScanning.skipSpaces(line, from: index)
        guard position < line.count, line[position] == UInt8(ascii: "+") || line[position] == UInt8(ascii: "-")
        else { return nil }
        position += 1
        let digitsStart = position
        while position < line.count, ByteScanning.isDigit(line[position]) { position += 1 }
        guard position > digitsStart, position + 7 < line.count, line[position] == UInt8(ascii: "."),
            ByteScanning.fixedDigits(line, at: position + 1, count: 6) != nil, line[position + 7] == UInt8(ascii: "]")
        else { return nil }
        position += 7
        prefix.wallClockMicros = reltimeMinute
        prefix.zoneless = true
        prefix.format = .dmesgReltime
        return position + 1
    }

    // MARK: - Syslog and journal headers

    /// `Nov 12 15:06:31 host tag: ` or `Nov 12 15:06:31.123456 host tag: ` (journalctl
    /// short-precise). Returns the text start, or `nil` when the line does not have this shape.
    private mutating func parseBSDHeader(
        _ line: UnsafeRawBufferPointer, from start: Int, values: Bool, into prefix: inout LinePrefix
    ) -> Int? {
        guard let month = CivilTime.month(line, at: start), start + 4 < line.count, line[start + 3] == UInt8(ascii: " ")
        else {
            return nil
        }
        if !values, let clockEnd = Self.bsdClockEnd(line, from: start + 4) {
            noteMonth(month)
            prefix.format = .syslogBSD
            return parseHostAndTag(line, from: clockEnd + 1, into: &prefix)
        }
        return bsdDate(line, month: month, from: start + 4, into: &prefix)
    }

    /// BSD syslog has no year: it moves on when the month goes from December to January.
    @inline(__always)
    private mutating func noteMonth(_ month: Int) {
        if lastMonth == 12 && month == 1 {
            referenceYear += 1
            yearRollovers += 1
        }
        if firstMonth == 0 { firstMonth = month }
        lastMonth = month
    }

    /// The short-monotonic decision so far: stamped lines at an input's start are probed for it.
    struct ProbeState: Equatable {
        var monotonicJournal: Bool
        var probes: Int
    }

    var probeState: ProbeState { ProbeState(monotonicJournal: monotonicJournal, probes: monotonicProbes) }

    /// The month of the line before, for a reading continued in one pass.
    mutating func primeMonth(_ month: Int) {
        lastMonth = month
    }

    /// Starts reading a region of a chunked reading again with the probe state its first line
    /// had, and no month seen (a chunked reading is used only where the year never moves on).
    mutating func primeForRegion(_ probe: ProbeState) {
        monotonicJournal = probe.monotonicJournal
        monotonicProbes = probe.probes
        lastMonth = 0
    }

    /// `dd HH:MM:SS[.frac] host tag: ` after a month name (English or localized). A letter right
    /// after the clock is a host whose space was lost in a web or mail paste.
    mutating func bsdDate(_ line: UnsafeRawBufferPointer, month: Int, from start: Int, into prefix: inout LinePrefix)
        -> Int?
    {
        let dayStart = ByteScanning.skipSpaces(line, from: start)
        guard let (day, afterDay) = ByteScanning.decimal(line, at: dayStart), afterDay < line.count,
            line[afterDay] == UInt8(ascii: " "), day >= 1, day <= 31,
            let clock = CivilTime.clock(line, at: afterDay + 1), clock.end < line.count
        else { return nil }
        let glued =
            line[clock.end] | ASCII.lowercaseBit >= UInt8(ascii: "a")
            && line[clock.end] | ASCII.lowercaseBit <= UInt8(ascii: "z")
        guard line[clock.end] == UInt8(ascii: " ") || glued else { return nil }
        noteMonth(month)
        if lastDay.year != referenceYear || lastDay.month != month || lastDay.day != Int(day) {
            let midnight = CivilTime.micros(
                year: referenceYear, month: month, day: Int(day), hour: 0, minute: 0, second: 0)
            lastDay = (referenceYear, month, Int(day), midnight ?? Int64.min)
        }
        if lastDay.micros != Int64.min {
            prefix.wallClockMicros = lastDay.micros &+ Int64(clock.seconds) &* 1_000_000 &+ Int64(clock.micros)
            prefix.zoneless = true
        }
        prefix.format = .syslogBSD
        return parseHostAndTag(line, from: glued ? clock.end : clock.end + 1, into: &prefix)
    }

    /// The shape pass over `dd HH:MM:SS` (day space-padded, optional fraction): where the space
    /// after the clock is, or `nil` to take the full path.
    @inline(__always)
    private static func bsdClockEnd(_ line: UnsafeRawBufferPointer, from dayStart: Int) -> Int? {
        // `12 15:06:31 ` or ` 2 15:06:31 `: twelve bytes with fixed punctuation.
        guard dayStart + 12 <= line.count, line[dayStart + 2] == UInt8(ascii: " "),
            line[dayStart + 5] == UInt8(ascii: ":"),
            line[dayStart + 8] == UInt8(ascii: ":"), ByteScanning.isDigit(line[dayStart + 1]),
            ByteScanning.isDigit(line[dayStart + 10])
        else { return nil }
        var end = dayStart + 11
        if line[end] == UInt8(ascii: ".") || line[end] == UInt8(ascii: ",") {
            end += 1
            while end < line.count, ByteScanning.isDigit(line[end]) { end += 1 }
        }
        guard end < line.count, line[end] == UInt8(ascii: " ") else { return nil }
        return end
    }

    /// `2017-09-15T06:52:37.820783+00:00 host tag: ` (RFC 3339 syslog) or
    /// `2017-09-15T06:52:37+0000 host tag: ` (journalctl short-iso).
    /// `2017-11-12T15:06:31,000000+00:00 ` (`dmesg --time-format iso`: a comma before the
    /// fraction and no host) is kernel text with a wall clock.
    private func parseISOHeader(_ line: UnsafeRawBufferPointer, from start: Int, into prefix: inout LinePrefix)
        -> Int?
    {
        guard let (wall, end, zoneless) = isoTimestamp(line, at: start), end < line.count,
            line[end] == UInt8(ascii: " ")
        else {
            return nil
        }
        prefix.wallClockMicros = wall
        prefix.zoneless = zoneless
        if start + 19 < line.count, line[start + 19] == UInt8(ascii: ",") {
            prefix.format = .dmesgISO
            return end + 1
        }
        prefix.format = .syslogISO
        return parseHostAndTag(line, from: end + 1, into: &prefix)
    }

    /// `1510499191.000000 host tag: ` (`journalctl -o short-unix`: seconds since the epoch).
    private func parseUnixHeader(_ line: UnsafeRawBufferPointer, from start: Int, into prefix: inout LinePrefix)
        -> Int?
    {
        guard let (seconds, dot) = ByteScanning.decimal(line, at: start), dot - start >= 9, dot - start <= 11,
            dot < line.count, line[dot] == UInt8(ascii: "."),
            let (fraction, end) = ByteScanning.decimal(line, at: dot + 1), end - dot == 7, end < line.count,
            line[end] == UInt8(ascii: " ")
        else { return nil }
        guard let textStart = parseHostAndTag(line, from: end + 1, into: &prefix) else { return nil }
        prefix.wallClockMicros = seconds &* 1_000_000 &+ fraction
        prefix.format = .journalShortUnix
        return textStart
    }

    /// A line that starts with a letter but not a month: `journalctl -o short-full`
    /// (`Sun 2017-11-12 15:06:31 UTC host kernel: `) or `dmesg -x` (`kern  :err   : `).
    private func parseLetterPrefix(_ line: UnsafeRawBufferPointer, from start: Int, into prefix: inout LinePrefix)
        -> Int?
    {
        if CivilTime.isWeekday(line, at: start), start + 5 < line.count, line[start + 3] == UInt8(ascii: " "),
            ByteScanning.isDigit(line[start + 4])
        {
            return parseShortFull(line, from: start + 4, into: &prefix)
        }
        guard let (level, end) = DmesgDecodedPrefix.parse(line, at: start) else { return nil }
        prefix.level = level
        prefix.format = .dmesgDecoded
        // `dmesg -x --time-format iso`: the ISO stamp follows the decoded prefix.
        if end < line.count, ByteScanning.isDigit(line[end]), let (wall, stampEnd, _) = isoTimestamp(line, at: end),
            stampEnd < line.count, line[stampEnd] == UInt8(ascii: " ")
        {
            prefix.wallClockMicros = wall
            return stampEnd + 1
        }
        return end
    }

    /// `2017-11-12 15:06:31 UTC host tag: ` after the weekday. The zone is an abbreviation:
    /// UTC and GMT are known, a numeric one (`+0530`, `-03`, which strftime prints for zones
    /// without a name) is read; any other name leaves the time zone-less.
    func parseShortFull(_ line: UnsafeRawBufferPointer, from start: Int, into prefix: inout LinePrefix)
        -> Int?
    {
        guard let (wall, end, _) = isoTimestamp(line, at: start), end < line.count, line[end] == UInt8(ascii: " ")
        else { return nil }
        let zoneStart = end + 1
        guard let zoneEnd = ByteScanning.find(UInt8(ascii: " "), in: line, from: zoneStart), zoneEnd > zoneStart
        else { return nil }
        let zoneName = UnsafeRawBufferPointer(rebasing: line[zoneStart..<zoneEnd])
        if let offset = Self.numericZone(zoneName) {
            prefix.wallClockMicros = wall &- Int64(offset) &* 1_000_000
        } else {
            prefix.wallClockMicros = wall
            prefix.zoneless = !(Self.isUTCName(zoneName))
        }
        prefix.format = .journalShortFull
        return parseHostAndTag(line, from: zoneEnd + 1, into: &prefix)
    }

    /// `UTC`, `GMT`, `Z`, `UCT`: names that mean offset zero.
    static func isUTCName(_ name: UnsafeRawBufferPointer) -> Bool {
        name.elementsEqual("UTC".utf8) || name.elementsEqual("GMT".utf8) || name.elementsEqual("Z".utf8)
            || name.elementsEqual("UCT".utf8)
    }

    /// `+05`, `-03`, `+0530`, `+05:30` → seconds east of UTC.
    static func numericZone(_ name: UnsafeRawBufferPointer) -> Int? {
        guard name.count >= 3, name[0] == UInt8(ascii: "+") || name[0] == UInt8(ascii: "-"),
            let hours = ByteScanning.fixedDigits(name, at: 1, count: 2)
        else { return nil }
        var minutes = 0
        if name.count > 3 {
            let minutesAt = name[3] == UInt8(ascii: ":") ? 4 : 3
            guard name.count == minutesAt + 2, let value = ByteScanning.fixedDigits(name, at: minutesAt, count: 2)
            else { return nil }
            minutes = value
        }
        let seconds = hours * 3600 + minutes * 60
        return name[0] == UInt8(ascii: "-") ? -seconds : seconds
    }

    /// RFC 3339 `YYYY-MM-DDTHH:MM:SS[.frac](Z|±HH:MM|±HHMM)`, also with a space for `T`; a time
    /// without a zone is returned as if it were UTC, and said to be zone-less.
    func isoTimestamp(_ line: UnsafeRawBufferPointer, at start: Int) -> (Int64, Int, zoneless: Bool)? {
        guard let year = ByteScanning.fixedDigits(line, at: start, count: 4), start + 10 < line.count,
            line[start + 4] == UInt8(ascii: "-"), let month = ByteScanning.fixedDigits(line, at: start + 5, count: 2),
            line[start + 7] == UInt8(ascii: "-"), let day = ByteScanning.fixedDigits(line, at: start + 8, count: 2),
            line[start + 10] == UInt8(ascii: "T") || line[start + 10] == UInt8(ascii: " "),
            let clock = CivilTime.clock(line, at: start + 11)
        else { return nil }
        var index = clock.end
        var offset = 0
        var zoneless = true
        if index < line.count {
            let sign = line[index]
            if sign == UInt8(ascii: "Z") || sign == UInt8(ascii: "z") {
                index += 1
                zoneless = false
            } else if sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-") {
                guard let hours = ByteScanning.fixedDigits(line, at: index + 1, count: 2) else { return nil }
                var minutesAt = index + 3
                if minutesAt < line.count, line[minutesAt] == UInt8(ascii: ":") { minutesAt += 1 }
                guard let minutes = ByteScanning.fixedDigits(line, at: minutesAt, count: 2) else { return nil }
                offset = (hours * 3600 + minutes * 60) * (sign == UInt8(ascii: "-") ? -1 : 1)
                index = minutesAt + 2
                zoneless = false
            }
        }
        guard
            let wall = CivilTime.micros(
                year: year, month: month, day: day, hour: clock.seconds / 3600, minute: clock.seconds / 60 % 60,
                second: clock.seconds % 60, micros: clock.micros, offsetSeconds: offset)
        else { return nil }
        return (wall, index, zoneless)
    }

    /// `host tag: ` or `host tag[pid]: `; marks other programs' lines.
    func parseHostAndTag(_ line: UnsafeRawBufferPointer, from start: Int, into prefix: inout LinePrefix)
        -> Int?
    {
        guard let hostEnd = Self.firstSpace(line, from: start), hostEnd > start else { return nil }
        let tagStart = hostEnd + 1
        prefix.host = start..<hostEnd
        prefix.hadSyslogWrapper = true
        // Nearly every line a crash scan cares about is `kernel: `: one 8-byte compare.
        if tagStart + 8 <= line.count,
            UInt64(littleEndian: line.loadUnaligned(fromByteOffset: tagStart, as: UInt64.self)) == Self.kernelTag
        {
            prefix.kind = .kernel
            return tagStart + 8
        }
        if let end = Self.unusualHostOrTag(line, host: start..<hostEnd, into: &prefix) { return end }
        var index = tagStart
        var tagEnd = -1
        while index < line.count, index - tagStart < 64 {
            let byte = line[index]
            if byte == UInt8(ascii: ":") { break }
            if byte == UInt8(ascii: "["), tagEnd < 0 { tagEnd = index }
            if byte == UInt8(ascii: " ") { break }
            index += 1
        }
        guard index < line.count, line[index] == UInt8(ascii: ":") else {
            // No `tag:`: syslog's own notes ("last message repeated 2 times").
            prefix.kind = .otherProgram
            return line.count
        }
        if tagEnd < 0 { tagEnd = index }
        let isKernel = tagEnd - tagStart == 6 && ByteScanning.hasLiteral(line, at: tagStart, "kernel")
        prefix.kind = isKernel ? .kernel : .otherProgram
        var textStart = index + 1
        if textStart < line.count, line[textStart] == UInt8(ascii: " ") { textStart += 1 }
        return textStart
    }

    /// `kernel: ` as a little-endian word.
    static let kernelTag: UInt64 = 0x203A_6C65_6E72_656B

    /// The first space at or after `start`, eight bytes at a time (host names are 5–30 bytes).
    @inline(__always)
    private static func firstSpace(_ line: UnsafeRawBufferPointer, from start: Int) -> Int? {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let spaces: UInt64 = 0x2020_2020_2020_2020
        var index = start
        while index + 8 <= line.count {
            let word = UInt64(littleEndian: line.loadUnaligned(fromByteOffset: index, as: UInt64.self)) ^ spaces
            let hits = (word &- ones) & ~word & 0x8080_8080_8080_8080
            if hits != 0 { return index + hits.trailingZeroBitCount >> 3 }
            index += 8
        }
        return ByteScanning.find(UInt8(ascii: " "), in: line, from: index)
    }

    /// `<PRI>1 TIMESTAMP HOST APP-NAME PROCID MSGID STRUCTURED-DATA MSG` (RFC 5424).
    private mutating func parseRFC5424(_ line: UnsafeRawBufferPointer, from start: Int, into prefix: inout LinePrefix)
        -> Bool
    {
        var index = start
        func field() -> Range<Int>? {
            guard index < line.count, let end = ByteScanning.find(UInt8(ascii: " "), in: line, from: index) else {
                return nil
            }
            defer { index = end + 1 }
            return index..<end
        }
        guard let stamp = field(), let host = field(), let app = field(), field() != nil, field() != nil else {
            return false
        }
        if line[stamp.lowerBound] != UInt8(ascii: "-") {
            guard let (wall, end, zoneless) = isoTimestamp(line, at: stamp.lowerBound), end == stamp.upperBound else {
                return false
            }
            prefix.wallClockMicros = wall
            prefix.zoneless = zoneless
        }
        prefix.format = .syslogRFC5424
        // Structured data: "-" or one or more [id param="value" …] elements.
        guard index < line.count else { return false }
        if line[index] == UInt8(ascii: "-") {
            index += 1
        } else {
            while index < line.count, line[index] == UInt8(ascii: "[") {
                var inQuotes = false
                index += 1
                while index < line.count {
                    let byte = line[index]
                    if byte == UInt8(ascii: "\\") {
                        index += 2
                        continue
                    }
                    if byte == UInt8(ascii: "\"") { inQuotes.toggle() }
                    index += 1
                    if byte == UInt8(ascii: "]") && !inQuotes { break }
                }
            }
        }
        if index < line.count, line[index] == UInt8(ascii: " ") { index += 1 }
        if ByteScanning.hasLiteral(line, at: index, "\u{FEFF}") { index += 3 }
        if line[host.lowerBound] != UInt8(ascii: "-") || host.count > 1 { prefix.host = host }
        prefix.hadSyslogWrapper = true
        let isKernel = app.count == 6 && ByteScanning.hasLiteral(line, at: app.lowerBound, "kernel")
        prefix.kind = isKernel ? .kernel : .otherProgram
        prefix.textStart = isKernel ? parseKernelStamp(line, from: min(index, line.count), into: &prefix) : line.count
        return true
    }

    /// `-- Boot 0a1b2c… --`, `-- Logs begin at … --`, `-- Journal begins at … --`, `-- Reboot --`.
    private func parseJournalMarker(_ line: UnsafeRawBufferPointer, into prefix: inout LinePrefix) -> Bool {
        guard line.count >= 6, line[line.count - 1] == UInt8(ascii: "-"), line[line.count - 2] == UInt8(ascii: "-")
        else { return false }
        prefix.kind = .journalMarker
        prefix.textStart = line.count
        if ByteScanning.hasLiteral(line, at: 3, "Boot "), line.count > 11 {
            prefix.bootID = 8..<(line.count - 3)
        }
        return true
    }
}
