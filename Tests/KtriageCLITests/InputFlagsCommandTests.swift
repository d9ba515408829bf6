import Foundation
import KtriageTestSupport
import Testing

@Suite("ktriage: --tz, --host-from, read-only --db, --version, error prefix, table width")
struct InputFlagsCommandTests {
    @Test("group and report refuse a --db that does not exist, and create nothing")
    func readOnlyDatabase() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("ktriage-missing-\(getpid()).sqlite")
            .path
        for command in [["group", "--db", path], ["report", "--db", path, "--group", "x"]] {
            let result = try CommandRunner.run(command)
            #expect(result.status == 1)
            #expect(result.stderr.contains("ktriage: \(path): no such database"))
            #expect(!FileManager.default.fileExists(atPath: path))
        }
    }

    @Test("--version names the release and the record schema")
    func version() throws {
        let result = try CommandRunner.run(["--version"])
        #expect(result.status == 0)
        #expect(result.stdout.hasPrefix("ktriage "))
        #expect(result.stdout.contains("(record schema 2)"))
    }

    /// `group` and `ingest` sized batches as `4 × jobs` and `jobs × 2`: `--jobs 9223372036854775807`
    /// trapped on overflow.
    @Test("--jobs past the limit is a usage error, not a trap")
    func hugeJobs() throws {
        let db = Fixtures.temporaryFolder("ktriage-jobs") + "/crashes.sqlite"
        let log = "fixtures/fleet/hosts/batch07"
        for command in [["group", log], ["scan", log], ["ingest", "--db", db, log]] {
            let result = try CommandRunner.run(command + ["--jobs", "9223372036854775807"])
            #expect(result.status == 64)
            #expect(result.stderr.contains("--jobs must be between 1 and 1024"))
        }
        #expect(try CommandRunner.run(["group", log, "--jobs", "1024"]).status == 0)
    }

    @Test("usage errors start with 'ktriage: ' like every other message")
    func errorPrefix() throws {
        let result = try CommandRunner.run(["scan", "--tz", "Mars/Olympus_Mons", "fixtures/wrappers/dmesg.log"])
        #expect(result.status == 64)
        #expect(result.stderr.hasPrefix("ktriage: --tz: unknown time zone 'Mars/Olympus_Mons'"))
        #expect(!result.stderr.contains("Error:"))
    }

    @Test("--tz turns a New York syslog's times into UTC")
    func timeZone() throws {
        let args = ["scan", "--format", "ndjson", "--year", "2017", "fixtures/wrappers/syslog-bsd-new-york.log"]
        let local = try CommandRunner.run(args + ["--tz", "America/New_York"])
        // Line 2 of the fixture (the BUG line) was printed at 15:06:32 UTC, 10:06:32 in New York.
        #expect(local.stdout.contains("\"wall_us\":1510499192000000"))
        let utc = try CommandRunner.run(args)
        #expect(utc.stdout.contains("\"wall_us\":1510481192000000"))
    }

    @Test("--host-from names hosts from the path")
    func hostFrom() throws {
        let result = try CommandRunner.run([
            "group", "--format", "json", "--host-from", "(wrap)pers/kdump", "fixtures/wrappers/kdump/vmcore-dmesg.txt",
        ])
        #expect(result.stdout.contains("\"wrap\""))
    }

    @Test("an input of other programs' lines only is reported, not a silent zero")
    func noKernelLines() throws {
        let text =
            (0..<5).map { "Nov 12 15:06:3\($0) web01 sshd[9]: Accepted key \($0)" }.joined(separator: "\n") + "\n"
        let result = try CommandRunner.run(["scan", "-"], stdin: Array(text.utf8))
        #expect(result.stderr.contains("ktriage: -: no kernel lines in 5 lines (looked like syslog-bsd"))
    }

    @Test("piped tables keep whole cells; COLUMNS is honoured")
    func tableWidth() throws {
        let path = "fixtures/crash-folders/web2/var/crash/127.0.0.1-2017-11-12-15:07:03/vmcore-dmesg.txt"
        let whole = try CommandRunner.run(["scan", path])
        #expect(whole.stdout.contains(path))
        let narrow = try CommandRunner.run(["scan", path], environment: ["COLUMNS": "80"])
        #expect(!narrow.stdout.contains(path))
        #expect(narrow.stdout.split(separator: "\n").allSatisfy { $0.count <= 80 })
    }
}
