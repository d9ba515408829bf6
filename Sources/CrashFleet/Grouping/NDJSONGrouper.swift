import Foundation
import KernelLog
import KtriageBytes
import KtriageNative

/// Groups records from `scan --format ndjson` output (shards from many machines), and merges
/// per-shard partial aggregates (`group --format partial`).
///
/// Consecutive records of the same `file` are one input, so `linked_to` indexes (which count
/// within an input) still find their primary report. A line that is not a record is counted and
/// reported, never fatal.
public struct NDJSONGrouper {
    public var context: GroupingContext
    /// Until `finish()`, group representatives may be grouping views.
    public private(set) var fleet: FleetAggregate
    /// The ids added so far, as their values (ids of another form, which only a record written
    /// by hand could give, as strings): the same crash in two inputs counts once.
    private var seenNumbers = Set<UInt64>()
    private var seenOthers = Set<String>()
    /// The input (`file`) being added, its default host and its records so far.
    private var currentFile: String?
    private var currentHost = HostNaming.host(forPath: "-")
    private var links = InputLinks()
    /// The line of each group's representative while it is only a grouping view: decoded in
    /// full once, by `finish()`, instead of at every better record along the way.
    private var representativeLines: [GroupKey: [UInt8]] = [:]
    public private(set) var badLines = 0
    /// Threads decoding a large mapped input (`NDJSONPipeline`); the grouping is the same.
    public var jobs = 1
    /// Bytes of a mapped input handed to the framer at a time.
    static let mappedWindow = 4 << 20
    /// How far behind a window its pages are dropped again: more than the largest page-cache
    /// folio a fault maps at once.
    static let folioMargin = 4 << 20
    /// Bytes of a mapped input a worker decodes at a time (the grouping views of about `jobs + 1`
    /// such windows are held). A million records with two workers (docs/performance.md): 4 MiB
    /// windows peaked at 117 MB, 512 KiB at 99 MB, as fast; tests take small ones.
    var decodedWindow = 512 << 10

    public init(context: GroupingContext = GroupingContext()) {
        self.context = context
        fleet = FleetAggregate(idLimit: context.idLimit)
    }

    /// Reads one NDJSON file (`-` for stdin, gzip accepted).
    ///
    /// Each line is read as its grouping view (`RecordLineReader`); lines that reader declines
    /// are decoded in full, and the lines neither accepts are counted as bad.
    public mutating func read(path: String) {
        fleet.inputs += 1
        let decoder = JSONDecoder()
        var framer = LineFramer()
        var memo = RecordLineReader.Memo()
        var badInThisFile = 0
        var firstBad: Int?
        func handle(_ line: FramedLine) {
            guard line.bytes.count > 1 else { return }
            if let view = RecordLineReader.read(line.bytes, memo: &memo) {
                take(view, line: line.bytes)
            } else if let record = try? decoder.decode(CrashRecord.self, from: Data(line.bytes)) {
                take(record)
            } else {
                badInThisFile += 1
                if firstBad == nil { firstBad = line.number }
            }
        }
        do {
            let input = try ByteInput(path: path)
            if jobs > 1, !input.isGzip, let mapped = input.mappedFile, mapped.bytes.count >= 2 * decodedWindow {
                readInParallel(mapped, badInThisFile: &badInThisFile, firstBad: &firstBad)
            } else if !input.isGzip, let mapped = input.mappedFile {
                // Smaller windows than ByteInput's: the pages read stay resident until dropped,
                // and read-back promises memory bounded by the groups, not by the input.
                var start = 0
                while start < mapped.bytes.count {
                    let end = min(mapped.bytes.count, start + Self.mappedWindow)
                    framer.feed(UnsafeRawBufferPointer(rebasing: mapped.bytes[start..<end]), handle)
                    mapped.dropPages(start..<end)
                    start = end
                }
            } else {
                try input.forEachChunk { chunk in framer.feed(chunk, handle) }
            }
            framer.finish(handle)
        } catch let error as InputError {
            fleet.addError(error.description, unreadable: true)
        } catch {
            fleet.addError("\(path): \(error)", unreadable: true)
        }
        endInput()
        if badInThisFile > 0 {
            badLines += badInThisFile
            fleet.addError(
                "\(path): \(badInThisFile) lines are not crash records (first: line \(firstBad ?? 0))",
                unreadable: false)
        }
    }

    /// A mapped input decoded by `jobs` workers and grouped here in input order.
    private mutating func readInParallel(_ mapped: MappedFile, badInThisFile: inout Int, firstBad: inout Int?) {
        let pipeline = NDJSONPipeline(mapped.bytes, window: decodedWindow, jobs: jobs)
        var lineBase = 0
        for index in 0..<pipeline.windowCount {
            guard let window = pipeline.take(index) else { break }
            for line in window.lines {
                switch line {
                case .view(let view, .inInput(let range)):
                    take(view, line: UnsafeRawBufferPointer(rebasing: mapped.bytes[range]))
                case .view(let view, .copied(let bytes)):
                    bytes.withUnsafeBytes { take(view, line: $0) }
                case .record(let record):
                    take(record)
                case .bad(let number):
                    badInThisFile += 1
                    if firstBad == nil { firstBad = lineBase + number }
                }
            }
            lineBase += window.lineCount
            pipeline.grouped(index)
            // Again from a little before the window: a worker faulting in a later window maps
            // the whole page-cache folio around the fault (up to 2 MiB on Linux 6.18), pages of
            // windows already dropped included, and those would stay resident to the end.
            mapped.dropPages(max(0, window.range.lowerBound - Self.folioMargin)..<window.range.upperBound)
        }
    }

    /// Adds one decoded record.
    public mutating func take(_ record: CrashRecord) {
        take(record, line: nil)
    }

    /// Adds one record, whole or (with its `line`) as its grouping view; consecutive records of
    /// the same `file` are one input.
    private mutating func take(_ record: CrashRecord, line: UnsafeRawBufferPointer?) {
        if record.file != currentFile {
            endInput()
            currentFile = record.file
            currentHost = HostNaming.host(forPath: record.file ?? "-")
        }
        let added = fleet.add(
            record, defaultHost: currentHost, context: context,
            firstSighting: { id in
                if let number = RecordIdentity.number(id) { return seenNumbers.insert(number).inserted }
                return seenOthers.insert(id).inserted
            }, links: &links)
        guard added else { return }
        let key = GroupKey(signature: record.signature, version: record.signatureVersion)
        representativeLines[key] = line.map { Array($0) }
    }

    private mutating func endInput() {
        currentFile = nil
        currentHost = HostNaming.host(forPath: "-")
        links = InputLinks()
    }

    /// The grouping so far, every representative whole.
    public mutating func finish() -> FleetAggregate {
        endInput()
        let decoder = JSONDecoder()
        for (key, line) in representativeLines {
            guard let full = try? decoder.decode(CrashRecord.self, from: Data(line)) else { continue }
            fleet.groups[key]?.completeRepresentative(with: full)
        }
        representativeLines = [:]
        return fleet
    }
}
