/// Writes JSON string literals without Foundation, for the high-volume NDJSON outputs.
public enum JSONText {
    /// `"…"` with JSON escapes; `string` is already valid Unicode.
    public static func quoted(_ string: String) -> String {
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

    /// Raw log bytes as a JSON string: invalid UTF-8 and control bytes appear as `\xNN` text.
    public static func quoted(bytes: UnsafeRawBufferPointer) -> String {
        quoted(ByteEscaping.displayString(bytes))
    }
}
