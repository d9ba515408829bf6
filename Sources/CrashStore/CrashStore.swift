import CrashFleet
import CrashOutput
import Foundation
import GRDB
import KernelLog
import KtriageBytes
import KtriageReader

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Why the crash database could not be used; names the file.
public struct StoreError: Error, CustomStringConvertible, Sendable {
    public var path: String
    public var message: String
    public var description: String { "\(path): \(message)" }
}

/// What one `ingest` run did.
public struct IngestStatistics: Sendable, Equatable {
    public var inputs = 0
    public var unreadableInputs = 0
    /// Crash reports new to the database.
    public var added = 0
    /// Reports the database already held (the same log again, or the old part of a grown log).
    public var alreadyKnown = 0
    public var followUps = 0
    public var errors: [String] = []

    public init() {}

    /// Adds the figures of another run (several sources in one command).
    public mutating func add(_ other: IngestStatistics) {
        inputs += other.inputs
        unreadableInputs += other.unreadableInputs
        added += other.added
        alreadyKnown += other.alreadyKnown
        followUps += other.followUps
        errors += other.errors
    }
}

/// The SQLite crash history (`ingest --db`, `group --db`).
///
/// A crash is keyed by `RecordIdentity` (host, boot, kernel timestamp, signature), so ingesting
/// the same log twice or a log that grew since last night adds each crash once. Each input is
/// written in one transaction: a run killed mid-way leaves whole inputs in the database and the
/// re-run adds the rest. The schema is versioned by named migrations.
public final class CrashStore {
    public let path: String
    let queue: DatabaseQueue
    /// `host \0 fact` rows known to be stored, so they are not written again.
    private var knownFacts = Set<String>()
    private var factsLoaded = false

    /// Opens (creating if needed) and migrates the database.
    public init(path: String) throws(StoreError) {
        self.path = path
        do {
            var config = Configuration()
            config.busyMode = .timeout(10)
            // WAL with synchronous=NORMAL: a crash or kill can lose the last commits, never
            // consistency; one fsync per checkpoint instead of per input.
            config.prepareDatabase { db in
                // Switching the journal mode needs the database to itself: only the run that
                // finds it in another mode (a new file) switches it.
                if try String.fetchOne(db, sql: "PRAGMA journal_mode")?.lowercased() != "wal" {
                    try db.execute(sql: "PRAGMA journal_mode = WAL")
                }
                try db.execute(sql: "PRAGMA synchronous = NORMAL")
            }
            // Several `ingest` runs starting on a new database race to create it: the losers
            // fail ("database is locked" while it switches to WAL, "table already exists" when
            // two migrate at once). Trying again then finds it ready and migrated.
            var attempt = 0
            var opened: DatabaseQueue?
            while opened == nil {
                do {
                    let candidate = try DatabaseQueue(path: path, configuration: config)
                    try Self.migrator.migrate(candidate)
                    opened = candidate
                } catch {
                    attempt += 1
                    if attempt >= 8 { throw error }
                    usleep(UInt32(50_000 * attempt))
                }
            }
            guard let opened else { throw StoreError(path: path, message: "cannot open") }
            queue = opened
        } catch {
            throw StoreError(path: path, message: Self.explain(error))
        }
    }

