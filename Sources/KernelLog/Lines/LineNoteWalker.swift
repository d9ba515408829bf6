import KernelFacts
import KtriageBytes

/// Step 4 of a chunked reading (see ``ChunkedLogReader``): every chunk's line notes walked in
/// input order. A line whose stream is quiet and that does not matter by itself is only
/// counted for its stream (a kernel stamp seen); any other line is read again, in full, by one
/// stripper, and handed to the consumer as one pass would hand it. Hosts are numbered and
/// streams opened at their first line, as one pass does.
struct LineNoteWalker {
    private var stripper: LogLineStripper

    init(fold: ChunkFold, path: String, options: LogReaderOptions, peerOutput: PeerToolOutput?) {
        stripper = LogLineStripper(path: path, options: options)
        stripper.startRereading(peerOutput: peerOutput, probe: fold.probe)
    }

    mutating func walk<Consumer: ChunkedLineConsumer>(
        _ chunks: [ChunkReading], bytes: UnsafeRawBufferPointer, consumer: inout Consumer,
        alsoWants: (LineSketch) -> Bool, release: (Range<Int>) -> Void, onLine: (LogLine) throws -> Void
    ) throws {
        // Per stream (host number + 1; 0 for lines without a host): opened, stamp noted.
        var opened: [Bool] = []
        var stampNoted: [Bool] = []
        var number = 0
        for chunk in chunks {
            // The chunk's host numbers, as numbers of the whole input (assigned at first sight).
            var inputHost = [Int](repeating: -1, count: chunk.stripper.hostNames.count)
            var offset = chunk.start
            for note in chunk.notes {
                number += 1
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
                if !note.mattersAlone, consumer.isQuiet(stream: host, beforeLine: number) {
                    if note.stamped, !stampNoted[stream] {
                        stampNoted[stream] = true
                        consumer.noteTimestamps(host: host)
                    }
                    continue
                }
                let line = FramedLine(
                    bytes: UnsafeRawBufferPointer(rebasing: bytes[lineStart..<(lineStart + note.length)]),
                    number: number, offset: Int64(lineStart), truncated: false)
                try stripper.process(line, wants: { consumer.wants($0) || alsoWants($0) }) { line in
                    consumer.consume(line)
                    try onLine(line)
                }
            }
            release(chunk.start..<offset)
        }
    }
}
