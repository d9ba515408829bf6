import KtriageTestSupport
import Testing

@Suite("ktriage scan, end to end")
struct ScanCommandTests {
    @Test("--lines ndjson of a caller-id dmesg file matches its reviewed golden file")
    func linesGolden() throws {
        let result = try CommandRunner.run([
            "scan", "--lines", "--format", "ndjson", "fixtures/wrappers/dmesg-caller.log",
        ])
        #expect(result.status == 0)
        let failure = Golden.check(
            result.stdout, path: Fixtures.packageRoot + "/Tests/KtriageCLITests/Snapshots/linesGolden.ndjson")
        #expect(failure == nil, "\(failure ?? "")")
    }

    @Test("stdin gives the same lines as the file")
    func stdin() throws {
        let file = try CommandRunner.run(["scan", "--lines", "--format", "ndjson", "fixtures/wrappers/syslog-bsd.log"])
        let bytes = try #require(Fixtures.read(Fixtures.path("wrappers/syslog-bsd.log")))
        let piped = try CommandRunner.run(["scan", "--lines", "--format", "ndjson", "-"], stdin: bytes)
        #expect(piped.status == 0)
        #expect(piped.stdout.split(separator: "\n").count == 32)
        #expect(
            piped.stdout.replacingOccurrences(
                of: "\"file\":\"-\"", with: "\"file\":\"fixtures/wrappers/syslog-bsd.log\"")
                == file.stdout)
    }

    @Test("gzip on stdin is recognised by its magic")
    func gzipStdin() throws {
        let bytes = try #require(Fixtures.read(Fixtures.path("wrappers/compressed/dmesg.log.gz")))
        let piped = try CommandRunner.run(["scan", "--lines", "-"], stdin: bytes)
        #expect(piped.status == 0)
        #expect(piped.stdout.contains("BUG: kernel NULL pointer dereference, address: 0000000000000008"))
    }

    @Test("a folder of mixed files: logs and gzip read in name order, the rest skipped with notes")
    func mixedFolder() throws {
        let result = try CommandRunner.run(["scan", "--verbose", "--format", "json", "fixtures/mixed"])
        #expect(result.status == 0)
        let b = try #require(result.stdout.range(of: "b-dmesg.log"))
        let a = try #require(result.stdout.range(of: "nested/a.gz"))
        let syslog = try #require(result.stdout.range(of: "nested/syslog"))
        #expect(b.lowerBound < a.lowerBound && a.lowerBound < syslog.lowerBound)
        #expect(result.stderr.contains("picture.bin: binary data, not a log: skipped"))
        #expect(result.stderr.contains("empty.log: empty: skipped"))
        #expect(result.stderr.contains(".hidden: hidden: skipped"))
        #expect(!result.stdout.contains("secret.log"))
    }

    @Test("a missing input is named on stderr, the others are still read, exit status 1")
    func missingInput() throws {
        let result = try CommandRunner.run(["scan", "no/such/file.log", "fixtures/wrappers/dmesg.log"])
        #expect(result.status == 1)
        #expect(result.stderr.contains("no/such/file.log: No such file or directory"))
        #expect(result.stdout.contains("fixtures/wrappers/dmesg.log"))
    }

    @Test("a file name with an escape sequence and a line break is shown as \\xNN on one stderr line")
    func controlCharactersInName() throws {
        let name = "no/such/\u{1B}[2Jclear\nsecond.log"
        let result = try CommandRunner.run(["scan", name, "fixtures/wrappers/dmesg.log"])
        #expect(result.status == 1)
        #expect(result.stderr.contains("no/such/\\x1B[2Jclear\\x0Asecond.log: No such file or directory"))
        #expect(!result.stderr.contains("\u{1B}"))
        #expect(result.stderr.split(separator: "\n").count == 1)
    }

    @Test("binary junk given by name: one line naming the file and the byte offset")
    func binaryJunk() throws {
        let result = try CommandRunner.run(["scan", "fixtures/mixed/picture.bin"])
        #expect(result.status == 1)
        #expect(result.stderr.contains("fixtures/mixed/picture.bin: at byte 0: binary data, not a kernel log"))
        #expect(result.stderr.split(separator: "\n").count == 1)
    }

    @Test("no colour escapes when stdout is not a terminal or NO_COLOR is set")
    func noColour() throws {
        let result = try CommandRunner.run(["scan", "fixtures/wrappers"], environment: ["NO_COLOR": "1"])
        #expect(!result.stdout.contains("\u{1B}["))
        #expect(!result.stderr.contains("\u{1B}["))
    }
}

@Suite("ktriage help")
struct HelpTests {
    @Test(
        "every subcommand explains itself with an example",
        arguments: ["scan", "show", "vmcore", "symbolize", "group", "report", "ingest"])
    func help(_ subcommand: String) throws {
        let result = try CommandRunner.run([subcommand, "--help"])
        #expect(result.status == 0)
        #expect(result.stdout.contains("USAGE: ktriage \(subcommand)"))
    }

    @Test("top-level help lists every subcommand")
    func topLevel() throws {
        let result = try CommandRunner.run(["--help"])
        for name in ["scan", "show", "vmcore", "symbolize", "group", "report", "ingest"] {
            #expect(result.stdout.contains("  \(name) "))
        }
    }
}
