/// Escaping for log-derived text in HTML and Markdown output.
///
/// A `comm`, a device name or a module name comes from a log and may hold anything: markup,
/// quotes, backticks, control characters, ANSI escapes. It must always show as text and never
/// become markup, so every log-derived string goes through one of these functions.
public enum MarkupText {
    /// Text safe inside HTML elements and quoted attributes; control characters shown as `\xNN`.
    public static func html(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count + 16)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            case "`": out += "&#96;"
            default:
                if isControl(scalar) { out += hex(scalar) } else { out.unicodeScalars.append(scalar) }
            }
        }
        return out
    }

    /// Text safe in a Markdown paragraph or table cell: markup characters are backslash-escaped
    /// or turned into entities, line breaks into spaces, control characters into `\xNN`.
    public static func markdown(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count + 16)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "&": out += "&amp;"
            case "|", "`", "*", "_", "[", "]", "\\", "#", "~": out += "\\" + String(scalar)
            case "\n", "\r", "\t": out += " "
            default:
                if isControl(scalar) {
                    out += "\\\\" + hex(scalar).dropFirst()
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out
    }

    /// Text for a fenced Markdown code block: only control characters are replaced (a fence
    /// longer than any backtick run inside is chosen by `fence(for:)`).
    public static func codeLine(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            if isControl(scalar) && scalar != "\t" { out += hex(scalar) } else { out.unicodeScalars.append(scalar) }
        }
        return out
    }

    /// `text` as an inline code span: backticks (which would end it) shown as `'`, control
    /// characters as `\xNN`. Inside the span Markdown and HTML stay literal.
    public static func codeSpan(_ text: String) -> String {
        "`" + codeLine(text).replacingBackticks() + "`"
    }

    /// A backtick fence longer than the longest backtick run in `lines`.
    public static func fence(for lines: [String]) -> String {
        var longest = 0
        for line in lines {
            var run = 0
            for ch in line.unicodeScalars {
                run = ch == "`" ? run + 1 : 0
                longest = max(longest, run)
            }
        }
        return String(repeating: "`", count: max(3, longest + 1))
    }

    static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        let value = scalar.value
        return (value < 0x20 && value != 0x0A) || (value >= 0x7F && value < 0xA0) || value == 0x2028 || value == 0x2029
    }

    static func hex(_ scalar: Unicode.Scalar) -> String {
        let digits = String(scalar.value, radix: 16, uppercase: true)
        return "\\x" + (digits.count < 2 ? "0" + digits : digits)
    }
}
