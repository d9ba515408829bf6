import Dispatch
import KernelFacts
import Synchronization

/// Step 2 of a chunked reading (see ``ChunkedLogReader``): `jobs` workers read the chunks in
/// the background, worker `w` chunks `w`, `w + jobs`, …, each at most `ahead` chunks ahead of
/// the walk, so the notes held stay bounded whatever the input's size; ``take(_:)`` hands them
/// out in input order as each is done.
///
/// A worker waits only for its own earlier chunks to be walked, and those come before the one
/// the walk waits for: the walk never waits on a worker that waits on the walk.
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

    init(
        _ bytes: UnsafeRawBufferPointer, cuts: [Int], path: String, options: LogReaderOptions, jobs: Int,
        ahead: Int, peerOutput: PeerToolOutput?, hit: @escaping @Sendable (LineSketch) -> Bool,
        release: @escaping @Sendable (Range<Int>) -> Void
    ) {
        let count = cuts.count - 1
        self.jobs = jobs
        slots = .allocate(capacity: count)
        slots.initialize(repeating: nil)
        done = (0..<count).map { _ in DispatchSemaphore(value: 0) }
        room = (0..<jobs).map { _ in DispatchSemaphore(value: max(1, ahead)) }
        let input = SendableBytes(bytes: bytes)
        for worker in 0..<min(jobs, count) {
            DispatchQueue.global().async(group: workers) { [self] in
                for index in stride(from: worker, to: count, by: jobs) {
                    room[worker].wait()
                    if !stopped.load(ordering: .relaxed) {
                        let notes = spare.withLock { $0.popLast() } ?? []
                        slots[index] = ChunkReading.read(
                            UnsafeRawBufferPointer(rebasing: input.bytes[cuts[index]..<cuts[index + 1]]),
                            index: index, start: cuts[index], path: path, options: options, peerOutput: peerOutput,
                            hit: hit, release: release, reusing: notes)
                    }
                    done[index].signal()
                }
            }
        }
    }

    /// Chunk `index`, once read (`nil` after ``stop()``).
    func take(_ index: Int) -> ChunkReading? {
        done[index].wait()
        return slots[index].take()
    }

    /// Chunk `index` was walked: its notes are kept for reuse, and its worker may read one more.
    func walked(_ index: Int, notes: consuming [LineNote]) {
        var emptied = consume notes
        emptied.removeAll(keepingCapacity: true)
        let kept = emptied
        spare.withLock { $0.append(kept) }
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
