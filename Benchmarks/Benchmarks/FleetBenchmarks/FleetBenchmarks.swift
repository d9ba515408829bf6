import Benchmark
import CrashFleet
import CrashStore
import Foundation
import KernelLog

/// Fleet targets (issue 7): grouping 1,000,000 records on one core in ≤ 10 s with memory
/// proportional to the number of groups, and ingesting 100,000 records into SQLite in ≤ 10 s.
/// Records are synthesised from a few hundred templates (signatures × releases), with host and
/// timestamps varied per record, so no input parsing is measured here.

/// 400 signatures on 4 releases; each signature hits a window of 60 of the 10,000 hosts, as bugs do.
struct SyntheticFleet {
    static let signatures = 400
    static let hostCount = 10_000
    let templates: [CrashRecord]
    let hosts: [String]

    init() {
        hosts = (0..<Self.hostCount).map { "host\($0)" }
        let releases = ["6.1.0-17-amd64", "6.1.0-18-amd64", "5.15.0-91-generic", "6.5.0-0.deb12.4-amd64"]
        let modules = "nf_tables nfnetlink ixgbe mdio dca xfs libcrc32c ext4 mbcache jbd2 sd_mod ahci".split(
            separator: " ")
        var templates: [CrashRecord] = []
        for index in 0..<Self.signatures {
            let title = "BUG: unable to handle kernel NULL pointer dereference in function_\(index)"
            let json: [String: Any] = [
                "schema": 1, "line": 1, "end_line": 1, "source": "syslog", "time": [:] as [String: Any], "kind": "oops",
                "title": title,
                "alt_titles": [String](), "signature": CrashSignature.of(title: title), "signature_version": 1,
                "corrupted": false, "panicked": false,
                "frames": (0..<12).map { ["function": "caller_\(index)_\($0)", "reliable": true, "context": "task"] },
                "modules": modules.map { ["name": String($0)] }, "registers": [String: String](),
                "kernel": ["release": releases[index % releases.count]],
                "hardware": "Dell Inc. PowerEdge R640/0W23H8, BIOS 2.19.1 06/05/2023",
                "taint": ["letters": "GW", "flags": ["gpl_modules_only", "warn"]],
                "message": title, "text": [title],
            ]
            let data = try! JSONSerialization.data(withJSONObject: json)
            templates.append(try! JSONDecoder().decode(CrashRecord.self, from: data))
        }
        self.templates = templates
    }

    /// The `index`-th record: a template with its host, boot and timestamps set.
    func record(_ index: Int) -> (CrashRecord, String) {
        // Zipf-like: low signatures are far more frequent.
        let signature = index % 3 == 0 ? (index / 3) % Self.signatures : index % 10
        var record = templates[signature]
        let host = hosts[(signature * 97 + index % 60) % Self.hostCount]
        record.host = host
        record.time = CrashTime(
            wallMicros: 1_790_000_000_000_000 + Int64(index) * 1_000_000, monotonicMicros: Int64(index))
        return (record, host)
    }
}

let fleet = SyntheticFleet()

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .peakMemoryResident, .mallocCountTotal],
        maxDuration: .seconds(60), maxIterations: 3)

    Benchmark("group 1,000,000 records (one core)") { benchmark in
        for _ in benchmark.scaledIterations {
            let context = GroupingContext(nowMicros: Int64.max, idLimit: 100)
            var aggregate = FleetAggregate(idLimit: 100)
            for index in 0..<1_000_000 {
                let (record, host) = fleet.record(index)
                aggregate.add(record, id: RecordIdentity.id(of: record, host: host), host: host, context: context)
            }
            let summary = FleetSummary(aggregate)
            blackHole(summary.groups.count)
        }
    }

    Benchmark("merge 8 shard aggregates of 125,000 records") { benchmark in
        let context = GroupingContext(nowMicros: Int64.max, idLimit: 100)
        var shards: [FleetAggregate] = []
        for shard in 0..<8 {
            var aggregate = FleetAggregate(idLimit: 100)
            for index in stride(from: shard, to: 1_000_000, by: 8) {
                let (record, host) = fleet.record(index)
                aggregate.add(record, id: RecordIdentity.id(of: record, host: host), host: host, context: context)
            }
            shards.append(aggregate)
        }
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            var merged = FleetAggregate(idLimit: 100)
            for shard in shards { merged.merge(shard) }
            blackHole(merged.records)
        }
    }

    Benchmark("ingest 100,000 records into SQLite (100 inputs, encoding on all cores)") { benchmark in
        for _ in benchmark.scaledIterations {
            let folder = NSTemporaryDirectory() + "ktriage-bench-\(UUID().uuidString)"
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(atPath: folder) }
            let store = try CrashStore(path: folder + "/crashes.sqlite")
            var stats = IngestStatistics()
            // As `ingest` does: prepare (ids, JSON) in parallel, write serially, 1000 records per input.
            for batch in stride(from: 0, to: 100, by: 10) {
                let slots = Slots(count: 10)
                DispatchQueue.concurrentPerform(iterations: 10) { offset in
                    let input = batch + offset
                    let records = (0..<1000).map { fleet.record(input * 1000 + $0).0 }
                    slots.set(offset, CrashStore.prepare(records, hostFacts: [:], defaultHost: "x"))
                }
                for prepared in slots.all() { try store.store(prepared, stats: &stats) }
            }
            blackHole(stats.added)
        }
    }
}

final class Slots: @unchecked Sendable {
    private let lock = NSLock()
    private var items: [CrashStore.PreparedInput?]
    init(count: Int) { items = Array(repeating: nil, count: count) }
    func set(_ index: Int, _ item: CrashStore.PreparedInput) {
        lock.lock()
        items[index] = item
        lock.unlock()
    }
    func all() -> [CrashStore.PreparedInput] {
        lock.lock()
        defer { lock.unlock() }
        return items.compactMap { $0 }
    }
}
