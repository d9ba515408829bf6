/// Damage that copying a log out of a web page or into a Markdown code block does to its lines,
/// undone before the wrappers are read:
///
/// - no-break spaces (U+00A0, `C2 A0`) where the page had runs of spaces (`&nbsp;` indentation):
///   in a stamp's padding (`[\u{A0} 12.345678]`) or before a trace frame they hide both;
/// - an indent before the whole line (a code block's four spaces or tab): it hides the wrapper.
///
/// Only lines that show one of the signs (``mayNeed(_:textStart:)``, two byte compares) are
/// looked at further, so ordinary lines pay nothing.
enum PasteRepair {
    static let noBreakLead: UInt8 = 0xC2
    static let noBreakTrail: UInt8 = 0xA0

    /// Whether the line starts with blank space or a no-break space, or its text (after the
    /// wrappers read so far) starts with one, or with a stamp that holds one.
    @inline(__always)
    static func mayNeed(_ line: UnsafeRawBufferPointer, textStart: Int) -> Bool {
        guard let first = line.first else { return false }
        if first == UInt8(ascii: " ") || first == UInt8(ascii: "\t") || first == noBreakLead { return true }
        guard textStart < line.count else { return false }
        let text = line[textStart]
        return text == noBreakLead
            || (text == UInt8(ascii: "[") && textStart + 1 < line.count && line[textStart + 1] == noBreakLead)
    }

    /// The line with every no-break space made a space, or `nil` when it holds none.
    static func withPlainSpaces(_ line: UnsafeRawBufferPointer) -> [UInt8]? {
        var index = 0
        var found = false
        while index + 1 < line.count {
            if line[index] == noBreakLead, line[index + 1] == noBreakTrail {
                found = true
                break
            }
            index += 1
        }
        guard found else { return nil }
        var out: [UInt8] = []
        out.reserveCapacity(line.count)
        index = 0
        while index < line.count {
            if index + 1 < line.count, line[index] == noBreakLead, line[index + 1] == noBreakTrail {
                out.append(UInt8(ascii: " "))
                index += 2
            } else {
                out.append(line[index])
                index += 1
            }
        }
        return out
    }

    /// Where the line's indent ends (spaces and tabs), or `nil` when it has none.
    static func indentEnd(_ line: UnsafeRawBufferPointer) -> Int? {
        var index = 0
        while index < line.count, line[index] == UInt8(ascii: " ") || line[index] == UInt8(ascii: "\t") {
            index += 1
        }
        return index > 0 && index < line.count ? index : nil
    }
}
