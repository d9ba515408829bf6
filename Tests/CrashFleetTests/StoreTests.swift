import CrashFleet
import CrashOutput
import CrashStore
import Foundation
import KernelLog
import KtriageBytes
import KtriageReader
import KtriageTestSupport
import Testing

@Suite("SQLite crash history")
struct StoreTests {
    static func items(_ path: String) -> [InputWalker.Item] {
        var walker = InputWalker()
        walker.add([path])
        return walker.items
    }

    @Test("ingesting the fleet twice stores each crash once and groups like the logs")
    func idempotent() throws {
        let db = Fixtures.temporaryFolder("ktriage-db") + "/crashes.sqlite"
        let store = try CrashStore(path: db)
        #expect(try store.appliedMigrations() == ["v1-crashes-and-hosts", "v2-time-index"])
        let scanner = FleetScanner(context: FleetSupport.context, workers: 2)
        let first = try store.ingest(FleetSupport.items(), scanner: scanner)
        let second = try store.ingest(FleetSupport.items(), scanner: scanner)
        #expect(first.added == 46)
        #expect(second.added == 0 && second.alreadyKnown == 46)
        #expect(try store.count() == 46)
        let fromDB = FleetSummary(try CrashStore(path: db).aggregate(context: FleetSupport.context))
        let fromLogs = FleetSummary(FleetSupport.group(FleetSupport.items()))
        #expect(fromDB.groups.map(\.signature) == fromLogs.groups.map(\.signature))
        #expect(fromDB.groups.map(\.crashes) == fromLogs.groups.map(\.crashes))
        #expect(fromDB.totals.hosts == fromLogs.totals.hosts)
        #expect(fromDB.groups.first?.overRepresented.first?.value == "6.1.0-18-amd64")
    }

    /// Inputs were read `workers × 2` at a time, which trapped for `Int.max` workers.
    @Test("ingesting with Int.max workers reads the inputs, not a trap")
    func hugeWorkerCount() throws {
        let store = try CrashStore(path: Fixtures.temporaryFolder("ktriage-workers") + "/db.sqlite")
        let scanner = FleetScanner(context: FleetSupport.context, workers: .max)
        let stats = try store.ingest(Self.items(Fixtures.path("fleet/hosts/batch07")), scanner: scanner)
        #expect(stats.inputs == 1 && stats.added == 1)
    }

    @Test("a log that grew since the last run adds only its new crashes")
    func grownLog() throws {
        let folder = Fixtures.temporaryFolder("ktriage-grow")
        let source = try #require(Fixtures.read(Fixtures.path("fleet/rack/syslog-rack-b.log")))
        let lines = source.split(separator: 0x0A, omittingEmptySubsequences: false)
        let log = folder + "/rack.log"
        Fixtures.write(Array(lines[..<(lines.count / 2)].joined(separator: [0x0A])) + [0x0A], to: log)
        let store = try CrashStore(path: folder + "/db.sqlite")
        let scanner = FleetScanner(context: FleetSupport.context, workers: 1)
        let before = try store.ingest(Self.items(log), scanner: scanner)
        Fixtures.write(source, to: log)
        let after = try store.ingest(Self.items(log), scanner: scanner)
        let expected = FleetSupport.group(Self.items(log)).records
        #expect(before.added > 0)
        #expect(before.added + after.added == expected)
        #expect(try store.count() == expected)
    }

    /// The sample fleet as `scan --format ndjson` writes it, then one input of made-up records
    /// with follow-ups, then a line that is not a record.
    static func ndjsonFleet() -> (path: String, records: [CrashRecord]) {
        var records = FleetScanner(context: FleetSupport.context, workers: 2).readAllRecords(FleetSupport.items())
        let primary = FleetSupport.record(title: "kernel BUG at fs/ext4/inode.c:42!", host: "made-up", wall: 5)
        var followUp = FleetSupport.record(title: "Kernel panic - not syncing: Fatal exception", host: "made-up")
        followUp.linkedTo = 0
        var later = FleetSupport.record(title: "WARNING in ext4_write", host: "made-up", wall: 9)
        later.file = "made-up.log"
        for var record in [primary, followUp, followUp, later, followUp] {
            record.file = "made-up.log"
            records.append(record)
        }
        var text = records.map(RecordJSON.encode).joined(separator: "\n") + "\n{\"not\": \"a record\"}\n"
        text += "\n"
        let path = Fixtures.temporaryFolder("ktriage-ndjson-ingest") + "/records.ndjson"
        Fixtures.write(Array(text.utf8), to: path)
        return (path, records)
    }

