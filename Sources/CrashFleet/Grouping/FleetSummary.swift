import Foundation
import KernelLog

/// The finished grouping, ready for every output format: groups sorted by hosts affected, each
/// with its statistics, over-represented attributes and the reason its records were grouped.
///
/// This is the `--format json` document (`schema` 2); README documents the fields.
public struct FleetSummary: Codable, Sendable {
    /// 2: groups carry `class`, only the classes asked for are listed, totals count `events`.
    public static let schemaVersion = 2

    public var schema = FleetSummary.schemaVersion
    public var totals: Totals
    public var groups: [GroupSummary]
    public var errors: [String]

    /// What was read, and what was wrong with it.
    public struct Totals: Codable, Sendable {
        public var inputs: Int
        public var unreadableInputs: Int
        /// Primary records of the groups listed (crashes and events).
        public var records: Int
        /// Of `records`, node-health events.
        public var events: Int
        public var followUps: Int
        public var duplicates: Int
        public var filteredOut: Int
        public var futureClock: Int
        public var futureClockHosts: [String]
        public var withoutRelease: Int
        public var groups: Int
        /// Hosts seen in the input, with or without a crash.
        public var hosts: Int
        public var hostsWithCrashes: Int
        /// Signature rule versions present (more than one: history from older rules).
        public var signatureVersions: [Int]

        enum CodingKeys: String, CodingKey {
            case inputs
            case unreadableInputs = "unreadable_inputs"
            case records, events
            case followUps = "follow_ups"
            case duplicates
            case filteredOut = "filtered_out"
            case futureClock = "future_clock"
            case futureClockHosts = "future_clock_hosts"
            case withoutRelease = "without_release"
            case groups, hosts
            case hostsWithCrashes = "hosts_with_crashes"
            case signatureVersions = "signature_versions"
        }
    }

    public struct Count: Codable, Sendable, Equatable {
        public var name: String
        public var crashes: Int
    }

    /// Why the records are in one group: the same normalised title (the signature hashes it),
    /// and the frames every report's trace shares.
    public struct Reason: Codable, Sendable {
        public var normalisedTitle: String
        public var rule: String
        public var sharedFrames: [String]

        enum CodingKeys: String, CodingKey {
            case normalisedTitle = "normalised_title"
            case rule
            case sharedFrames = "shared_frames"
        }
    }

    public struct GroupSummary: Codable, Sendable {
        public var signature: String
        public var signatureVersion: Int
        public var title: String
        public var kind: String
        public var recordClass: RecordClass
        public var crashes: Int
        public var followUps: Int
        public var corrupted: Int
        public var panicked: Int
        public var hostsAffected: Int
        /// Hosts with their crash counts, most crashes first.
        public var hosts: [Count]
        public var kernelReleases: [Count]
        public var hardware: [Count]
        public var bios: [Count]
        public var taint: String
        public var taintFlags: [String]
        public var modulesInEveryReport: [String]
        public var firstSeen: String?
        public var lastSeen: String?
        public var futureClock: Int
        public var withoutRelease: Int
        public var timeline: [Count]
        public var overRepresented: [OverRepresented]
        public var why: Reason
        public var recordIDs: RecordIDList
        public var recordIDsComplete: Bool
        public var representativeID: String?
        public var representative: CrashRecord?

        enum CodingKeys: String, CodingKey {
            case signature
            case signatureVersion = "signature_version"
            case title, kind
            case recordClass = "class"
            case crashes
            case followUps = "follow_ups"
            case corrupted, panicked
            case hostsAffected = "hosts_affected"
            case hosts
            case kernelReleases = "kernel_releases"
            case hardware, bios, taint
            case taintFlags = "taint_flags"
            case modulesInEveryReport = "modules_in_every_report"
            case firstSeen = "first_seen"
            case lastSeen = "last_seen"
            case futureClock = "future_clock"
            case withoutRelease = "without_release"
            case timeline
            case overRepresented = "over_represented"
            case why
            case recordIDs = "record_ids"
            case recordIDsComplete = "record_ids_complete"
            case representativeID = "representative_id"
            case representative
        }
    }

