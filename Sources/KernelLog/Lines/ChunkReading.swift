import KernelFacts
import KtriageBytes

/// What the first reading of a chunk notes of one line, in 8 bytes: its length (without the line
/// feed), and, when the line reached the consumer's streams, its host (the chunk's own number)
/// and whether it may matter by itself or carried a kernel stamp.
struct LineNote: Sendable {
    var bits: UInt64

    static let asked: UInt64 = 1 << 56
    static let mayMatter: UInt64 = 1 << 57
    static let stamped: UInt64 = 1 << 58
    static let hasHost: UInt64 = 1 << 59

    init(length: Int) { bits = UInt64(truncatingIfNeeded: length) & 0xFFFF_FFFF }

    var length: Int { Int(truncatingIfNeeded: bits & 0xFFFF_FFFF) }
    /// The line was offered to a stream (a kernel line, or any delivered line).
    var asked: Bool { bits & Self.asked != 0 }
    var mattersAlone: Bool { bits & Self.mayMatter != 0 }
    var stamped: Bool { bits & Self.stamped != 0 }
    /// The chunk's host number of the line's stream, `nil` for lines without a host.
    var host: Int? { bits & Self.hasHost != 0 ? Int(truncatingIfNeeded: (bits >> 32) & 0xFF_FFFF) : nil }

    mutating func note(host: Int?, mayMatter: Bool, stamped: Bool) {
        bits |= Self.asked
        if let host { bits |= Self.hasHost | (UInt64(truncatingIfNeeded: host) & 0xFF_FFFF) << 32 }
        if mayMatter { bits |= Self.mayMatter }
        if stamped { bits |= Self.stamped }
    }
}

/// A line the walk must visit even when every stream is quiet: one that may matter by itself,
/// or the first line (or first stamped line) of its host in the chunk, which opens that host's
/// stream (or tells it of kernel stamps) in one-pass order.
struct LineLandmark: Sendable {
    /// Index of the line's note in the chunk.
    var index: Int
    /// The line's first byte, from the chunk's start.
    var offset: Int
}

/// Step 2 of a chunked reading (see ``ChunkedLogReader``): one chunk read from a fresh state,
/// every line counted and noted, none converted unless it may matter by itself.
struct ChunkReading {
    var index: Int
    /// The chunk's first byte in the input.
    var start: Int
    var stripper: LogLineStripper
    var notes: [LineNote] = []
    /// The notes the walk visits when no report is in progress, in order.
    var landmarks: [LineLandmark] = []
    /// The chunk's length in bytes.
    var byteCount = 0
    /// Anything the framer had to repair (cut lines, NUL bytes, CR line breaks): such an input is
    /// read in one pass.
    var framerRepaired = false
    var failed = false

    /// Bytes framed between two releases of the mapped input's pages when the rest of an input is
    /// read in one pass.
    static let window = 16 << 20

    static func read(
        _ bytes: UnsafeRawBufferPointer, index: Int, start: Int, path: String, options: LogReaderOptions,
        peerOutput: PeerToolOutput?, hit: (LineSketch) -> Bool, reusing spare: [LineNote] = []
    ) -> ChunkReading {
        var stripper = LogLineStripper(path: path, options: options)
        stripper.startChunk(first: index == 0, peerOutput: peerOutput)
        var reading = ChunkReading(index: index, start: start, stripper: LogLineStripper(path: path, options: options))
        reading.byteCount = bytes.count
        var notes = spare
        notes.reserveCapacity(bytes.count / 64)
        var landmarks = LandmarkFinder()
        var framer = LineFramer(maxLineLength: options.maxLineLength)
        // The note of the line being read, written by the stripper's callbacks through a pointer:
        // a captured variable would pay a dynamic exclusivity check on every line.
        let note = UnsafeMutablePointer<LineNote>.allocate(capacity: 1)
        defer { note.deallocate() }
        do {
            // The pages stay mapped for the walk, which reads the lines that matter again; the
            // pipeline releases them after (a chunk is at most 16 MiB).
            try framer.feed(bytes) { line in
                try Self.process(line, stripper: &stripper, notes: &notes, landmarks: &landmarks, note: note, hit: hit)
            }
            try framer.finish { line in
                try Self.process(line, stripper: &stripper, notes: &notes, landmarks: &landmarks, note: note, hit: hit)
            }
        } catch {
            reading.failed = true
        }
        reading.stripper = stripper
        reading.notes = notes
        reading.landmarks = landmarks.found
        reading.framerRepaired = framer.cutLineCount > 0 || framer.nulBytes > 0 || framer.crBreaks > 0
        return reading
    }

    /// Reads one line and notes what the reading showed of it.
    @inline(__always)
    private static func process(
        _ line: FramedLine, stripper: inout LogLineStripper, notes: inout [LineNote],
        landmarks: inout LandmarkFinder, note: UnsafeMutablePointer<LineNote>, hit: (LineSketch) -> Bool
    ) throws {
        note.pointee = LineNote(length: line.bytes.count)
        try stripper.process(
            line,
            wants: { sketch in
                let matters = hit(sketch)
                note.pointee.note(host: sketch.hostNumber, mayMatter: matters, stamped: sketch.hasMonotonicStamp)
                return matters
            }
        ) { line in
            // Delivered without being asked: it may hold the input's first times.
            note.pointee.note(
                host: line.metadata.hostNumber, mayMatter: true,
                stamped: line.metadata.isKernel && line.metadata.monotonicMicros != nil)
        }
        landmarks.look(at: note.pointee, index: notes.count, offset: Int(truncatingIfNeeded: line.offset))
        notes.append(note.pointee)
    }
}

/// Finds a chunk's landmarks (``LineLandmark``) as its lines are noted.
struct LandmarkFinder {
    private(set) var found: [LineLandmark] = []
    /// Per chunk host number + 1 (0: lines without a host): seen, seen stamped.
    private var seen: [UInt8] = []

    private static let seenLine: UInt8 = 1
    private static let seenStamp: UInt8 = 2

    @inline(__always)
    mutating func look(at note: LineNote, index: Int, offset: Int) {
        guard note.asked else { return }
        let stream = (note.host ?? -1) + 1
        if stream >= seen.count { seen.append(contentsOf: repeatElement(0, count: stream + 1 - seen.count)) }
        let before = seen[stream]
        let after = before | Self.seenLine | (note.stamped ? Self.seenStamp : 0)
        guard note.mattersAlone || after != before else { return }
        seen[stream] = after
        found.append(LineLandmark(index: index, offset: offset))
    }
}
