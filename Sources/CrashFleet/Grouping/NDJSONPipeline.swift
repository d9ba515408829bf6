import Dispatch
import Foundation
import KernelLog
import KtriageBytes

/// What one window of an NDJSON input decodes to, line by line, in order.
struct DecodedWindow: Sendable {
    enum Line: Sendable {
        /// A grouping view, with the line (its place in the input, or a copy when the framer
        /// had to join or clean it) kept for a full decode if it becomes a representative.
        case view(CrashRecord, LineBytes)
        case record(CrashRecord)
        /// Not a crash record: its line number in the window.
        case bad(Int)
    }

    enum LineBytes: Sendable {
        case inInput(Range<Int>)
        case copied([UInt8])
    }

    var lines: [Line] = []
    var lineCount = 0
}

/// `group --from-ndjson` on several cores: workers decode windows of a mapped input (worker `w`
/// windows `w`, `w + jobs`, …, at most one ahead of the grouping), and the grouping takes the
/// records in input order, so the result is the one-thread result.
final class NDJSONPipeline: @unchecked Sendable {
    private let slots: UnsafeMutableBufferPointer<DecodedWindow?>
    private let done: [DispatchSemaphore]
    private let room: [DispatchSemaphore]
    private let workers = DispatchGroup()
    private let jobs: Int

    init(_ bytes: UnsafeRawBufferPointer, cuts: [Int], jobs: Int) {
        let count = cuts.count - 1
        self.jobs = jobs
        slots = .allocate(capacity: count)
        slots.initialize(repeating: nil)
        done = (0..<count).map { _ in DispatchSemaphore(value: 0) }
        room = (0..<jobs).map { _ in DispatchSemaphore(value: 1) }
        let input = InputBytes(bytes: bytes)
        for worker in 0..<min(jobs, count) {
            DispatchQueue.global().async(group: workers) { [self] in
                var memo = RecordLineReader.Memo()
                let decoder = JSONDecoder()
                for index in stride(from: worker, to: count, by: jobs) {
                    room[worker].wait()
                    slots[index] = Self.decode(
                        input.bytes, from: cuts[index], to: cuts[index + 1], memo: &memo, decoder: decoder)
                    done[index].signal()
                }
            }
        }
    }

    /// Window `index`, once decoded.
    func take(_ index: Int) -> DecodedWindow? {
        done[index].wait()
        return slots[index].take()
    }

    /// Window `index` was grouped: its worker may decode one more.
    func grouped(_ index: Int) {
        room[index % jobs].signal()
    }

    deinit {
        for worker in room { for _ in 0..<done.count { worker.signal() } }
        workers.wait()
        slots.deinitialize()
        slots.deallocate()
    }

    /// Each line as `NDJSONGrouper.read(path:)` reads it one thread.
    static func decode(
        _ bytes: UnsafeRawBufferPointer, from start: Int, to end: Int, memo: inout RecordLineReader.Memo,
        decoder: JSONDecoder
    ) -> DecodedWindow {
        var window = DecodedWindow()
        var framer = LineFramer()
        let base = bytes.baseAddress
        func handle(_ line: FramedLine) {
            guard line.bytes.count > 1 else { return }
            if let view = RecordLineReader.read(line.bytes, memo: &memo) {
                // In place in the input, or in the framer's own buffer (joined, NUL bytes dropped).
                if let lineStart = line.bytes.baseAddress, let base, lineStart >= base + start,
                    lineStart + line.bytes.count <= base + end
                {
                    let offset = base.distance(to: lineStart)
                    window.lines.append(.view(view, .inInput(offset..<(offset + line.bytes.count))))
                } else {
                    window.lines.append(.view(view, .copied(Array(line.bytes))))
                }
            } else if let record = try? decoder.decode(CrashRecord.self, from: Data(line.bytes)) {
                window.lines.append(.record(record))
            } else {
                window.lines.append(.bad(line.number))
            }
        }
        framer.feed(UnsafeRawBufferPointer(rebasing: bytes[start..<end]), handle)
        framer.finish(handle)
        window.lineCount = framer.lineCount
        return window
    }

    /// Window boundaries from 0 to `bytes.count`, each inner one after a line feed that no CR
    /// follows (the framer joins `\n\r` into one break).
    static func cuts(_ bytes: UnsafeRawBufferPointer, window: Int) -> [Int] {
        var cuts = [0]
        var position = window
        while position < bytes.count {
            guard let lineFeed = ByteScanning.memchrIndex(ASCII.lineFeed, in: bytes, from: position) else { break }
            let cut = lineFeed + 1
            if cut < bytes.count, bytes[cut] == ASCII.carriageReturn {
                position = cut
                continue
            }
            if cut < bytes.count { cuts.append(cut) }
            position = cut + window
        }
        cuts.append(bytes.count)
        return cuts
    }
}

/// Input bytes shared by worker threads, read only (a mapped NDJSON file, a partial).
struct InputBytes: @unchecked Sendable {
    let bytes: UnsafeRawBufferPointer
}