    /// Finishes a grouping: statistics per group and the fleet-wide comparison. Only groups of
    /// `classes` are listed and counted; hosts count as crashed only through crash groups.
    ///
    /// Each group's tables are let go once it is summarised: a caller that hands the fleet over
    /// (`FleetSummary(consume fleet)`) never holds both the tables and the summaries of all groups.
    /// With `jobs` above 1, groups are summarised that many at a time on as many threads (a
    /// batch of `4 × jobs` groups in flight); the summary is the same.
    public init(
        _ fleet: consuming FleetAggregate, classes: Set<RecordClass> = Set(RecordClass.allCases), jobs: Int = 1
    ) {
        let comparison = OverRepresentation(table: fleet.hostTable)
        var groups: [GroupSummary] = []
        var crashHosts = Set<UInt32>()
        var versions = Set<Int>()
        var records = 0
        var events = 0
        var allHosts = Set(fleet.hostTable.allHosts)
        for group in fleet.groups.values { allHosts.formUnion(group.hostTable.countedHosts) }
        var pending = fleet.groups
        fleet.groups = [:]
        let workers = min(max(1, jobs), ChunkedLogReader.maximumJobs)
        while !pending.isEmpty {
            var batch: [GroupAggregate] = []
            while batch.count < 4 * workers, let (_, group) = pending.popFirst() {
                guard classes.contains(group.recordClass) else { continue }
                records += group.crashes
                events += group.events
                if group.recordClass == .crash { crashHosts.formUnion(group.hostTable.countedHosts) }
                versions.insert(group.signatureVersion)
                batch.append(group)
            }
            if workers == 1 || batch.count < 2 {
                groups += batch.map { Self.summarise($0, comparison: comparison) }
                continue
            }
            let summaries = ParallelSlots<GroupSummary>(count: batch.count)
            let shared = batch
            DispatchQueue.concurrentPerform(iterations: min(workers, shared.count)) { worker in
                for index in stride(from: worker, to: shared.count, by: workers) {
                    summaries.set(index, Self.summarise(shared[index], comparison: comparison))
                }
            }
            groups += summaries.all()
        }
        groups.sort { a, b in
            if a.hostsAffected != b.hostsAffected { return a.hostsAffected > b.hostsAffected }
            if a.crashes != b.crashes { return a.crashes > b.crashes }
            return (a.signature, a.signatureVersion) < (b.signature, b.signatureVersion)
        }
        self.groups = groups
        errors = fleet.errors
        totals = Totals(
            inputs: fleet.inputs, unreadableInputs: fleet.unreadableInputs, records: records, events: events,
            followUps: fleet.followUps, duplicates: fleet.duplicates, filteredOut: fleet.filteredOut,
            futureClock: fleet.futureClock, futureClockHosts: fleet.futureClockHosts.sorted(),
            withoutRelease: fleet.withoutRelease, groups: groups.count,
            hosts: allHosts.count,
            hostsWithCrashes: crashHosts.count,
            signatureVersions: versions.sorted())
    }

    /// Names with their crash counts, most crashes first, then by name.
    public static func counts(_ table: [String: Int]) -> [Count] {
        table.map { Count(name: $0.key, crashes: $0.value) }.sorted {
            $0.crashes != $1.crashes ? $0.crashes > $1.crashes : $0.name < $1.name
        }
    }

    /// Taint letters in the kernel's order (`print_tainted`).
    private static let taintOrder = Taint.table.map { String($0.letter) }

