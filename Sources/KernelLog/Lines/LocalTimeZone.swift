import KernelFacts
import KtriageBytes

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The zone of log times written without one (BSD syslog, `dmesg -T`, `journalctl -o short`):
/// a fixed offset (`+05:30`) or an IANA zone read from its TZif file (RFC 8536) in
/// `/usr/share/zoneinfo` (or `$TZDIR`), with the POSIX rule of its footer for times past the
/// file's last transition.
///
/// Local times that happen twice (the hour the clocks go back) are read as the earlier one;
/// local times that never happen (the hour the clocks skip) with the offset before the change.
///
/// A class: the line parser holds one, and a reference keeps the parser small (a large struct
/// there cost a copy per line).
public final class LocalTimeZone: Sendable, Equatable {
    public static func == (lhs: LocalTimeZone, rhs: LocalTimeZone) -> Bool {
        lhs.name == rhs.name && lhs.transitions == rhs.transitions && lhs.offsets == rhs.offsets
            && lhs.initialOffset == rhs.initialOffset && lhs.rule == rhs.rule
    }

    /// What the zone was given as (`America/New_York`, `+05:30`).
    public let name: String
    /// UTC seconds at which the offset changes, ascending.
    let transitions: [Int64]
    /// Seconds east of UTC from `transitions[i]` on.
    let offsets: [Int32]
    /// Seconds east of UTC before the first transition (or always, for a fixed offset).
    let initialOffset: Int32
    /// The rule after the last transition (a TZif footer), if any.
    let rule: PosixZoneRule?

    /// Why a zone could not be used.
    public struct Failure: Error, CustomStringConvertible, Sendable {
        public var description: String
    }

    /// A zone `offset` seconds east of UTC.
    public init(fixedOffset offset: Int, name: String) {
        self.name = name
        transitions = []
        offsets = []
        initialOffset = Int32(offset)
        rule = nil
    }

    /// Reads a zone given on the command line: `UTC`, `+05:30`, `-0800`, `+05`, or an IANA name.
    public static func named(_ text: String) throws(Failure) -> LocalTimeZone {
        if text == "UTC" || text == "Z" || text == "GMT" { return LocalTimeZone(fixedOffset: 0, name: text) }
        if let first = text.first, first == "+" || first == "-" {
            var bytes = Array(text.utf8)
            let offset = bytes.withUnsafeMutableBytes { LinePrefixParser.numericZone(UnsafeRawBufferPointer($0)) }
            guard let offset, abs(offset) <= 14 * 3600 else {
                throw Failure(description: "'\(text)' is not an offset such as +05:30 or -0800")
            }
            return LocalTimeZone(fixedOffset: offset, name: text)
        }
        guard !text.isEmpty, !text.hasPrefix("/"), !text.split(separator: "/").contains("..") else {
            throw Failure(description: "'\(text)' is not a zone name such as America/New_York")
        }
        let folder = getenv("TZDIR").map { String(cString: $0) } ?? "/usr/share/zoneinfo"
        let path = folder + "/" + text
        guard let bytes = readFile(path) else {
            throw Failure(description: "unknown time zone '\(text)' (no \(path))")
        }
        return try LocalTimeZone(tzif: bytes, name: text)
    }

    /// Parses TZif data (versions 1 to 4); the 64-bit part when there is one.
    public init(tzif bytes: [UInt8], name: String) throws(Failure) {
        let reader = TZifReader(bytes: bytes)
        guard bytes.count >= 44, bytes.starts(with: Array("TZif".utf8)) else {
            throw Failure(description: "\(name): not a TZif time zone file")
        }
        let version = bytes[4]
        guard var header = reader.header(at: 0) else { throw Failure(description: "\(name): TZif header cut short") }
        var timeSize = 4
        if version >= UInt8(ascii: "2") {
            // Skip the 32-bit block; the 64-bit one follows with its own header.
            guard let second = reader.header(at: 44 + header.dataLength(timeSize: 4)) else {
                throw Failure(description: "\(name): TZif version 2 header missing")
            }
            header = second
            timeSize = 8
        }
        guard let data = reader.data(header, timeSize: timeSize) else {
            throw Failure(description: "\(name): TZif data cut short")
        }
        self.name = name
        transitions = data.times
        offsets = data.typeIndices.map { data.typeOffsets[Int($0)] }
        initialOffset = data.typeOffsets.first ?? 0
        rule = data.footer.flatMap(PosixZoneRule.init)
    }

