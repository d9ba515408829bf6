import CrashFleet
import KernelLog
import KtriageBytes
import KtriageReader
import KtriageTestSupport
import Testing

/// A crash scan declines ordinary lines before their wrappers are converted. Declining must not
/// change anything a user sees: the same records and the same summary (counts, hosts, first and
/// last times) as converting every line.
@Suite struct DeclinedLineTests {
    static func allItems() -> [InputWalker.Item] {
        var walker = InputWalker()
        walker.add([Fixtures.path("wrappers"), Fixtures.path("logs"), Fixtures.path("fleet"), Fixtures.path("mixed")])
        return walker.items.filter { !$0.kind.isDump }
    }

    @Test func decliningLinesChangesNoRecordAndNoSummary() {
        let items = Self.allItems()
        #expect(items.count > 60)
        let scanner = CrashReader()
        var linesDeclined = 0
        for item in items {
            var seen = 0
            let all = scanner.read(item, alsoWants: { _ in true }) { _ in seen += 1 }
            var delivered = 0
            let lazy = scanner.read(item, onLine: { _ in delivered += 1 })
            #expect(lazy.records == all.records, "\(item.path)")
            #expect(lazy.summary == all.summary, "\(item.path)")
            #expect(lazy.error == all.error, "\(item.path)")
            linesDeclined += seen - delivered
        }
        #expect(linesDeclined > 300)
    }

    /// A multi-host syslog across a year end, with a crash in the middle and ordinary lines last:
    /// the summary's last time comes from a declined line, after the December → January rollover.
    @Test func multiHostSyslogAcrossAYearEnd() throws {
        var text = ""
        for i in 0..<400 {
            let day =
                i < 200
                ? "Dec 31 23:59:\(String(format: "%02d", i % 60))" : "Jan  1 00:00:\(String(format: "%02d", i % 60))"
            let host = "node\(i % 7)"
            if i == 250 {
                text +=
                    "\(day) \(host) kernel: [  100.000000] BUG: kernel NULL pointer dereference, address: 0000000000000008\n"
                text += "\(day) \(host) kernel: [  100.000001] RIP: 0010:alpha_fn+0x1/0x2\n"
                text += "\(day) \(host) kernel: [  100.000002] Call Trace:\n"
                text += "\(day) \(host) kernel: [  100.000003]  beta_fn+0x1/0x2\n"
            }
            text += i % 3 == 0 ? "\(day) \(host) sshd[9]: Accepted publickey for ops\n" : ""
            text += "\(day) \(host) kernel: [  \(i).000001] e1000e 0000:00:19.0 eth0: NIC Link is Up\n"
        }
        let folder = Fixtures.temporaryFolder("declined-lines")
        let path = folder + "/messages"
        #expect(Fixtures.write(Array(text.utf8), to: path))
        let item = InputWalker.Item(path: path, kind: .text, root: nil)
        let scanner = CrashReader(options: LogReaderOptions(referenceYear: 2025))
        let all = scanner.read(item, alsoWants: { _ in true })
        let lazy = scanner.read(item)
        #expect(lazy.records == all.records)
        #expect(lazy.summary == all.summary)
        #expect(lazy.records.map(\.title) == ["BUG: unable to handle kernel NULL pointer dereference in alpha_fn"])
        #expect(lazy.summary?.hosts.count == 7)
        // 2026-01-01T00:00:39Z: the last line, in the year after the reference year.
        #expect(lazy.summary?.lastWallClockMicros == 1_767_225_639_000_000)
    }
}
