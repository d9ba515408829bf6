import KernelFacts
import KtriageBytes
import Testing

@testable import KernelLog

/// Syslog and journal lines in the shapes operators paste them: localized month names, no host,
/// no `kernel:` tag, spaces lost by a web page, `> ` mail quoting.
@Suite struct PastedSyslogTests {
    /// Kernel lines of `text`, with their metadata.
    static func read(_ text: String, year: Int = 2026) throws -> [ReadLine] {
        var lines: [ReadLine] = []
        var bytes = Array(text.utf8)
        _ = try bytes.withUnsafeMutableBytes { buffer in
            try KernelLogReader.read(
                bytes: UnsafeRawBufferPointer(buffer), path: "pasted.log",
                options: LogReaderOptions(referenceYear: year)
            ) { line in
                lines.append(
                    ReadLine(text: ByteEscaping.displayString(line.text), metadata: line.metadata, number: line.number))
            }
        }
        return lines
    }

    /// 2026-`month`-07 15:06:31 UTC in microseconds.
    static func seventh(_ month: Int) -> Int64 {
        (Int64(CivilTime.daysFromCivil(year: 2026, month: month, day: 7)) * 86_400 + 15 * 3600 + 6 * 60 + 31)
            * 1_000_000
    }

    /// `date -d 2026-MM-07T15:06:31 +'%b %d %H:%M:%S'` under each locale (glibc 2.36, locales
    /// compiled with `localedef`): what `journalctl -o short` prints there.
    static let localized: [(stamp: String, month: Int)] = [
        ("янв 07 15:06:31", 1), ("мая 07 15:06:31", 5), ("ноя 07 15:06:31", 11), ("дек 07 15:06:31", 12),
        ("січ 07 15:06:31", 1), ("тра 07 15:06:31", 5), ("лис 07 15:06:31", 11),
        ("Mär 07 15:06:31", 3), ("Mai 07 15:06:31", 5), ("Dez 07 15:06:31", 12),
        ("janv. 07 15:06:31", 1), ("févr. 07 15:06:31", 2), ("août 07 15:06:31", 8), ("déc. 07 15:06:31", 12),
        ("ene 07 15:06:31", 1), ("ago 07 15:06:31", 8), ("dic 07 15:06:31", 12),
        ("gen 07 15:06:31", 1), ("mag 07 15:06:31", 5),
        ("fev 07 15:06:31", 2), ("dez 07 15:06:31", 12),
        ("sty 07 15:06:31", 1), ("lis 07 15:06:31", 11), ("gru 07 15:06:31", 12),
        ("11月 07 15:06:31", 11), (" 5月 07 15:06:31", 5),
    ]

    @Test("journal short lines under other LC_TIME locales", arguments: localized)
    func localizedMonths(_ stamp: String, _ month: Int) throws {
        let lines = try Self.read("\(stamp) db07 kernel: BUG: unable to handle page fault for address: 0000\n")
        let line = try #require(lines.first)
        #expect(line.metadata.host == "db07", "\(stamp)")
        #expect(line.metadata.wallClockMicros == Self.seventh(month), "\(stamp)")
        #expect(line.text == "BUG: unable to handle page fault for address: 0000")
    }

    @Test(
        "dmesg -T under other locales (strftime %a %b %e %H:%M:%S %Y, glibc 2.36)",
        arguments: [
            "[Сб ноя  7 15:06:31 2026]", "[Sa Nov  7 15:06:31 2026]", "[sam. nov.  7 15:06:31 2026]",
            "[sáb nov  7 15:06:31 2026]", "[sob lis  7 15:06:31 2026]", "[сб лис  7 15:06:31 2026]",
        ])
    func localizedDmesgCtime(_ stamp: String) throws {
        let lines = try Self.read("\(stamp) Oops: 0000 [#1] SMP\n\(stamp)  dump_stack+0x19/0x1b\n")
        #expect(lines.map(\.text) == ["Oops: 0000 [#1] SMP", " dump_stack+0x19/0x1b"], "\(stamp)")
        #expect(lines.first?.metadata.wallClockMicros == Self.seventh(11), "\(stamp)")
    }

