import Foundation
import KtriageTestSupport
import Testing

@Suite("ktriage ingest, several at once")
struct ConcurrentIngestTests {
    @Test("three ingest runs on one new database: all succeed, each crash is counted once")
    func concurrentIngest() throws {
        let folder = Fixtures.temporaryFolder("ktriage-concurrent")
        let database = folder + "/crashes.sqlite"
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let statuses = Statuses()
        DispatchQueue.concurrentPerform(iterations: 3) { index in
            let result = try? CommandRunner.run(["ingest", "--db", database, "fixtures/fleet"])
            statuses.set(index, result?.status ?? -1, result?.stderr ?? "")
        }
        for (status, stderr) in statuses.values { #expect(status == 0, "\(stderr)") }
        let alone = folder + "/alone.sqlite"
        _ = try CommandRunner.run(["ingest", "--db", alone, "fixtures/fleet"])
        let together = try CommandRunner.run(["group", "--db", database, "--format", "json"])
        let single = try CommandRunner.run(["group", "--db", alone, "--format", "json"])
        #expect(together.status == 0)
        #expect(!together.stdout.isEmpty)
        #expect(together.stdout == single.stdout)
    }
}

/// Results written from concurrent threads.
final class Statuses: @unchecked Sendable {
    private let lock = NSLock()
    private var storage: [Int: (Int32, String)] = [:]

    func set(_ index: Int, _ status: Int32, _ stderr: String) {
        lock.lock()
        storage[index] = (status, stderr)
        lock.unlock()
    }

    var values: [(Int32, String)] {
        lock.lock()
        defer { lock.unlock() }
        return storage.keys.sorted().compactMap { storage[$0] }
    }
}
