/// When a line without any wrapper, in a syslog or journal input, is the rest of the line before
/// it rather than text of its own (a bare oops pasted after some syslog lines):
///
/// - journalctl prints a multi-line entry's further lines indented to the message column: an
///   indented line after another program's line is that program's;
/// - a mail client hard-wraps at a fixed width (72–78 columns, `> ` quoting included), breaking at
///   the last space that fits: every wrapped line is within the width, and the first word of
///   the rest would not have fit on the line before it. Both must hold.
///
/// An indented line after a kernel line is not taken (a bare trace frame is indented too).
enum ContinuationLine {
    /// What the last line with a wrapper was.
    struct Previous {
        var kernel: Bool
        /// It named a host (the last one interned).
        var hasHost: Bool
        /// Its length in bytes, wrapper included.
        var length: Int
    }

    /// The narrowest wrap width looked for: a break at width W leaves `previous + 1 + word > W`.
    static let minimumWrapWidth = 66
    /// The widest line a hard-wrapped input holds, in bytes (78 columns, a quote level, and the
    /// multi-byte letters of a localized month name).
    static let maximumWrappedLine = 100

    static func continues(_ previous: Previous, with line: UnsafeRawBufferPointer, longestWrapped: Int) -> Bool {
        guard let first = line.first else { return false }
        let indented = first == UInt8(ascii: " ") || first == UInt8(ascii: "\t")
        if indented { return !previous.kernel }
        guard longestWrapped <= maximumWrappedLine else { return false }
        var wordEnd = 0
        while wordEnd < line.count, line[wordEnd] != UInt8(ascii: " ") { wordEnd += 1 }
        return previous.length + 1 + wordEnd > minimumWrapWidth
    }
}