    /// The schema, one named migration per change; never edit a shipped migration.
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-crashes-and-hosts") { db in
            try db.create(table: "crash") { t in
                t.primaryKey("id", .text)
                t.column("signature", .text).notNull()
                t.column("signature_version", .integer).notNull()
                t.column("host", .text).notNull()
                t.column("boot", .text)
                t.column("wall_us", .integer)
                t.column("monotonic_us", .integer)
                t.column("kind", .text).notNull()
                t.column("title", .text).notNull()
                t.column("release", .text)
                t.column("file", .text)
                t.column("line", .integer)
                t.column("follow_ups", .integer).notNull().defaults(to: 0)
                t.column("record", .text).notNull()
                // Lines of report text: a longer report of the same crash replaces a cut one.
                t.column("size", .integer).notNull()
                t.column("ingested_us", .integer).notNull()
            }
            try db.create(index: "crash_signature", on: "crash", columns: ["signature", "signature_version"])
            try db.create(table: "host_fact") { t in
                t.column("host", .text).notNull()
                t.column("fact", .text).notNull()
                t.primaryKey(["host", "fact"])
            }
            try db.create(table: "ingest_run") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("started_us", .integer).notNull()
                t.column("finished_us", .integer)
                t.column("inputs", .integer).notNull().defaults(to: 0)
                t.column("added", .integer).notNull().defaults(to: 0)
                t.column("already_known", .integer).notNull().defaults(to: 0)
            }
        }
        migrator.registerMigration("v2-time-index") { db in
            try db.create(index: "crash_wall", on: "crash", columns: ["wall_us"])
        }
        return migrator
    }

    /// The names of the migrations applied, oldest first.
    public func appliedMigrations() throws(StoreError) -> [String] {
        do {
            return try queue.read { db in try Self.migrator.appliedMigrations(db) }
        } catch {
            throw StoreError(path: path, message: Self.explain(error))
        }
    }

    /// Reads the inputs (`workers` at a time) and stores their records and host facts, one
    /// transaction per input. Reading and JSON encoding run in parallel; writes are serial.
    public func ingest(
        _ items: [InputWalker.Item], scanner: FleetScanner, progress: ((Int) -> Void)? = nil
    ) throws(StoreError) -> IngestStatistics {
        var stats = IngestStatistics()
        let runID = try beginRun()
        // Bounded by the inputs first: `workers` is any `Int`, and `Int.max × 2` trapped.
        let batch = max(1, min(scanner.workers, items.count) * 2)
        var start = 0
        while start < items.count {
            let slice = Array(items[start..<min(items.count, start + batch)])
            let slots = ParallelSlots<(FleetScanner.InputPartial, PreparedInput)>(count: slice.count)
            DispatchQueue.concurrentPerform(iterations: slice.count) { index in
                let partial = scanner.read(slice[index])
                let prepared = Self.prepare(
                    partial.records, hostFacts: partial.hostFacts, defaultHost: HostNaming.host(forPath: partial.path))
                slots.set(index, (partial, prepared))
            }
            for (partial, prepared) in slots.all() {
                stats.inputs += 1
                if let error = partial.error {
                    stats.errors.append(error)
                    if partial.summary == nil { stats.unreadableInputs += 1 }
                }
                try store(prepared, stats: &stats)
                progress?(stats.inputs)
            }
            start += batch
        }
        try finishRun(runID, stats: stats)
        return stats
    }

    /// Records the start of an `ingest` run; returns its row id.
    func beginRun() throws(StoreError) -> Int64 {
        do {
            return try queue.write { db in
                try db.execute(
                    sql: "INSERT INTO ingest_run (started_us) VALUES (?)", arguments: [GroupingContext.currentMicros()])
                return db.lastInsertedRowID
            }
        } catch {
            throw StoreError(path: path, message: Self.explain(error))
        }
    }

    /// Records what an `ingest` run did.
    func finishRun(_ runID: Int64, stats: IngestStatistics) throws(StoreError) {
        do {
            try queue.write { db in
                try db.execute(
                    sql: "UPDATE ingest_run SET finished_us = ?, inputs = ?, added = ?, already_known = ? WHERE id = ?",
                    arguments: [GroupingContext.currentMicros(), stats.inputs, stats.added, stats.alreadyKnown, runID])
            }
        } catch {
            throw StoreError(path: path, message: Self.explain(error))
        }
    }

    /// One input, ready to write: ids computed and records encoded (pure; run it on any thread).
    public struct PreparedInput: Sendable {
        struct Crash: Sendable {
            var id: String
            var host: String
            var record: CrashRecord
            var json: String
            /// Lines of report text: a longer report of the same crash replaces a cut one.
            var size: Int
        }
        var crashes: [Crash] = []
        var followCounts: [String: Int] = [:]
        var followUps = 0
        var facts: [String: HostFacts] = [:]
        var errors: [String] = []
    }

    /// Computes ids, follow-up counts and host facts, and encodes each record as JSON.
    public static func prepare(_ records: [CrashRecord], hostFacts: [String: HostFacts], defaultHost: String)
        -> PreparedInput
    {
        var ids: [String?] = []
        var prepared = prepare(records, json: nil, sizes: nil, defaultHost: defaultHost, ids: &ids)
        for (host, facts) in hostFacts { prepared.facts[host, default: HostFacts()].merge(facts) }
        return prepared
    }

    /// `prepare(_:hostFacts:defaultHost:)` for part of an input: `ids` holds the ids of the
    /// input's records before `records` (so a follow-up finds its primary) and gains theirs;
    /// `json` and `sizes`, when given, are each record's JSON as already written and its lines of
    /// text (for records that are grouping views, which carry no text).
    static func prepare(
        _ records: [CrashRecord], json: [String]?, sizes: [Int]?, defaultHost: String, ids: inout [String?]
    ) -> PreparedInput {
        var prepared = PreparedInput()
        for (index, record) in records.enumerated() {
            let host = record.host ?? (record.file.map(HostNaming.host(forPath:)) ?? defaultHost)
            if let link = record.linkedTo {
                ids.append(nil)
                prepared.followUps += 1
                if link >= 0, link < ids.count, let primary = ids[link] {
                    prepared.followCounts[primary, default: 0] += 1
                }
                continue
            }
            let id = RecordIdentity.id(of: record, host: host)
            ids.append(id)
            prepared.crashes.append(
                PreparedInput.Crash(
                    id: id, host: host, record: record, json: json?[index] ?? RecordJSON.encode(record),
                    size: sizes?[index] ?? record.text.count))
            FleetAggregate.collectFacts(of: record, into: &prepared.facts[host, default: HostFacts()])
        }
        return prepared
    }

    /// Stores one input's records and host facts in one transaction.
    public func store(
        _ records: [CrashRecord], hostFacts: [String: HostFacts], defaultHost: String, stats: inout IngestStatistics
    ) throws(StoreError) {
        try store(Self.prepare(records, hostFacts: hostFacts, defaultHost: defaultHost), stats: &stats)
    }

    /// Stores one prepared input in one transaction.
    public func store(_ prepared: PreparedInput, stats: inout IngestStatistics) throws(StoreError) {
        let now = GroupingContext.currentMicros()
        do {
            if !factsLoaded {
                // Host facts already stored: skip writing them again (hosts × attributes, small).
                try queue.read { db in
                    let rows = try Row.fetchCursor(db, sql: "SELECT host, fact FROM host_fact")
                    while let row = try rows.next() {
                        // NULL in a NOT NULL column (see `aggregate`): nothing to know.
                        guard let host: String = row["host"], let fact: String = row["fact"] else { continue }
                        self.knownFacts.insert(host + "\u{0}" + fact)
                    }
                }
                factsLoaded = true
            }
            var written: [String] = []
            let alreadyStored = self.knownFacts
            let (added, known) = try queue.write { db -> (Int, Int) in
                var added = 0
                var known = 0
                let insert = try db.cachedStatement(
                    sql: """
                        INSERT INTO crash (id, signature, signature_version, host, boot, wall_us, monotonic_us, kind, title,
                                           release, file, line, record, size, ingested_us)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(id) DO NOTHING
                        """)
                let improve = try db.cachedStatement(
                    sql: """
                        UPDATE crash SET signature = ?, signature_version = ?, kind = ?, title = ?, release = ?, record = ?,
                                         size = ? WHERE id = ? AND size < ?
                        """)
                let followUp = try db.cachedStatement(
                    sql: "UPDATE crash SET follow_ups = max(follow_ups, ?) WHERE id = ?")
                let fact = try db.cachedStatement(
                    sql: "INSERT INTO host_fact (host, fact) VALUES (?, ?) ON CONFLICT DO NOTHING")
                for crash in prepared.crashes {
                    let record = crash.record
                    try insert.execute(arguments: [
                        crash.id, record.signature, record.signatureVersion, crash.host, record.boot,
                        record.time.wallMicros, record.time.monotonicMicros, record.kind.rawValue, record.title,
                        record.kernel?.release, record.file, record.line, crash.json, crash.size, now,
                    ])
                    if db.changesCount > 0 {
                        added += 1
                    } else {
                        known += 1
                        try improve.execute(arguments: [
                            record.signature, record.signatureVersion, record.kind.rawValue, record.title,
                            record.kernel?.release, crash.json, crash.size, crash.id, crash.size,
                        ])
                    }
                }
                for (id, count) in prepared.followCounts { try followUp.execute(arguments: [count, id]) }
                for (host, facts) in prepared.facts {
                    for row in facts.rows where !alreadyStored.contains(host + "\u{0}" + row) {
                        try fact.execute(arguments: [host, row])
                        written.append(host + "\u{0}" + row)
                    }
                }
                return (added, known)
            }
            // Only after the commit: a rolled-back input must write its facts again.
            self.knownFacts.formUnion(written)
            stats.added += added
            stats.alreadyKnown += known
            stats.followUps += prepared.followUps
            stats.errors += prepared.errors
        } catch {
            throw StoreError(path: path, message: Self.explain(error))
        }
    }

    /// Groups the stored crashes (filtered by `context.since`/`until`).
    public func aggregate(context: GroupingContext) throws(StoreError) -> FleetAggregate {
        var fleet = FleetAggregate(idLimit: context.idLimit)
        do {
            try queue.read { db in
                let decoder = JSONDecoder()
                var files = Set<String>()
                let rows = try Row.fetchCursor(
                    db, sql: "SELECT id, host, record, follow_ups, file FROM crash ORDER BY id")
                while let row = try rows.next() {
                    // Read as optionals: a column the schema declares NOT NULL still holds NULL in
                    // a database whose schema another tool rewrote, and GRDB's non-optional
                    // subscript traps on it (`try!`). Such a row is skipped like an unreadable one.
                    let id: String? = row["id"]
                    let host: String? = row["host"]
                    let json: String? = row["record"]
                    guard let id, let host, let json else {
                        fleet.addError(
                            "\(path): crash \(id ?? "without an id") has no host or record (NULL); skipped",
                            unreadable: false)
                        continue
                    }
                    if let file: String = row["file"] { files.insert(file) }
                    let record: CrashRecord
                    do {
                        record = try decoder.decode(CrashRecord.self, from: Data(json.utf8))
                    } catch {
                        fleet.addError(
                            "\(path): crash \(id) is not a readable record (\(String(describing: error).prefix(300))); skipped",
                            unreadable: false)
                        continue
                    }
                    guard context.admits(wallMicros: record.time.wallMicros) else {
                        fleet.filteredOut += 1
                        continue
                    }
                    fleet.add(record, id: id, host: host, context: context)
                    let followUps: Int = row["follow_ups"] ?? 0
                    // An edited database can claim any count: two rows of `Int.max` overflowed the
                    // sum. Past `maxPartialTotal` in all (far above any fleet) a count is left out.
                    if followUps > FleetAggregate.maxPartialTotal - fleet.followUps {
                        fleet.addError(
                            "\(path): crash \(id) claims \(followUps) follow-up reports, more than any fleet; not counted",
                            unreadable: false)
                    } else if followUps > 0 {
                        fleet.followUps += followUps
                        fleet.groups[GroupKey(signature: record.signature, version: record.signatureVersion)]?
                            .followUps += followUps
                    }
                }
                fleet.inputs = files.count
                var facts: [String: HostFacts] = [:]
                let factRows = try Row.fetchCursor(db, sql: "SELECT host, fact FROM host_fact")
                while let row = try factRows.next() {
                    guard let host: String = row["host"], let fact: String = row["fact"] else { continue }
                    facts[host, default: HostFacts()].add(row: fact)
                }
                fleet.add(hostFacts: facts)
            }
        } catch {
            throw StoreError(path: path, message: Self.explain(error))
        }
        return fleet
    }

    /// Number of stored crashes.
    public func count() throws(StoreError) -> Int {
        do {
            return try queue.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM crash") ?? 0 }
        } catch {
            throw StoreError(path: path, message: Self.explain(error))
        }
    }

    static func explain(_ error: any Error) -> String {
        if let db = error as? DatabaseError {
            switch db.resultCode {
            case .SQLITE_NOTADB, .SQLITE_CORRUPT:
                return "not a ktriage crash database, or corrupted (\(db.message ?? "SQLite error \(db.resultCode)"))"
            case .SQLITE_CANTOPEN: return "cannot open the database file"
            case .SQLITE_READONLY: return "the database is read-only"
            default: return db.message ?? "SQLite error \(db.resultCode)"
            }
        }
        return "\(error)"
    }
}
