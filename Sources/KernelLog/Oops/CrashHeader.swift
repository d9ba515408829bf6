import Foundation
import KernelFacts

/// Matching a line against the header table (the table itself is kernel data, in KernelFacts).
extension CrashHeaders {
    /// Finds the header a line starts, if any.
    static func match(_ text: String) -> (header: CrashHeader, range: Range<String.Index>)? {
        if let panic = panicLine(text) { return panic }
        for header in table {
            guard let range = text.byteRange(of: header.literal) else { continue }
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
