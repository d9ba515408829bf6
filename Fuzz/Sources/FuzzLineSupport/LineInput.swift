/// A line-based fuzz input taken apart: the target's flags byte (when it has one) and the lines
/// after it, split at line feeds. Joining gives the same bytes back.
struct LineInput {
    var flags: UInt8?
    var lines: [[UInt8]]
    /// Whether the last line ended with a line feed.
    var endsWithLineFeed: Bool

    static let lineFeed = UInt8(ascii: "\n")

    init(_ bytes: UnsafeBufferPointer<UInt8>, flagsByte: Bool) {
        var start = 0
        flags = nil
        if flagsByte, let first = bytes.first {
            flags = first
            start = 1
        }
        // By hand: `split` was not specialised here and took a twentieth of a debug run.
        lines = []
        var lineStart = start
        for index in start..<bytes.count where bytes[index] == Self.lineFeed {
            lines.append(Array(bytes[lineStart..<index]))
            lineStart = index + 1
        }
        endsWithLineFeed = bytes.count > start && bytes[bytes.count - 1] == Self.lineFeed
        if !endsWithLineFeed { lines.append(Array(bytes[lineStart..<bytes.count])) }
    }

    /// The bytes: the flags byte, then the lines joined by line feeds.
    func joined() -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(byteCount)
        if let flags { bytes.append(flags) }
        for (index, line) in lines.enumerated() {
            bytes.append(contentsOf: line)
            if index < lines.count - 1 || endsWithLineFeed { bytes.append(Self.lineFeed) }
        }
        return bytes
    }

    var byteCount: Int {
        lines.reduce(flags == nil ? 0 : 1) { $0 + $1.count + 1 }
    }
}
