import Foundation
import KernelLog
import KtriageBytes
import KtriageReader

/// Scans many inputs on several threads into one `FleetAggregate`.
///
/// A fixed number of workers take the next input from a shared counter; each input becomes its
/// own partial (records grouped, host facts collected from every line in the same pass), and the
/// partials are folded in input order, so the result does not depend on which thread read what.
public struct FleetScanner: Sendable {
    public var reader: CrashReader
    public var context: GroupingContext
    /// Worker threads; 1 reads inputs one after the other on the calling thread.
    public var workers: Int

    public init(
        reader: CrashReader = CrashReader(), context: GroupingContext = GroupingContext(), workers: Int? = nil
    ) {
        self.reader = reader
        self.context = context
        self.workers = max(1, workers ?? ProcessInfo.processInfo.activeProcessorCount)
    }

    /// One input's contribution, before merging.
    public struct InputPartial: Sendable {
        public var path: String
        public var records: [CrashRecord]
        public var hostFacts: [String: HostFacts]
        public var summary: LogReadSummary?
        public var error: String?
    }

    /// Reads one input: its records and the host facts of all its lines.
    public func read(_ item: InputWalker.Item) -> InputPartial {
        let naming = context.hostNaming
        var collector = HostFactCollector(defaultHost: naming.host(forPath: item.path))
        var result = reader.read(item, alsoWants: HostFactCollector.mayObserve) { line in collector.observe(line) }
        // Records whose input names no host are named after their path here, once, so that
        // `--host-from` reaches every later step.
        for index in result.records.indices where result.records[index].host == nil {
            result.records[index].host = naming.host(forPath: result.records[index].file ?? item.path)
        }
        return InputPartial(
            path: item.path, records: result.records, hostFacts: collector.hosts, summary: result.summary,
            error: result.error)
    }

    /// Every record of the inputs, in input order (for tests and tools; grouping does not keep them).
    public func readAllRecords(_ items: [InputWalker.Item]) -> [CrashRecord] {
        items.flatMap { read($0).records }
    }

    /// Reads every input (in parallel) and groups the records. `progress` may be called from
    /// any worker thread, with the number of inputs done so far.
    ///
    /// Partials are folded in input order as soon as their predecessors are done, so memory
    /// holds only the inputs read ahead of a slow one, not every record of the run.
    /// `onWarning` hears, in input order, each input's `LogReadSummary.warnings` (no kernel lines,
    /// mostly other programs' lines).
    public func group(
        _ items: [InputWalker.Item], progress: (@Sendable (Int) -> Void)? = nil,
        onWarning: (@Sendable (String) -> Void)? = nil
    ) -> FleetAggregate {
        let context = self.context
        let box = ResultBox(count: items.count, initial: FleetAggregate(idLimit: context.idLimit)) {
            fleet, seen, partial in
            for warning in partial.summary?.warnings ?? [] { onWarning?(warning.description) }
            fleet.inputs += 1
            if let error = partial.error { fleet.addError(error, unreadable: partial.summary == nil) }
            fleet.add(hostFacts: partial.hostFacts)
            fleet.add(
                records: partial.records, defaultHost: HostNaming.host(forPath: partial.path), context: context,
                seen: &seen)
        }
        let threads = min(workers, max(1, items.count))
        // Cores left over when there are fewer inputs than workers read each input in chunks.
        let scanner = {
            var scanner = self
            scanner.reader.jobs = max(1, workers / threads)
            return scanner
        }()
        let body: @Sendable (Int) -> Void = { _ in
            while let index = box.next() {
                let done = box.store(scanner.read(items[index]), at: index)
                progress?(done)
            }
        }
        if threads == 1 {
            body(0)
        } else {
            DispatchQueue.concurrentPerform(iterations: threads, execute: body)
        }
        return box.result()
    }
}

/// The shared work counter of `FleetScanner.group` and the in-order fold of finished inputs.
private final class ResultBox: @unchecked Sendable {
    typealias Fold = @Sendable (inout FleetAggregate, inout Set<String>, FleetScanner.InputPartial) -> Void
    private let lock = NSLock()
    private var nextIndex = 0
    private var nextFold = 0
    private var done = 0
    private var pending: [Int: FleetScanner.InputPartial] = [:]
    private let count: Int
    private var fleet: FleetAggregate
    private var seen = Set<String>()
    private let fold: Fold

    init(count: Int, initial: FleetAggregate, fold: @escaping Fold) {
        self.count = count
        self.fleet = initial
        self.fold = fold
    }

    func next() -> Int? {
        lock.lock()
        defer { lock.unlock() }
        guard nextIndex < count else { return nil }
        nextIndex += 1
        return nextIndex - 1
    }

    /// Keeps a finished input and folds every input that is now next in order.
    func store(_ partial: FleetScanner.InputPartial, at index: Int) -> Int {
        lock.lock()
        defer { lock.unlock() }
        pending[index] = partial
        while let ready = pending.removeValue(forKey: nextFold) {
            fold(&fleet, &seen, ready)
            nextFold += 1
        }
        done += 1
        return done
    }

    func result() -> FleetAggregate {
        lock.lock()
        defer { lock.unlock() }
        return fleet
    }
}