    @Test("short-full with a localized weekday")
    func localizedWeekday() throws {
        let lines = try Self.read("Сб 2026-11-07 15:06:31 UTC db07 kernel: Oops: 0000 [#1] SMP\n")
        #expect(lines.first?.metadata.host == "db07")
        #expect(lines.first?.metadata.wallClockMicros == Self.seventh(11))
        #expect(lines.first?.text == "Oops: 0000 [#1] SMP")
    }

    @Test(
        "hosts and tags the fast path does not read",
        arguments: [
            // (line, host, text)
            ("Nov  7 15:06:31 kernel: [  12.345678] Oops: 0000 [#1] SMP", nil, "Oops: 0000 [#1] SMP"),
            ("Nov  7 15:06:31 web01kernel: Oops: 0000 [#1] SMP", "web01", "Oops: 0000 [#1] SMP"),
            ("Nov  7 15:06:31web01 kernel: Oops: 0000 [#1] SMP", "web01", "Oops: 0000 [#1] SMP"),
            ("Nov  7 15:06:31 web01 [  12.345678] Oops: 0000 [#1] SMP", "web01", "Oops: 0000 [#1] SMP"),
            ("Nov  7 15:06:31 router kern.err kernel: Oops: 0000 [#1] SMP", "router", "Oops: 0000 [#1] SMP"),
            ("2026-11-07T15:06:31.000000+00:00 web01kernel: Oops: 0000 [#1] SMP", "web01", "Oops: 0000 [#1] SMP"),
            ("> Nov  7 15:06:31 web01 kernel: Oops: 0000 [#1] SMP", "web01", "Oops: 0000 [#1] SMP"),
            (
                ">> > Nov  7 15:06:31 web01 kernel: [  12.345678]  dump_stack+0x19/0x1b", "web01",
                " dump_stack+0x19/0x1b"
            ),
        ])
    func unusualHosts(_ line: String, _ host: String?, _ text: String) throws {
        let lines = try Self.read(line + "\n")
        let read = try #require(lines.first, "\(line)")
        #expect(read.metadata.host == host, "\(line)")
        #expect(read.text == text, "\(line)")
        #expect(read.metadata.wallClockMicros == Self.seventh(11), "\(line)")
    }

    @Test(
        "web-page and code-block pastes: no-break spaces, an indent before the wrapper",
        arguments: [
            ("    Nov  7 15:06:31 web01 kernel: Oops: 0000 [#1] SMP", "Oops: 0000 [#1] SMP"),
            ("\tNov  7 15:06:31 web01 kernel: [  12.345678] Oops: 0000 [#1] SMP", "Oops: 0000 [#1] SMP"),
            ("Nov  7 15:06:31 web01 kernel: [\u{A0} 12.345678] Oops: 0000 [#1] SMP", "Oops: 0000 [#1] SMP"),
            ("Nov  7 15:06:31 web01 kernel: [  12.345678] \u{A0}dump_stack+0x19/0x1b", " dump_stack+0x19/0x1b"),
            ("\u{A0} Nov\u{A0} 7 15:06:31 web01 kernel: Oops: 0000 [#1] SMP", "Oops: 0000 [#1] SMP"),
        ])
    func webPaste(_ line: String, _ text: String) throws {
        let read = try #require(try Self.read(line + "\n").first, "\(line)")
        #expect(read.metadata.host == "web01", "\(line)")
        #expect(read.text == text, "\(line)")
        #expect(read.metadata.wallClockMicros == Self.seventh(11), "\(line)")
    }

    @Test("an indented line without a wrapper after the indent keeps its indent")
    func indentedFrame() throws {
        let lines = try Self.read("Call Trace:\n  dump_stack+0x19/0x1b\n")
        #expect(lines.map(\.text) == ["Call Trace:", "  dump_stack+0x19/0x1b"])
    }

