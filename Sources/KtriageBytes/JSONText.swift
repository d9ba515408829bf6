/// Writes JSON string literals without Foundation, for the high-volume NDJSON outputs.
public enum JSONText {
    /// `"…"` with JSON escapes; `string` is already valid Unicode.
    public static func quoted(_ string: String) -> String {
        // Most log text needs no escape: one pass over the bytes, then one copy.
        if !string.utf8.contains(where: mayNeedEscape) { return "\"" + string + "\"" }
        var result = "\""
        result.reserveCapacity(string.utf8.count + 2)
        for scalar in string.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            case "\u{00}"..."\u{1F}", "\u{7F}":
                let hex = String(scalar.value, radix: 16)
                result += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            case "\u{2028}": result += "\\u2028"
            case "\u{2029}": result += "\\u2029"
            default: result.unicodeScalars.append(scalar)
            }
        }
        result += "\""
        return result
    }

    /// A byte that may begin an escape below: a control byte, `"`, `\\`, DEL, or the lead byte of
    /// U+2028 and U+2029 (`E2 80 A8`, `E2 80 A9`).
    @inline(__always)
    static func mayNeedEscape(_ byte: UInt8) -> Bool {
        byte < ASCII.space || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") || byte == ASCII.delete
            || byte == separatorLeadByte
    }

    /// The first UTF-8 byte of U+2028 LINE SEPARATOR and U+2029 PARAGRAPH SEPARATOR.
    @inline(__always) static var separatorLeadByte: UInt8 { 0xE2 }

    /// Raw log bytes as a JSON string: invalid UTF-8 and control bytes appear as `\xNN` text.
    public static func quoted(bytes: UnsafeRawBufferPointer) -> String {
        quoted(ByteEscaping.displayString(bytes))
    }
}
