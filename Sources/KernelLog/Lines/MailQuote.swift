/// `> ` quoting of a log pasted into a mail reply (any depth: `>> `, `> > `): removed before the
/// wrappers are read. Only the `>` marks and the one space after the last are removed, so a
/// trace frame's own leading space stays. The kernel prints no message that starts with `>`.
enum MailQuote {
    /// Where the quoted text starts, or `nil` when the line is not quoted.
    static func textStart(_ line: UnsafeRawBufferPointer) -> Int? {
        guard let first = line.first, first == UInt8(ascii: ">") else { return nil }
        var index = 0
        var afterMark = 0
        while index < line.count {
            let byte = line[index]
            if byte == UInt8(ascii: ">") {
                index += 1
                afterMark = index
            } else if byte == UInt8(ascii: " "), index + 1 < line.count, line[index + 1] == UInt8(ascii: ">") {
                index += 1
            } else {
                break
            }
        }
        if afterMark < line.count, line[afterMark] == UInt8(ascii: " ") { afterMark += 1 }
        return afterMark
    }
}
