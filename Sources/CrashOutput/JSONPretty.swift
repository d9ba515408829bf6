/// Indents compact JSON the way `JSONEncoder`'s `.prettyPrinted` does (two spaces, `"key" : value`,
/// empty containers as `[` blank line `]`), so documents built from the fast writers read the same
/// as the encoder's and golden files stay byte-identical.
public enum JSONPretty {
    private static let quote = UInt8(ascii: "\"")
    private static let backslash = UInt8(ascii: "\\")
    private static let openers: Set<UInt8> = [UInt8(ascii: "["), UInt8(ascii: "{")]
    private static let closers: Set<UInt8> = [UInt8(ascii: "]"), UInt8(ascii: "}")]
    private static let comma = UInt8(ascii: ",")
    private static let colon = UInt8(ascii: ":")
    private static let newline = UInt8(ascii: "\n")
    private static let space = UInt8(ascii: " ")

    /// `compact` must hold no whitespace outside strings (what the writers produce).
    public static func format(_ compact: String) -> String {
        let bytes = Array(compact.utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count * 2)
        var depth = 0
        var index = 0
        func breakLine() {
            out.append(newline)
            out.append(contentsOf: repeatElement(space, count: 2 * depth))
        }
        while index < bytes.count {
            let byte = bytes[index]
            if byte == quote {
                // Copy the string through its closing quote; escapes hide quotes.
                let start = index
                index += 1
                while index < bytes.count && bytes[index] != quote {
                    index += bytes[index] == backslash ? 2 : 1
                }
                out.append(contentsOf: bytes[start...min(index, bytes.count - 1)])
            } else if openers.contains(byte) {
                out.append(byte)
                depth += 1
                if index + 1 < bytes.count, closers.contains(bytes[index + 1]) {
                    out.append(newline)
                    depth -= 1
                    breakLine()
                    out.append(bytes[index + 1])
                    index += 1
                } else {
                    breakLine()
                }
            } else if closers.contains(byte) {
                depth -= 1
                breakLine()
                out.append(byte)
            } else if byte == comma {
                out.append(byte)
                breakLine()
            } else if byte == colon {
                out.append(contentsOf: [space, colon, space])
            } else {
                out.append(byte)
            }
            index += 1
        }
        return String(decoding: out, as: UTF8.self)
    }
}
