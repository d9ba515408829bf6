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
    /// The window's bytes in the input, from one line start to the next window's.
    var range: Range<Int> = 0..<0
}

/// `group --from-ndjson` on several cores: workers decode windows of a mapped input (worker `w`
/// windows `w`, `w + jobs`, …, at most one ahead of the grouping), and the grouping takes the
/// records in input order, so the result is the one-thread result.
///
/// Window `i` runs from the first line start at or after `i × window` to the next window's start
/// (empty when one line covers the whole stretch). Each worker finds its own windows' ends when
/// it gets to them: a pass over the whole mapping up front faulted in a page at every window,
/// and on kernels that map page-cache folios of up to megabytes at once (Linux 6.18 here) that
/// held 1.9 GB of a 4 GB input resident before the first record was read.
final class NDJSONPipeline: @unchecked Sendable {
    private let slots: UnsafeMutableBufferPointer<DecodedWindow?>
    private let done: [DispatchSemaphore]
    private let room: [DispatchSemaphore]
    private let workers = DispatchGroup()
    private let jobs: Int
    /// How many windows the input is read in.
    let windowCount: Int

    init(_ bytes: UnsafeRawBufferPointer, window: Int, jobs: Int) {
        let window = max(window, 1)
        let count = (bytes.count + window - 1) / window
        windowCount = count
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
                    let start = Self.lineStart(input.bytes, atOrAfter: index * window)
                    let end = Self.lineStart(input.bytes, atOrAfter: (index + 1) * window)
                    slots[index] = Self.decode(input.bytes, from: start, to: end, memo: &memo, decoder: decoder)
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
        window.range = start..<end
        return window
    }

    /// The first place at or after `position` where a line starts after a line feed that no CR
    /// follows (the framer joins `\n\r` into one break), or the end of the input.
    static func lineStart(_ bytes: UnsafeRawBufferPointer, atOrAfter position: Int) -> Int {
        guard position > 0 else { return 0 }
        guard position < bytes.count else { return bytes.count }
        var from = position - 1
        while let lineFeed = ByteScanning.memchrIndex(ASCII.lineFeed, in: bytes, from: from) {
            let next = lineFeed + 1
            if next < bytes.count, bytes[next] == ASCII.carriageReturn {
                from = next
                continue
            }
            return next
        }
        return bytes.count
    }
}

/// Input bytes shared by worker threads, read only (a mapped NDJSON file, a partial).
struct InputBytes: @unchecked Sendable {
    let bytes: UnsafeRawBufferPointer
}
