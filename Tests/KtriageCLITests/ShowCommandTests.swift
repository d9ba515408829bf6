import KtriageTestSupport
import Testing

@Suite("ktriage show")
struct ShowCommandTests {
    @Test("the fixture oops, explained (reviewed golden file)")
    func showGolden() throws {
        let result = try CommandRunner.run(
            ["show", "--year", "2017", "fixtures/wrappers/syslog-bsd.log"], environment: ["NO_COLOR": "1"])
        #expect(result.status == 0)
        let failure = Golden.check(
            result.stdout, path: Fixtures.packageRoot + "/Tests/KtriageCLITests/Snapshots/showGolden.txt")
        #expect(failure == nil, "\(failure ?? "")")
    }

    @Test("no report, or an index out of range: one clear line and status 1")
    func errors() throws {
        let none = try CommandRunner.run(["show", "fixtures/mixed/nested/syslog"])
        #expect(none.status == 1)
        #expect(none.stderr.contains("fixtures/mixed/nested/syslog: no crash report found"))
        let range = try CommandRunner.run(["show", "--index", "5", "fixtures/wrappers/dmesg.log"])
        #expect(range.status == 1)
        #expect(range.stderr.contains("there are 1 reports; --index 5 is out of range"))
    }

    @Test("log-derived control characters are escaped, never sent to the terminal")
    func escapes() throws {
        let log =
            "[    1.000000] BUG: kernel NULL pointer dereference, address: 0000000000000000\n"
            + "[    1.000001] CPU: 0 PID: 1 Comm: evil\u{1B}[31mred Not tainted 6.1.0 #1\n"
        let result = try CommandRunner.run(["show", "-"], stdin: Array(log.utf8))
        #expect(result.status == 0)
        #expect(!result.stdout.contains("\u{1B}"))
    }
}