    @Test("a line without a wrapper continues the syslog line before it: its host, its program")
    func continuation() throws {
        let log = """
            Nov  7 15:06:31 web01 kernel: INFO: task jbd2/dm-0-8:431 blocked for
            more than 120 seconds.
            Nov  7 15:06:31 web01 kernel: Call Trace:
            Nov  7 15:06:31 web01 kernel:\u{20}
            jbd2_journal_commit_transaction+0x14f4/0x1910 [jbd2]
            Nov  7 15:06:32 web01 myapp[812]: worker pool report:
                                              BUG: counter mismatch in the pool
            """
        let lines = try Self.read(log + "\n")
        #expect(lines.map(\.text).contains("jbd2_journal_commit_transaction+0x14f4/0x1910 [jbd2]"))
        #expect(lines.allSatisfy { $0.metadata.host == "web01" })
        #expect(!lines.contains { $0.text.contains("counter mismatch") })
        let records = FrontDoor.records(log)
        #expect(records.map(\.title) == ["INFO: task hung in jbd2_journal_commit_transaction"])
    }

    @Test("no-break spaces inside report lines: the taint and release still read")
    func noBreakSpacesInReport() throws {
        let log = """
            Nov  7 15:06:31 web01 kernel: BUG: unable to handle kernel NULL pointer dereference at 0000000000000010
            Nov  7 15:06:31 web01 kernel: IP: [<ffffffff81234567>] foo_bar+0x12/0x40
            Nov  7 15:06:31 web01 kernel: Oops: 0000 [#1] SMP
            Nov  7 15:06:31 web01 kernel: CPU: 1 PID: 12 Comm: kworker/1:1 Tainted: G\u{A0}\u{A0}\u{A0}\u{A0} W\u{A0}\u{A0} 4.4.0-21-generic #37-Ubuntu
            Nov  7 15:06:31 web01 kernel: Call Trace:
            Nov  7 15:06:31 web01 kernel:  [<ffffffff81234599>] baz_qux+0x12/0x40
            """
        let record = try #require(FrontDoor.records(log).first)
        #expect(record.kernel?.release == "4.4.0-21-generic")
        #expect(record.taint?.letters == "GW")
        #expect(record.host == "web01")
    }

    @Test("a bare oops pasted after syslog lines is not taken for their continuation")
    func bareOopsAfterSyslog() throws {
        let log = """
            Nov  7 15:06:31 web01 kernel: e1000e: eth0 NIC Link is Up
            BUG: unable to handle kernel NULL pointer dereference at 0000000000000010
            IP: [<ffffffff81234567>] foo_bar+0x12/0x40
            Oops: 0000 [#1] SMP
            CPU: 1 PID: 12 Comm: kworker/1:1 Not tainted 4.4.0-21-generic #37-Ubuntu
            Call Trace:
             [<ffffffff81234599>] baz_qux+0x12/0x40
             [<ffffffff812345aa>] process_one_work+0x1e8/0x338
            """
        let records = FrontDoor.records(log)
        #expect(records.map(\.title) == ["BUG: unable to handle kernel NULL pointer dereference in foo_bar"])
        #expect(records.first?.kernel?.release == "4.4.0-21-generic")
        #expect(records.first?.frames.count == 2)
        #expect(records.first?.host == nil)
    }

    @Test("a long run of continuation lines: no line grows past the parser's line limit")
    func longContinuation() throws {
        var log = "Nov  7 15:06:31 web01 kernel: INFO: task jbd2/dm-0-8:431 blocked for\n"
        log += "Nov  7 15:06:31 web01 kernel: Call Trace: and a long line that wraps at\n"
        for index in 0..<5000 { log += "continued_text_\(index)_that_never_ends_and_never_fits_on_a_line\n" }
        let records = FrontDoor.records(log)
        #expect(records.count == 1)
        #expect(records.allSatisfy { $0.text.allSatisfy { $0.utf8.count <= CrashReportParser.maxLineBytes } })
    }

    @Test("other programs' lines without a host stay other programs'")
    func hostlessOtherProgram() throws {
        let lines = try Self.read("Nov  7 15:06:31 systemd[1]: Started Session 2 of user root.\n")
        #expect(lines.isEmpty)
    }
}
