import Dispatch
import KernelFacts

/// Step 2 of a chunked reading (see ``ChunkedLogReader``): one batch of chunks, read by `jobs`
/// workers in the background while the caller walks the batch before; ``wait()`` hands the
/// chunks out in input order.
final class BatchReading: @unchecked Sendable {
    /// One slot per chunk, each written by one worker and read after `group` is done.
    private let slots: UnsafeMutableBufferPointer<ChunkReading?>
    private let group = DispatchGroup()

    /// - Parameter spare: note arrays of an earlier batch, emptied, whose memory the chunks reuse.
    init(
        _ bytes: UnsafeRawBufferPointer, cuts: [Int], path: String, options: LogReaderOptions, jobs: Int,
        peerOutput: PeerToolOutput?, hit: @escaping @Sendable (LineSketch) -> Bool,
        release: @escaping @Sendable (Range<Int>) -> Void, spare: [[LineNote]]
    ) {
        let count = cuts.count - 1
        slots = .allocate(capacity: count)
        slots.initialize(repeating: nil)
        let input = SendableBytes(bytes: bytes)
        for worker in 0..<min(jobs, count) {
            DispatchQueue.global().async(group: group) { [self] in
                for index in stride(from: worker, to: count, by: jobs) {
                    slots[index] = ChunkReading.read(
                        UnsafeRawBufferPointer(rebasing: input.bytes[cuts[index]..<cuts[index + 1]]), index: index,
                        start: cuts[index], path: path, options: options, peerOutput: peerOutput, hit: hit,
                        release: release, reusing: index < spare.count ? spare[index] : [])
                }
            }
        }
    }

    /// The batch's chunks, once every worker is done; moved out, so their notes can be reused.
    func wait() -> [ChunkReading] {
        group.wait()
        return slots.indices.compactMap { slots[$0].take() }
    }

    deinit {
        group.wait()
        slots.deinitialize()
        slots.deallocate()
    }
}

/// A mapped input shared by the workers, read only.
struct SendableBytes: @unchecked Sendable {
    let bytes: UnsafeRawBufferPointer
}
