import Foundation
import KtriageTestSupport
import Testing

@Suite("ingest killed mid-way")
struct IngestKillTests {
    /// Copies the sample fleet `copies` times, renaming host folders so every copy's dmesg
    /// hosts are distinct.
    static func bigFleet(copies: Int) throws -> String {
        let root = Fixtures.temporaryFolder("ktriage-kill")
        let manager = FileManager.default
        for copy in 0..<copies {
            let folder = root + "/c\(copy)"
            try manager.createDirectory(atPath: folder, withIntermediateDirectories: true)
            for part in ["hosts", "rack", "journal"] {
                try manager.copyItem(atPath: Fixtures.path("fleet/" + part), toPath: folder + "/" + part)
            }
            for host in try manager.contentsOfDirectory(atPath: folder + "/hosts") {
                try manager.moveItem(atPath: folder + "/hosts/" + host, toPath: folder + "/hosts/c\(copy)-" + host)
            }
        }
        return root
    }

    @Test("SIGKILL during ingest leaves a consistent database; the re-run completes it, each crash once")
    func killAndResume() throws {
        let fleet = try Self.bigFleet(copies: 12)
        let db = Fixtures.temporaryFolder("ktriage-kill-db") + "/crashes.sqlite"
        let expected = try CommandRunner.run(["group", "--format", "json", fleet])
        let document = try #require(
            try JSONSerialization.jsonObject(with: Data(expected.stdout.utf8)) as? [String: Any])
        let records = try #require((document["totals"] as? [String: Any])?["records"] as? Int)

        let process = Process()
        process.executableURL = URL(fileURLWithPath: CommandRunner.executable)
        process.arguments = ["ingest", "--jobs", "1", "--db", db, fleet]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        usleep(150_000)
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()

        let resumed = try CommandRunner.run(["ingest", "--db", db, fleet])
        #expect(resumed.status == 0, "\(resumed.stderr)")
        #expect(resumed.stdout.contains("; \(records) crashes in"), "\(resumed.stdout)")
        let again = try CommandRunner.run(["ingest", "--db", db, fleet])
        // The copies repeat the syslog and journald hosts, so "already in the database" counts
        // reports read, while the total counts distinct crashes.
        #expect(again.stdout.contains(": 0 new crashes,"), "\(again.stdout)")
        #expect(again.stdout.contains("; \(records) crashes in"), "\(again.stdout)")
        let grouped = try CommandRunner.run(["group", "--db", db])
        #expect(grouped.status == 0)
        #expect(grouped.stdout.contains("\(records) crashes in"))
    }
}
