import Foundation
import KernelFacts
import KtriageBytes

/// Matching a line against the header table (the table itself is kernel data, in KernelFacts).
extension CrashHeaders {
    /// Finds the header a line starts, if any.
    static func match(_ text: String) -> (header: CrashHeader, range: Range<String.Index>)? {
        if let panic = panicLine(text) { return panic }
        var utf8Text = text
        return utf8Text.withUTF8 { match(text, bytes: UnsafeRawBufferPointer($0)) }
    }

    /// The table's literals as bytes, in table order.
    private static let literalBytes = table.map { Array($0.literal.utf8) }

    /// `match` on the line's UTF-8 bytes: every literal is looked for in each line that may start a
    /// report, so a literal whose first byte the line lacks is skipped without a search.
    private static func match(_ text: String, bytes: UnsafeRawBufferPointer) -> (
        header: CrashHeader, range: Range<String.Index>
    )? {
        let present = BytePresence(bytes)
        for (header, literal) in zip(table, literalBytes) {
            guard let first = literal.first, present.contains(first),
                let offset = ByteScanning.firstIndex(of: literal, in: bytes)
            else { continue }
            let lower = text.utf8.index(text.utf8.startIndex, offsetBy: offset)
            let range = lower..<text.utf8.index(lower, offsetBy: literal.count)
            if header.atStart, !text[..<range.lowerBound].allSatisfy({ $0 == " " }) { continue }
            if header.excludes.contains(where: { text.containsBytes($0) }) { continue }
            if !header.requiresAny.isEmpty, !header.requiresAny.contains(where: { text.containsBytes($0) }) { continue }
            let after = text[range.upperBound...]
            // `BUG:`/`WARNING:`/`INFO:` are followed by a space or end the line (`INFO:check_…` is a
            // driver's own tag).
            let generic = header.family == .bug || header.family == .warning || header.family == .info
            if generic, let next = after.first, next != " " { continue }
            // Kernel reports always contain lower-case text (paths, functions); a line in capitals
            // is some program shouting, or an upper-cased console.
            if generic, !after.isEmpty, !after.contains(where: { $0.isLowercase }) { continue }
            var found = header
            // arm64 `Internal error: Oops - BUG: …` continues the report that `kernel BUG at` began.
            if header.role == .start, text.containsBytes("Internal error:") { found.role = .continuation }
            return (found, range)
        }
        return nil
    }

    /// arm and arm64 `die()` panic with the oops's own words, `panic("%s: Fatal exception", str)`:
    /// `Kernel panic - not syncing: Oops - BUG: Fatal exception` and its end marker `---[ end
    /// Kernel panic - not syncing: Oops - BUG: Fatal exception ]---` are the panic of the report
    /// in progress, not `BUG:` reports of their own.
    static func panicLine(_ text: String) -> (header: CrashHeader, range: Range<String.Index>)? {
        guard text.containsBytes("Kernel panic - not syncing: Oops"), let range = text.byteRange(of: "Kernel panic"),
            text[..<range.lowerBound].allSatisfy({ $0 == " " }) || text[..<range.lowerBound].hasBytePrefix("---[ end "),
            let header = table.first(where: { $0.family == .kernelPanic })
        else { return nil }
        return (header, range)
    }
}

/// Which byte values occur in a line: 256 bits.
private struct BytePresence {
    private var words: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)

    init(_ bytes: UnsafeRawBufferPointer) {
        for byte in bytes {
            let bit = UInt64(1) << UInt64(byte & 63)
            switch byte >> 6 {
            case 0: words.0 |= bit
            case 1: words.1 |= bit
            case 2: words.2 |= bit
            default: words.3 |= bit
            }
        }
    }

    func contains(_ byte: UInt8) -> Bool {
        let bit = UInt64(1) << UInt64(byte & 63)
        switch byte >> 6 {
        case 0: return words.0 & bit != 0
        case 1: return words.1 & bit != 0
        case 2: return words.2 & bit != 0
        default: return words.3 & bit != 0
        }
    }
}
