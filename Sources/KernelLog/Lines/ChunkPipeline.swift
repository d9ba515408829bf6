import Dispatch
import Foundation
import KernelFacts
import Synchronization

/// Step 2 of a chunked reading (see ``ChunkedLogReader``): `jobs` workers read the chunks in
/// the background, worker `w` chunks `w`, `w + jobs`, …, each at most `ahead` chunks ahead of
/// the walk, so the notes held stay bounded whatever the input's size; ``take(_:)`` hands them
/// out in input order as each is done.
///
/// A worker waits only for its own earlier chunks to be walked, and those come before the one
/// the walk waits for: the walk never waits on a worker that waits on the walk.
///
/// A chunk's pages stay mapped until the walk has read its lines that matter again; then the
/// worker that read the chunk releases them, before its next chunk. Released by the worker right
/// after reading, they were faulted back in by the walk for the report lines (the console fleet
/// took 300 ms with `--jobs 2`, 270 ms without); released by the walk, they cost the one thread
/// every other waits for.
final class ChunkPipeline: @unchecked Sendable {
    /// One slot per chunk, written by its worker before `done[index]` is signalled.
    private let slots: UnsafeMutableBufferPointer<ChunkReading?>
    private let done: [DispatchSemaphore]
    /// Per worker: chunks it may still read before the walk catches up.
    private let room: [DispatchSemaphore]
    private let workers = DispatchGroup()
    private let stopped = Atomic<Bool>(false)
    private let jobs: Int
    /// Note arrays of walked chunks, emptied, for the next chunks to fill.
    private let spare = Mutex<[[LineNote]]>([])
    /// Per worker: byte ranges of its walked chunks, not released yet.
    private let walkedRanges: Mutex<[[Range<Int>]]>
    private let cuts: [Int]
    private let release: @Sendable (Range<Int>) -> Void

    init(
        _ bytes: UnsafeRawBufferPointer, cuts: [Int], path: String, options: LogReaderOptions, jobs: Int,
        ahead: Int, peerOutput: PeerToolOutput?, hit: @escaping @Sendable (LineSketch) -> Bool,
        release: @escaping @Sendable (Range<Int>) -> Void
    ) {
        let count = cuts.count - 1
        self.jobs = jobs
        self.cuts = cuts
        self.release = release
        walkedRanges = Mutex(Array(repeating: [], count: jobs))
        slots = .allocate(capacity: count)
        slots.initialize(repeating: nil)
        done = (0..<count).map { _ in DispatchSemaphore(value: 0) }
        room = (0..<jobs).map { _ in DispatchSemaphore(value: max(1, ahead)) }
        let input = SendableBytes(bytes: bytes)
        // Threads of their own, not dispatch's: a worker blocks while it waits for the walk, and
        // several readings at once (a test run, a library user) had every dispatch thread blocked
        // so that other workers waited for dispatch to add threads, slowly.
        for worker in 0..<min(jobs, count) {
            workers.enter()
            let thread = Thread { [self] in
                defer { workers.leave() }
                for index in stride(from: worker, to: count, by: jobs) {
                    room[worker].wait()
                    for range in walkedRanges.withLock({ ranges in
                        defer { ranges[worker] = [] }
                        return ranges[worker]
                    }) {
                        release(range)
                    }
                    if !stopped.load(ordering: .relaxed) {
                        let notes = spare.withLock { $0.popLast() } ?? []
                        slots[index] = ChunkReading.read(
                            UnsafeRawBufferPointer(rebasing: input.bytes[cuts[index]..<cuts[index + 1]]),
                            index: index, start: cuts[index], path: path, options: options, peerOutput: peerOutput,
                            hit: hit, reusing: notes)
                    }
                    done[index].signal()
                }
            }
            thread.name = "ktriage chunk reader \(worker)"
            thread.start()
        }
    }

    /// Chunk `index`, once read (`nil` after ``stop()``).
    func take(_ index: Int) -> ChunkReading? {
        done[index].wait()
        return slots[index].take()
    }

    /// Chunk `index` was walked: its notes are kept for reuse, its pages released by its worker
    /// (here, when that worker has no chunk left), and its worker may read one more.
    func walked(_ index: Int, notes: consuming [LineNote]) {
        var emptied = consume notes
        emptied.removeAll(keepingCapacity: true)
        let kept = emptied
        spare.withLock { $0.append(kept) }
        let range = cuts[index]..<cuts[index + 1]
        if index + jobs < done.count {
            walkedRanges.withLock { $0[index % jobs].append(range) }
        } else {
            release(range)
        }
        room[index % jobs].signal()
    }

    /// No more chunks are wanted: the workers skip the rest.
    func stop() {
        stopped.store(true, ordering: .relaxed)
        for worker in room { for _ in 0..<done.count { worker.signal() } }
        workers.wait()
    }

    deinit {
        if !stopped.load(ordering: .relaxed) { stop() }
        slots.deinitialize()
        slots.deallocate()
    }
}
