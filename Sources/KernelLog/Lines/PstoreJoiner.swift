import KtriageBytes

/// Puts the parts of pstore records back in order.
///
/// Format notes: pstore's kmsg dumper (`fs/pstore/platform.c`, Linux ≥ 3.3) writes the end of
/// the log first: each part starts with a header line `<Reason>#<count> Part<n>` (reasons Oops,
/// Panic, Emergency, Restart, Halt, Poweroff), and Part1 holds the newest text. Backends store
/// the parts as separate files (`dmesg-efi-…`, `dmesg-ramoops-N`) or one after another. The
/// ramoops in-RAM header `====<sec>.<usec>-<C|D>` (`fs/pstore/ram.c`) may start a raw record and
/// gives its wall-clock time. Joining: records keep their first-seen order; within a record the
/// parts go from the highest part number to Part1, so the text reads oldest to newest.
struct PstoreJoiner {
    /// Upper bound on the text buffered for one pstore input (records are kilobytes in practice).
    static let maxBufferedBytes = 16 << 20

    struct Header: Equatable {
        var reason: String
        var count: Int
        var part: Int
    }

    private struct Part {
        var header: Header?
        var wallClockMicros: Int64?
        var lines: [(bytes: [UInt8], number: Int, offset: Int64)] = []
    }

    private var parts: [Part] = []
    private(set) var bufferedBytes = 0
    private(set) var overflowed = false
    private var pendingWallClock: Int64?

    /// Whether `line` is a pstore part header; returns it.
    static func header(_ line: UnsafeRawBufferPointer) -> Header? {
        guard line.count >= 10, line.count < 64, ASCII.isUppercaseLetter(line[0]),
            let hash = ByteScanning.find(UInt8(ascii: "#"), in: line, from: 1)
        else { return nil }
        for index in 1..<hash where !ASCII.isLowercaseLetter(line[index]) { return nil }
        guard let (count, afterCount) = ByteScanning.decimal(line, at: hash + 1),
            ByteScanning.hasLiteral(line, at: afterCount, " Part"),
            let (part, end) = ByteScanning.decimal(line, at: afterCount + 5), end == line.count
        else { return nil }
        let reason = String(decoding: UnsafeRawBufferPointer(rebasing: line[0..<hash]), as: UTF8.self)
        return Header(reason: reason, count: Int(count), part: Int(part))
    }

    /// `====1700000000.123456-D` → wall clock in microseconds.
    static func ramoopsHeader(_ line: UnsafeRawBufferPointer) -> Int64? {
        guard ByteScanning.hasLiteral(line, at: 0, "===="),
            let (seconds, afterSeconds) = ByteScanning.decimal(line, at: 4), afterSeconds < line.count,
            line[afterSeconds] == UInt8(ascii: "."), let (micros, _) = ByteScanning.decimal(line, at: afterSeconds + 1)
        else { return nil }
        // Up to 18 digits each: a damaged header must not overflow.
        let (whole, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000)
        let (wall, carry) = whole.addingReportingOverflow(micros)
        return overflow || carry ? nil : wall
    }

    mutating func add(_ line: FramedLine) {
        if let wall = PstoreJoiner.ramoopsHeader(line.bytes) {
            pendingWallClock = wall
            return
        }
        if let header = PstoreJoiner.header(line.bytes) {
            parts.append(Part(header: header, wallClockMicros: pendingWallClock))
            pendingWallClock = nil
            return
        }
        guard bufferedBytes + line.bytes.count <= PstoreJoiner.maxBufferedBytes else {
            overflowed = true
            return
        }
        bufferedBytes += line.bytes.count
        if parts.isEmpty { parts.append(Part(header: nil, wallClockMicros: pendingWallClock)) }
        parts[parts.count - 1].lines.append((Array(line.bytes), line.number, line.offset))
    }

    /// The lines in reading order, with the wall clock of their record when known.
    func joined(_ body: (UnsafeRawBufferPointer, Int, Int64, Int64?) throws -> Void) rethrows {
        var order: [Int] = []
        var seen: [String: [Int]] = [:]
        for (index, part) in parts.enumerated() {
            guard let header = part.header else {
                order.append(index)
                continue
            }
            let key = "\(header.reason)#\(header.count)"
            if seen[key] == nil { order.append(-1 - index) }
            seen[key, default: []].append(index)
        }
        for entry in order {
            if entry >= 0 {
                try emit(parts[entry], body)
                continue
            }
            guard let header = parts[-1 - entry].header,
                let members = seen["\(header.reason)#\(header.count)"]
            else { continue }
            let sorted = members.sorted { (parts[$0].header?.part ?? 0) > (parts[$1].header?.part ?? 0) }
            for member in sorted { try emit(parts[member], body) }
        }
    }

    private func emit(_ part: Part, _ body: (UnsafeRawBufferPointer, Int, Int64, Int64?) throws -> Void) rethrows {
        for line in part.lines {
            try line.bytes.withUnsafeBytes { try body($0, line.number, line.offset, part.wallClockMicros) }
        }
    }
}
