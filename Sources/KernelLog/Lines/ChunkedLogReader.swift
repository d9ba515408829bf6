import Dispatch
import KernelFacts
import KtriageBytes

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The consumer of a chunked reading: like one crash parser per host stream, it declines every
/// line unless a report is in progress or the line itself may matter (the reading's `mayMatter`).
public protocol ChunkedLineConsumer {
    mutating func wants(_ sketch: LineSketch) -> Bool
    mutating func consume(_ line: LogLine)
    /// The host's stream would take line `number` only if it may matter by itself.
    func isQuiet(stream host: Int?, beforeLine number: Int) -> Bool
    /// No stream has a report in progress: every stream is quiet for any line but the one right
    /// after the last line consumed (which may cancel a header).
    var everyStreamQuiet: Bool { get }
    /// Opens the stream of a host number (`nil`: lines without a host), in the order the
    /// one-pass reading would have opened it.
    mutating func openStream(host: Int?)
    /// A line of the host's stream before this point carried a kernel stamp.
    mutating func noteTimestamps(host: Int?)
}

/// Reads one large log on several cores with exactly the result of one pass.
///
/// 1. The input is cut at line breaks into chunks of at most 16 MiB, each starting at a line with
///    a syslog wrapper or a kernel stamp (a bare line may continue the line before it).
/// 2. Each chunk is read on a worker from a fresh reader state (``ChunkReading``, in a
///    ``ChunkPipeline`` that keeps the workers at most two chunks ahead of step 4): every line is
///    framed, its wrapper measured, counted and its host noted (``LineNote``: 8 bytes a line),
///    but only lines that may matter by themselves (`mayMatter`: a header literal; a line the
///    caller asked for; the input's first times) are converted.
/// 3. The fold (``ChunkFold``) adds each chunk's counts, hosts and times in input order and checks
///    what a chunk cannot know of the lines before it: a year that moved on (BSD syslog, December
///    to January), a `dmesg -H` minute line, probes for `journalctl -o short-monotonic` that found
///    different things, a bare line that might continue a wrapped one, journal boot markers, cut
///    lines, NUL bytes or CR line breaks. From the first chunk that has one, the rest of the input
///    is read in one pass, from the state the chunks before left (the whole input, when it is
///    the first chunk).
/// 4. One thread walks the notes in input order (``LineNoteWalker``) while the workers read on:
///    lines whose stream is quiet and that do not matter by themselves are skipped without being
///    read; the others are read again in full and handed to the consumer, which sees exactly the
///    lines, in exactly the order and state, of one pass. While no stream has a report in
///    progress the walk jumps from landmark to landmark (``LineLandmark``: a line that may matter,
///    a host's first line or first stamped line in the chunk) instead of visiting every note.
public enum ChunkedLogReader {
    /// Inputs smaller than two of these are read in one pass (tests take smaller ones).
    public static let minimumChunkBytes = 4 << 20
    /// The cores this process may run on: the default number of jobs.
    public static var availableCores: Int { max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))) }
    /// Most worker threads any reading uses (`--jobs` is refused above it; a library caller's
    /// larger count is taken as this): counts size batches and per-thread tables, and
    /// `4 × Int.max` trapped.
    public static let maximumJobs = 1024

    /// Chunks per thread when the input is small, so that a slow chunk does not leave a thread
    /// idle.
    static let chunksPerJob = 4
    /// A chunk is at most this many `minimumChunkBytes` (16 MiB): the notes held stay small.
    static let maximumChunks = 4
    /// Chunks a worker may read ahead of the walk.
    static let chunksAhead = 2

    /// A cut moves forward at most this many lines to find a line a chunk may start with.
    static let cutSearchLines = 1000

    /// Reads `bytes` (a whole log) on `jobs` threads, or returns `nil` when it must be read in
    /// one pass (small, not plain text lines, or state a chunk cannot know: see the type).
    ///
    /// - Parameters:
    ///   - mayMatter: whether a line matters when no stream has a report in progress: what the
    ///     consumer's `wants` answers then. Asked from any thread, so it looks at the line only.
    ///   - alsoWants: lines delivered as well, as ``KernelLogReader`` would deliver them.
    public static func read<Consumer: ChunkedLineConsumer>(
        bytes: UnsafeRawBufferPointer, path: String, options: LogReaderOptions, jobs: Int,
        minimumChunkBytes: Int = minimumChunkBytes, consumer: inout Consumer,
        mayMatter: @escaping @Sendable (LineSketch) -> Bool, alsoWants: @escaping @Sendable (LineSketch) -> Bool,
        release: @escaping @Sendable (Range<Int>) -> Void = { _ in }, onLine: (LogLine) throws -> Void
    ) throws -> LogReadSummary? {
        let jobs = min(jobs, maximumJobs)
        guard jobs > 1, minimumChunkBytes > 0, bytes.count >= 2 * minimumChunkBytes else { return nil }
        let head = UnsafeRawBufferPointer(rebasing: bytes.prefix(64 * 1024))
        guard InputKind.sniff(head) == .text, ByteScanning.memchrIndex(ASCII.carriageReturn, in: head, from: 0) == nil,
            let firstLine = firstNonBlankLine(head),
            LogLineStripper.readsAsText(firstLine: firstLine, path: path, options: options)
        else { return nil }
        let peerOutput = PeerToolOutput.recognise(UnsafeRawBufferPointer(rebasing: bytes.prefix(8192)))
        let chunkBytes = max(
            minimumChunkBytes, min(bytes.count / (jobs * chunksPerJob), maximumChunks * minimumChunkBytes))
        let cuts = cutPoints(bytes, chunks: bytes.count / chunkBytes, options: options)
        guard cuts.count > 2 else { return nil }
        var fold = ChunkFold()
        var walker = LineNoteWalker(path: path, options: options, peerOutput: peerOutput)
        let pipeline = ChunkPipeline(
            bytes, cuts: cuts, path: path, options: options, jobs: jobs, ahead: chunksAhead, peerOutput: peerOutput,
            hit: { mayMatter($0) || alsoWants($0) }, release: release)
        for index in 0..<(cuts.count - 1) {
            guard var chunk = pipeline.take(index), fold.accept([chunk]) else {
                pipeline.stop()
                // Nothing handed out yet: the caller reads the input in one pass.
                if index == 0 { return nil }
                let framer = try walker.continueInOnePass(
                    bytes, from: cuts[index], fold: fold, options: options, consumer: &consumer,
                    alsoWants: alsoWants, release: release, onLine: onLine)
                fold.absorb(continuation: walker.stripper)
                return finish(&fold, framer: framer)
            }
            try walker.walk(
                [chunk], fold: fold, bytes: bytes, consumer: &consumer, alsoWants: alsoWants, onLine: onLine)
            var notes: [LineNote] = []
            swap(&notes, &chunk.notes)
            pipeline.walked(index, notes: notes)
        }
        return finish(&fold, framer: nil)
    }

    /// The summary, with what a framer continuing in one pass repaired.
    static func finish(_ fold: inout ChunkFold, framer: LineFramer?) -> LogReadSummary? {
        guard var summary = fold.finish() else { return nil }
        if let framer { summary.addRepairs(of: framer) }
        return summary
    }

    /// The first line with something other than spaces and tabs.
    static func firstNonBlankLine(_ head: UnsafeRawBufferPointer) -> UnsafeRawBufferPointer? {
        var start = 0
        while start < head.count {
            let end = head[start...].firstIndex(of: ASCII.lineFeed) ?? head.count
            let line = UnsafeRawBufferPointer(rebasing: head[start..<end])
            if !line.allSatisfy({ $0 == UInt8(ascii: " ") || $0 == ASCII.tab }) { return line }
            start = end + 1
        }
        return nil
    }

    /// Chunk boundaries, from 0 to `bytes.count`: each inner one just after a line feed, at a
    /// line a chunk may start with.
    static func cutPoints(_ bytes: UnsafeRawBufferPointer, chunks: Int, options: LogReaderOptions) -> [Int] {
        var cuts = [0]
        guard chunks > 1 else { return cuts + [bytes.count] }
        let size = bytes.count / chunks
        for index in 1..<chunks {
            var position = max(index * size, cuts[cuts.count - 1] + 1)
            var found: Int?
            for _ in 0..<cutSearchLines {
                guard let lineFeed = ByteScanning.memchrIndex(ASCII.lineFeed, in: bytes, from: position) else { break }
                let start = lineFeed + 1
                let end = ByteScanning.memchrIndex(ASCII.lineFeed, in: bytes, from: start) ?? bytes.count
                guard start < end else {
                    position = start
                    continue
                }
                if LogLineStripper.canStartChunk(UnsafeRawBufferPointer(rebasing: bytes[start..<end]), options: options)
                {
                    found = start
                    break
                }
                position = start
            }
            if let found, found > cuts[cuts.count - 1], found < bytes.count { cuts.append(found) }
        }
        cuts.append(bytes.count)
        return cuts
    }
}