    /// Seconds east of UTC at the UTC instant `seconds`.
    public func offset(atUTC seconds: Int64) -> Int {
        if let last = transitions.last, seconds >= last, let rule { return rule.offset(atUTC: seconds) }
        if transitions.isEmpty, let rule { return rule.offset(atUTC: seconds) }
        let low = SortedSearch.partitionPoint(in: transitions.indices) { transitions[$0] <= seconds }
        return Int(low == 0 ? initialOffset : offsets[low - 1])
    }

    /// UTC microseconds for microseconds of local wall-clock time in this zone.
    public func utcMicros(fromLocal micros: Int64) -> Int64 {
        let local = TimeText.floorDivide(micros, by: 1_000_000).quotient
        let first = Int64(offset(atUTC: local))
        let guess = local - first
        let second = Int64(offset(atUTC: guess))
        if second == first { return micros - first * 1_000_000 }
        // Near a change: the other offset, if the local time exists under it.
        let other = local - second
        if Int64(offset(atUTC: other)) == second { return micros - second * 1_000_000 }
        return micros - first * 1_000_000
    }

    private static func readFile(_ path: String) -> [UInt8]? {
        guard let file = fopen(path, "rb") else { return nil }
        defer { fclose(file) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 16 * 1024)
        while bytes.count < 1 << 20 {
            let count = chunk.withUnsafeMutableBytes { fread($0.baseAddress, 1, $0.count, file) }
            if count <= 0 { break }
            bytes += chunk[..<count]
        }
        return bytes
    }
}

/// The counts of one TZif header and the arrays they describe.
private struct TZifReader {
    let bytes: [UInt8]

    struct Header {
        var start: Int
        var isUTCCount, isStandardCount, leapCount, timeCount, typeCount, charCount: Int

        func dataLength(timeSize: Int) -> Int {
            timeCount * timeSize + timeCount + typeCount * 6 + charCount + leapCount * (timeSize + 4)
                + isStandardCount + isUTCCount
        }
    }

    func header(at start: Int) -> Header? {
        guard start + 44 <= bytes.count, bytes[start..<(start + 4)].elementsEqual("TZif".utf8) else { return nil }
        func count(_ index: Int) -> Int { Int(UInt32(bigEndian32(at: start + 20 + index * 4))) }
        return Header(
            start: start + 44, isUTCCount: count(0), isStandardCount: count(1), leapCount: count(2),
            timeCount: count(3), typeCount: count(4), charCount: count(5))
    }

    func data(_ header: Header, timeSize: Int) -> (
        times: [Int64], typeIndices: [UInt8], typeOffsets: [Int32], footer: String?
    )? {
        let end = header.start + header.dataLength(timeSize: timeSize)
        guard header.typeCount > 0, end <= bytes.count else { return nil }
        var index = header.start
        var times: [Int64] = []
        for _ in 0..<header.timeCount {
            times.append(
                timeSize == 8
                    ? Int64(bitPattern: bigEndian64(at: index)) : Int64(Int32(bitPattern: bigEndian32(at: index))))
            index += timeSize
        }
        let typeIndices = Array(bytes[index..<(index + header.timeCount)])
        index += header.timeCount
        guard typeIndices.allSatisfy({ Int($0) < header.typeCount }) else { return nil }
        var typeOffsets: [Int32] = []
        for _ in 0..<header.typeCount {
            typeOffsets.append(Int32(bitPattern: bigEndian32(at: index)))
            index += 6
        }
        var footer: String?
        if timeSize == 8, end < bytes.count, bytes[end] == UInt8(ascii: "\n"),
            let close = bytes[(end + 1)...].firstIndex(of: UInt8(ascii: "\n"))
        {
            footer = String(decoding: bytes[(end + 1)..<close], as: UTF8.self)
        }
        return (times, typeIndices, typeOffsets, footer)
    }

    private func bigEndian32(at index: Int) -> UInt32 {
        bytes[index..<(index + 4)].reduce(0) { $0 << 8 | UInt32($1) }
    }

    private func bigEndian64(at index: Int) -> UInt64 {
        bytes[index..<(index + 8)].reduce(0) { $0 << 8 | UInt64($1) }
    }
}
