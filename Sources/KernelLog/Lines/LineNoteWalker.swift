import KernelFacts
import KtriageBytes

/// Step 4 of a chunked reading (see ``ChunkedLogReader``): every chunk's line notes walked in
/// input order. A line whose stream is quiet and that does not matter by itself is only
/// counted for its stream (a kernel stamp seen); any other line is read again, in full, by one
/// stripper, and handed to the consumer as one pass would hand it. Hosts are numbered and
/// streams opened at their first line, as one pass does.
struct LineNoteWalker {
    private(set) var stripper: LogLineStripper
    /// Lines walked so far.
    private(set) var lineCount = 0
    /// Per stream (host number + 1; 0 for lines without a host): opened, stamp noted.
    private var opened: [Bool] = []
    private var stampNoted: [Bool] = []
    /// The number of the last line handed to the consumer: the line after it may cancel a header.
    private var lastConsumed = 0

    init(path: String, options: LogReaderOptions, peerOutput: PeerToolOutput?) {
        stripper = LogLineStripper(path: path, options: options)
        stripper.startRereading(peerOutput: peerOutput)
    }

    mutating func walk<Consumer: ChunkedLineConsumer>(
        _ chunks: [ChunkReading], fold: ChunkFold, bytes: UnsafeRawBufferPointer, consumer: inout Consumer,
        alsoWants: (LineSketch) -> Bool, onLine: (LogLine) throws -> Void
    ) throws {
        stripper.prefixParser.primeForRegion(fold.rereadingProbe)
        for chunk in chunks {
            // The chunk's host numbers, as numbers of the whole input (assigned at first sight).
            var inputHost = [Int](repeating: -1, count: chunk.stripper.hostNames.count)
            var offset = chunk.start
            var position = 0
            var nextLandmark = 0
            let notes = chunk.notes
            while position < notes.count {
                // No report in progress and not the line after the last one consumed: every line
                // up to the next landmark would be skipped below, so they are passed over at once.
                if consumer.everyStreamQuiet, lastConsumed != lineCount {
                    while nextLandmark < chunk.landmarks.count, chunk.landmarks[nextLandmark].index < position {
                        nextLandmark += 1
                    }
                    guard nextLandmark < chunk.landmarks.count else {
                        lineCount += notes.count - position
                        break
                    }
                    let landmark = chunk.landmarks[nextLandmark]
                    lineCount += landmark.index - position
                    position = landmark.index
                    offset = chunk.start + landmark.offset
                }
                let note = notes[position]
                position += 1
                lineCount += 1
                let lineStart = offset
                offset += note.length + 1
                guard note.asked else { continue }
                var host: Int?
                if let local = note.host {
                    if inputHost[local] < 0 {
                        inputHost[local] = stripper.numberForHost(chunk.stripper.hostNames[local])
                    }
                    host = inputHost[local]
                }
                let stream = (host ?? -1) + 1
                if stream >= opened.count {
                    opened.append(contentsOf: repeatElement(false, count: stream + 1 - opened.count))
                    stampNoted.append(contentsOf: repeatElement(false, count: stream + 1 - stampNoted.count))
                }
                if !opened[stream] {
                    opened[stream] = true
                    consumer.openStream(host: host)
                }
                if !note.mattersAlone, consumer.isQuiet(stream: host, beforeLine: lineCount) {
                    if note.stamped, !stampNoted[stream] {
                        stampNoted[stream] = true
                        consumer.noteTimestamps(host: host)
                    }
                    continue
                }
                let line = FramedLine(
                    bytes: UnsafeRawBufferPointer(rebasing: bytes[lineStart..<(lineStart + note.length)]),
                    number: lineCount, offset: Int64(lineStart), truncated: false)
                try stripper.process(line, wants: { consumer.wants($0) || alsoWants($0) }) { line in
                    lastConsumed = max(lastConsumed, line.number)
                    consumer.consume(line)
                    try onLine(line)
                }
            }
        }
    }

    /// Reads `bytes` from `start` (a line a chunk may start with) to the end in one pass, every
    /// line through the consumer, in the state one pass has there (see
    /// `LogLineStripper.continueInOnePass`). Returns what the framer repaired.
    mutating func continueInOnePass<Consumer: ChunkedLineConsumer>(
        _ bytes: UnsafeRawBufferPointer, from start: Int, fold: ChunkFold, options: LogReaderOptions,
        consumer: inout Consumer, alsoWants: (LineSketch) -> Bool, release: (Range<Int>) -> Void,
        onLine: (LogLine) throws -> Void
    ) throws -> LineFramer {
        stripper.continueInOnePass(fold: fold, firstTimes: fold.merged?.summary)
        // A stream a chunk did not open yet (its host first seen from here) is opened by `wants`.
        var framer = LineFramer(maxLineLength: options.maxLineLength, linesBefore: lineCount, offset: Int64(start))
        func process(_ line: FramedLine) throws {
            try stripper.process(line, wants: { consumer.wants($0) || alsoWants($0) }) { line in
                consumer.consume(line)
                try onLine(line)
            }
        }
        var windowStart = start
        while windowStart < bytes.count {
            let windowEnd = min(bytes.count, windowStart + ChunkReading.window)
            try framer.feed(UnsafeRawBufferPointer(rebasing: bytes[windowStart..<windowEnd]), process)
            release(windowStart..<windowEnd)
            windowStart = windowEnd
        }
        try framer.finish(process)
        if framer.crBreaks > 0 { stripper.sawCarriageReturns = true }
        stripper.settleLastDeclined()
        return framer
    }
}
