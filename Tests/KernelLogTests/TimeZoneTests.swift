import KernelFacts
import KtriageTestSupport
import Testing

@testable import KernelLog

@Suite("--tz: local times without a zone")
struct TimeZoneTests {
    /// Microseconds since the epoch of a UTC civil time.
    func utc(_ year: Int, _ month: Int, _ day: Int, _ hour: Int, _ minute: Int) -> Int64 {
        CivilTime.micros(year: year, month: month, day: day, hour: hour, minute: minute, second: 0) ?? 0
    }

    static let zoneFolder = "/usr/share/zoneinfo"
    static var hasZoneFiles: Bool { Fixtures.read(zoneFolder + "/America/New_York") != nil }

    @Test("fixed offsets: +05:30, -0800, +05")
    func fixed() throws {
        let local = utc(2026, 11, 22, 17, 45)
        #expect(try LocalTimeZone.named("+05:30").utcMicros(fromLocal: local) == utc(2026, 11, 22, 12, 15))
        #expect(try LocalTimeZone.named("-0800").utcMicros(fromLocal: local) == utc(2026, 11, 23, 1, 45))
        #expect(try LocalTimeZone.named("+05").utcMicros(fromLocal: local) == utc(2026, 11, 22, 12, 45))
        #expect(try LocalTimeZone.named("UTC").utcMicros(fromLocal: local) == local)
        #expect(throws: LocalTimeZone.Failure.self) { try LocalTimeZone.named("+5:3") }
        #expect(throws: LocalTimeZone.Failure.self) { try LocalTimeZone.named("../etc/passwd") }
        #expect(throws: LocalTimeZone.Failure.self) { try LocalTimeZone.named("Mars/Olympus_Mons") }
    }

    @Test("America/New_York from its TZif file, across both DST changes", .enabled(if: hasZoneFiles))
    func newYork() throws {
        let zone = try LocalTimeZone.named("America/New_York")
        // Winter (EST, -5) and summer (EDT, -4).
        #expect(zone.utcMicros(fromLocal: utc(2026, 1, 15, 12, 0)) == utc(2026, 1, 15, 17, 0))
        #expect(zone.utcMicros(fromLocal: utc(2026, 7, 1, 12, 0)) == utc(2026, 7, 1, 16, 0))
        // 2026-03-08: 02:00 EST becomes 03:00 EDT. 01:59 is EST, 03:30 is EDT; 02:30 never
        // happens and is read with the offset before the change.
        #expect(zone.utcMicros(fromLocal: utc(2026, 3, 8, 1, 59)) == utc(2026, 3, 8, 6, 59))
        #expect(zone.utcMicros(fromLocal: utc(2026, 3, 8, 3, 30)) == utc(2026, 3, 8, 7, 30))
        #expect(zone.utcMicros(fromLocal: utc(2026, 3, 8, 2, 30)) == utc(2026, 3, 8, 7, 30))
        // 2026-11-01: 02:00 EDT becomes 01:00 EST; 01:30 happens twice, read as the earlier (EDT).
        #expect(zone.utcMicros(fromLocal: utc(2026, 11, 1, 1, 30)) == utc(2026, 11, 1, 5, 30))
        #expect(zone.utcMicros(fromLocal: utc(2026, 11, 1, 2, 30)) == utc(2026, 11, 1, 7, 30))
        // Past the file's transitions (2037), the footer's POSIX rule.
        #expect(zone.utcMicros(fromLocal: utc(2050, 7, 1, 12, 0)) == utc(2050, 7, 1, 16, 0))
        #expect(zone.utcMicros(fromLocal: utc(2050, 12, 1, 12, 0)) == utc(2050, 12, 1, 17, 0))
    }

    @Test("POSIX rules: northern and southern hemisphere, change times other than 02:00")
    func posixRules() throws {
        let newYork = try #require(PosixZoneRule("EST5EDT,M3.2.0,M11.1.0"))
        #expect(newYork.offset(atUTC: utc(2026, 3, 8, 6, 59) / 1_000_000) == -5 * 3600)
        #expect(newYork.offset(atUTC: utc(2026, 3, 8, 7, 0) / 1_000_000) == -4 * 3600)
        #expect(newYork.offset(atUTC: utc(2026, 11, 1, 5, 59) / 1_000_000) == -4 * 3600)
        #expect(newYork.offset(atUTC: utc(2026, 11, 1, 6, 0) / 1_000_000) == -5 * 3600)
        // Sydney: daylight time from the first Sunday of October to the first Sunday of April, 03:00.
        let sydney = try #require(PosixZoneRule("AEST-10AEDT,M10.1.0,M4.1.0/3"))
        #expect(sydney.offset(atUTC: utc(2026, 1, 15, 0, 0) / 1_000_000) == 11 * 3600)
        #expect(sydney.offset(atUTC: utc(2026, 7, 15, 0, 0) / 1_000_000) == 10 * 3600)
        // Europe: last Sunday of March at 01:00 UTC (02:00 CET).
        let berlin = try #require(PosixZoneRule("CET-1CEST,M3.5.0,M10.5.0/3"))
        #expect(berlin.offset(atUTC: utc(2026, 3, 29, 0, 59) / 1_000_000) == 3600)
        #expect(berlin.offset(atUTC: utc(2026, 3, 29, 1, 0) / 1_000_000) == 7200)
        let india = try #require(PosixZoneRule("IST-5:30"))
        #expect(india.offset(atUTC: 0) == 19800)
        #expect(PosixZoneRule("<+0530>-5:30")?.offset(atUTC: 0) == 19800)
    }

    @Test("a New York syslog read with --tz America/New_York gives the UTC wall clock", .enabled(if: hasZoneFiles))
    func syslogInNewYork() throws {
        let zone = try LocalTimeZone.named("America/New_York")
        let (lines, _) = try readAll(
            Fixtures.path("wrappers/syslog-bsd-new-york.log"),
            options: LogReaderOptions(referenceYear: 2017, timeZone: zone))
        #expect(lines.map(\.text) == baseLines)
        for (index, line) in lines.enumerated() { #expect(line.metadata.wallClockMicros == wall(index)) }
        // Without --tz the times are taken as UTC: five hours early.
        let (utcLines, _) = try readAll(
            Fixtures.path("wrappers/syslog-bsd-new-york.log"), options: LogReaderOptions(referenceYear: 2017))
        #expect(utcLines.first?.metadata.wallClockMicros == wall(0) - 5 * 3_600_000_000)
    }

    @Test("dmesg -T at +05:30 with --tz +05:30; zoned formats ignore --tz")
    func dmesgCtimeFixedOffset() throws {
        let zone = try LocalTimeZone.named("+05:30")
        let (lines, _) = try readAll(
            Fixtures.path("wrappers/dmesg-T-kolkata.log"), options: LogReaderOptions(timeZone: zone))
        for (index, line) in lines.enumerated() { #expect(line.metadata.wallClockMicros == wall(index)) }
        let (iso, _) = try readAll(
            Fixtures.path("wrappers/syslog-rfc3339.log"), options: LogReaderOptions(timeZone: zone))
        #expect(iso.first?.metadata.wallClockMicros == wall(0))
        let (full, _) = try readAll(
            Fixtures.path("wrappers/journal-short-full.log"), options: LogReaderOptions(timeZone: zone))
        #expect(full.first?.metadata.wallClockMicros == wall(0))
    }
}
