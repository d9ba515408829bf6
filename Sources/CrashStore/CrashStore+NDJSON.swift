import CrashFleet
import Foundation
import KernelLog
import KtriageBytes
import KtriageNative

extension CrashStore {
    /// Records written to the database in one transaction when one input of an NDJSON stream
    /// has more: a memory bound (the records of one batch are held), not a unit of consistency.
    public static let ndjsonBatch = 2_000

    /// Stores the records of `scan --format ndjson` output (`-` for stdin, gzip accepted).
    ///
    /// Consecutive records of the same `file` are one input, as `group --from-ndjson` reads
    /// them, so a follow-up (`linked_to`) counts for the report it followed. Each line is stored
    /// as written (it reads as a record, so `group --db` reads it back the same); a line that
    /// is not a record is counted and named in `stats.errors`, never fatal. An input's records
    /// are written `ndjsonBatch` at a time, each batch in one transaction: a run killed mid-way
    /// leaves whole batches, and the re-run adds the rest (ids make it idempotent).
    public func ingest(ndjsonPath path: String, batchSize: Int = CrashStore.ndjsonBatch) throws(StoreError)
        -> IngestStatistics
    {
        var stats = IngestStatistics()
        let runID = try beginRun()
        var reader = NDJSONBatcher(path: path, batchSize: max(1, batchSize))
        var storeFailure: StoreError?
        do {
            let input = try ByteInput(path: path)
            var framer = LineFramer()
            let handle: (FramedLine) -> Void = { line in
                guard storeFailure == nil else { return }
                reader.take(line) { batch in
                    do throws(StoreError) {
                        try self.store(batch, stats: &stats)
                    } catch {
                        storeFailure = error
                    }
                }
            }
            try input.forEachChunk { chunk in framer.feed(chunk, handle) }
            framer.finish(handle)
        } catch let error as InputError {
            stats.errors.append(error.description)
            stats.unreadableInputs += 1
        } catch {
            stats.errors.append("\(path): \(error)")
            stats.unreadableInputs += 1
        }
        if let storeFailure { throw storeFailure }
        if let batch = reader.finish() { try store(batch, stats: &stats) }
        stats.inputs += reader.inputs
        if reader.badLines > 0 {
            stats.errors.append(
                "\(path): \(reader.badLines) lines are not crash records (first: line \(reader.firstBadLine ?? 0))")
        }
        try finishRun(runID, stats: stats)
        return stats
    }
}

/// Cuts an NDJSON stream of records into prepared batches: one input (a run of records of the
/// same `file`) at a time, at most `batchSize` records per batch.
struct NDJSONBatcher {
    let path: String
    let batchSize: Int
    private let decoder = JSONDecoder()
    /// The `file` of the input being read: `nil` before the first record, `.some(nil)` for
    /// records that name no file.
    private var currentFile: String??
    private var records: [CrashRecord] = []
    private var lines: [String] = []
    /// Each record's lines of report text (a grouping view has none of its own).
    private var sizes: [Int] = []
    private var memo = RecordLineReader.Memo()
    /// The ids of the current input's records so far (`nil` for follow-ups), across batches.
    private var inputIDs: [String?] = []
    /// Follow-ups per primary id in the current input so far: a batch writes these totals (the
    /// store keeps the largest count seen, so re-ingesting stays idempotent).
    private var inputFollowCounts: [String: Int] = [:]
    private(set) var inputs = 0
    private(set) var badLines = 0
    private(set) var firstBadLine: Int?

    init(path: String, batchSize: Int) {
        self.path = path
        self.batchSize = batchSize
    }

    mutating func take(_ line: FramedLine, _ flush: (CrashStore.PreparedInput) -> Void) {
        guard line.bytes.count > 1 else { return }
        // The grouping view has every field the store's columns and ids read, at a fraction of a
        // full decode; the line itself is what is stored. Lines it declines are decoded in full.
        let record: CrashRecord
        let size: Int
        if !line.truncated, let view = RecordLineReader.read(line.bytes, memo: &memo),
            let textLines = RecordLineReader.textLineCount(line.bytes)
        {
            record = view
            size = textLines
        } else if !line.truncated, let full = try? decoder.decode(CrashRecord.self, from: Data(line.bytes)) {
            record = full
            size = full.text.count
        } else {
            badLines += 1
            if firstBadLine == nil { firstBadLine = line.number }
            return
        }
        if currentFile != .some(record.file) || records.count >= batchSize {
            let sameInput = currentFile == .some(record.file)
            if let batch = takeBatch() { flush(batch) }
            if !sameInput {
                inputIDs = []
                inputFollowCounts = [:]
                inputs += 1
                currentFile = .some(record.file)
            }
        }
        records.append(record)
        sizes.append(size)
        lines.append(String(decoding: line.bytes, as: UTF8.self))
    }

    /// The last batch.
    mutating func finish() -> CrashStore.PreparedInput? { takeBatch() }

    private mutating func takeBatch() -> CrashStore.PreparedInput? {
        guard !records.isEmpty else { return nil }
        let defaultHost = HostNaming.host(forPath: (currentFile ?? nil) ?? "-")
        var batch = CrashStore.prepare(records, json: lines, sizes: sizes, defaultHost: defaultHost, ids: &inputIDs)
        for (id, count) in batch.followCounts {
            inputFollowCounts[id, default: 0] += count
            batch.followCounts[id] = inputFollowCounts[id]
        }
        records = []
        lines = []
        sizes = []
        return batch
    }
}