    @Test("records stored from NDJSON group as the same records stored from the logs, at any batch size")
    func ndjsonIngest() throws {
        let (path, records) = Self.ndjsonFleet()
        let fromRecords = try CrashStore(path: Fixtures.temporaryFolder("ktriage-db-records") + "/db.sqlite")
        var expected = IngestStatistics()
        for file in Array(Set(records.map(\.file))).sorted(by: { ($0 ?? "") < ($1 ?? "") }) {
            try fromRecords.store(
                records.filter { $0.file == file }, hostFacts: [:], defaultHost: "-", stats: &expected)
        }
        let want = FleetSummary(try fromRecords.aggregate(context: FleetSupport.context))
        #expect(expected.added == 48 && expected.followUps == 3)
        for batchSize in [1, 2, 3, CrashStore.ndjsonBatch] {
            let store = try CrashStore(path: Fixtures.temporaryFolder("ktriage-db-ndjson") + "/db.sqlite")
            let stats = try store.ingest(ndjsonPath: path, batchSize: batchSize)
            #expect(stats.added == 48 && stats.followUps == 3, "batch \(batchSize)")
            #expect(stats.inputs == 18)
            #expect(stats.errors == ["\(path): 1 lines are not crash records (first: line \(records.count + 1))"])
            let again = try store.ingest(ndjsonPath: path, batchSize: batchSize)
            #expect(again.added == 0 && again.alreadyKnown == 48)
            let got = FleetSummary(try store.aggregate(context: FleetSupport.context))
            #expect(got.groups.map(\.signature) == want.groups.map(\.signature), "batch \(batchSize)")
            #expect(got.groups.map(\.crashes) == want.groups.map(\.crashes))
            #expect(got.groups.map(\.followUps) == want.groups.map(\.followUps), "batch \(batchSize)")
            #expect(got.groups.map { Array($0.recordIDs) } == want.groups.map { Array($0.recordIDs) })
        }
    }

    @Test("NDJSON records are stored from their grouping view, or decoded in full when the view declines")
    func ndjsonViewAndFullDecode() throws {
        let (_, records) = Self.ndjsonFleet()
        for record in records {
            let line = Array(RecordJSON.encode(record).utf8)
            #expect(line.withUnsafeBytes { RecordLineReader.textLineCount($0) } == record.text.count)
        }
        #expect(Array("{\"text\": 3}".utf8).withUnsafeBytes { RecordLineReader.textLineCount($0) } == nil)
        #expect(Array("{\"title\": \"t\"}".utf8).withUnsafeBytes { RecordLineReader.textLineCount($0) } == nil)
        // A repeated key: the grouping view declines the line, the full decoder takes it.
        let record = FleetSupport.record(title: "WARNING in ext4_write", host: "dup", wall: 5)
        let json = RecordJSON.encode(record)
        let repeated = "{\"host\":\"dup\"," + json.dropFirst()
        #expect(Array(repeated.utf8).withUnsafeBytes { RecordLineReader.read($0) } == nil)
        let folder = Fixtures.temporaryFolder("ktriage-db-repeated")
        Fixtures.write(Array((repeated + "\n").utf8), to: folder + "/one.ndjson")
        let store = try CrashStore(path: folder + "/db.sqlite")
        let stats = try store.ingest(ndjsonPath: folder + "/one.ndjson")
        #expect(stats.added == 1 && stats.errors.isEmpty)
        let summary = FleetSummary(try store.aggregate(context: FleetSupport.context))
        #expect(summary.groups.map(\.title) == ["WARNING in ext4_write"])
    }

    @Test("an NDJSON file that cannot be read is named, and nothing is stored")
    func ndjsonMissing() throws {
        let folder = Fixtures.temporaryFolder("ktriage-db-missing")
        let store = try CrashStore(path: folder + "/db.sqlite")
        let stats = try store.ingest(ndjsonPath: folder + "/absent.ndjson")
        #expect(stats.unreadableInputs == 1 && stats.added == 0)
        #expect(stats.errors.count == 1 && stats.errors[0].contains("absent.ndjson"))
        #expect(try store.count() == 0)
    }

    @Test("a file that is not a database is reported with its path, not a crash")
    func corrupted() throws {
        let path = Fixtures.temporaryFolder("ktriage-bad-db") + "/bad.sqlite"
        Fixtures.write(Array(repeating: 0x41, count: 8192), to: path)
        #expect {
            _ = try CrashStore(path: path)
        } throws: { error in
            (error as? StoreError)?.description.contains("bad.sqlite") == true
        }
    }
}

@Suite("The store's record JSON")
struct RecordJSONTests {
    @Test("every record of the sample fleet reads back equal to the original")
    func roundTrip() throws {
        var records = FleetScanner(context: FleetSupport.context, workers: 2).readAllRecords(FleetSupport.items())
        var synthetic = FleetSupport.record(
            title: "WARNING in \"quoted\" \\ \u{1B}[31m", host: "h\u{2028}", wall: -5, mono: 7, linkedTo: 3,
            modules: ["a"])
        synthetic.registers = ["RAX": "0000", "RIP": "0010:foo+0x1/0x2"]
        synthetic.code = "48 8b <0f> 0b"
        records.append(synthetic)
        #expect(records.count > 40)
        let decoder = JSONDecoder()
        for record in records {
            let json = RecordJSON.encode(record)
            let back = try decoder.decode(CrashRecord.self, from: Data(json.utf8))
            #expect(back == record, "\(record.file ?? ""):\(record.line)")
        }
    }
}
