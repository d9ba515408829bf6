import KtriageBytes

/// Text that a serial console glues in front of a kernel line, without a line break of its own:
///
/// - the printk "messages dropped" marker: kernels of the 4.x era print
///   `** 93 printk messages dropped ** ` with a space, not a newline, from `console_unlock()`,
///   so the next record follows on the same line (6.1 ends the marker with `\n`);
/// - a getty prompt (`syzkaller login: `) waiting for input when the kernel prints.
///
/// Both hide the line's own prefix (`[  322.9] BUG: …`) from the wrapper parser.
enum ConsoleGlue {
    /// A getty prompt is a host name and `login: `; host names are short.
    static let maxPromptLength = 120

    /// Where the kernel line starts after the glue, and the dropped-message count the marker
    /// carried; nil when the line starts with no glue followed by a `[` or `<` prefix.
    static func strip(_ bytes: UnsafeRawBufferPointer) -> (start: Int, droppedMessages: Int64?)? {
        guard let first = bytes.first, first != UInt8(ascii: "["), first != UInt8(ascii: "<") else { return nil }
        if first == UInt8(ascii: "*"), ByteScanning.hasLiteral(bytes, at: 0, "** "),
            let (count, end) = ByteScanning.decimal(bytes, at: 3),
            ByteScanning.hasLiteral(bytes, at: end, " printk messages dropped ** ")
        {
            let start = end + " printk messages dropped ** ".utf8.count
            guard startsWithPrefix(bytes, at: start) else { return nil }
            return (start, count)
        }
        guard let start = promptEnd(bytes), startsWithPrefix(bytes, at: start) else { return nil }
        return (start, nil)
    }

    /// The end of `name login: ` when it begins the line.
    private static func promptEnd(_ bytes: UnsafeRawBufferPointer) -> Int? {
        let limit = min(bytes.count, maxPromptLength)
        var space = ByteScanning.find(UInt8(ascii: " "), in: UnsafeRawBufferPointer(rebasing: bytes[..<limit]), from: 0)
        while let position = space {
            if ByteScanning.hasLiteral(bytes, at: position, " login: ") { return position + " login: ".utf8.count }
            space = ByteScanning.find(
                UInt8(ascii: " "), in: UnsafeRawBufferPointer(rebasing: bytes[..<limit]), from: position + 1)
        }
        return nil
    }

    /// A kernel line prefix follows: a `[` time stamp or a `<N>` level.
    private static func startsWithPrefix(_ bytes: UnsafeRawBufferPointer, at index: Int) -> Bool {
        index < bytes.count && (bytes[index] == UInt8(ascii: "[") || bytes[index] == UInt8(ascii: "<"))
    }
}