    static func summarise(_ group: GroupAggregate, comparison: OverRepresentation) -> GroupSummary {
        let record = group.representative
        let order = Self.taintOrder
        let letters = group.taintLetters.sorted { a, b in
            (order.firstIndex(of: a) ?? 99, a) < (order.firstIndex(of: b) ?? 99, b)
        }
        let flags = letters.map { letter in
            Taint.table.first { String($0.letter) == letter }?.name ?? "unknown_\(letter)"
        }
        // Shared frames in the representative's order.
        var shared: [String] = []
        if let set = group.sharedFrames, let record {
            for frame in record.frames
            where frame.reliable && set.contains(frame.function) && !shared.contains(frame.function) {
                shared.append(frame.function)
            }
        }
        let timeline = group.days.sorted { $0.key < $1.key }.map {
            Count(name: FleetTime.day(number: $0.key), crashes: $0.value)
        }
        return GroupSummary(
            signature: group.signature, signatureVersion: group.signatureVersion, title: group.title,
            kind: record?.kind.rawValue ?? "", recordClass: group.recordClass, crashes: group.crashes,
            followUps: group.followUps,
            corrupted: group.corrupted, panicked: group.panicked, hostsAffected: group.hostTable.hostCount,
            hosts: counts(group.hosts), kernelReleases: counts(group.releases), hardware: counts(group.hardware),
            bios: counts(group.bios), taint: letters.joined(), taintFlags: flags,
            modulesInEveryReport: (group.modulesInEvery ?? []).sorted(),
            firstSeen: group.firstSeen.map(FleetTime.iso(micros:)),
            lastSeen: group.lastSeen.map(FleetTime.iso(micros:)),
            futureClock: group.futureClock, withoutRelease: group.withoutRelease, timeline: timeline,
            overRepresented: comparison.findings(for: group),
            why: Reason(
                normalisedTitle: group.title,
                rule:
                    "signature v\(group.signatureVersion) = FNV-1a-64 of the normalised title (addresses, offsets and numbers removed)",
                sharedFrames: shared),
            recordIDs: group.recordIDs, recordIDsComplete: group.recordIDsComplete,
            representativeID: group.representativeID, representative: record)
    }

    /// The crash groups, then the node-event groups: outputs show them in sections of their own.
    public var crashGroups: [GroupSummary] { groups.filter { $0.recordClass == .crash } }
    public var eventGroups: [GroupSummary] { groups.filter { $0.recordClass == .event } }

    /// Crashes per signature and kernel release (`--by kernel`).
    public struct ReleasePivot {
        /// The columns: releases ordered by crashes (then name), at most the limit asked for.
        public var releases: [String]
        /// Releases past the limit, whose crashes each row sums in `other`.
        public var otherReleases: Int
        /// One row per group, in the groups' order: crashes per column, and in the other releases.
        public var rows: [(group: GroupSummary, counts: [Int], other: Int)]
    }

    /// Every kernel release of the groups, by crashes (then name).
    public var releasesByCrashes: [String] {
        var totals: [String: Int] = [:]
        for group in groups {
            for release in group.kernelReleases { totals[release.name, default: 0] += release.crashes }
        }
        return Self.counts(totals).map(\.name)
    }

    /// The pivot with the `limit` releases of most crashes as columns and the rest summed: a
    /// fleet of 3,000 releases made a table of 3,000 columns (155 MB for 3,000 groups).
    public func releasePivot(limit: Int) -> ReleasePivot {
        let ordered = releasesByCrashes
        let releases = Array(ordered.prefix(max(0, limit)))
        let column = Dictionary(uniqueKeysWithValues: releases.enumerated().map { ($1, $0) })
        let rows = groups.map { group in
            var counts = [Int](repeating: 0, count: releases.count)
            var other = 0
            for release in group.kernelReleases {
                if let index = column[release.name] {
                    counts[index] += release.crashes
                } else {
                    other += release.crashes
                }
            }
            return (group: group, counts: counts, other: other)
        }
        return ReleasePivot(releases: releases, otherReleases: ordered.count - releases.count, rows: rows)
    }
}
