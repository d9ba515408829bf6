import Foundation
import KernelFacts

/// Matching a line against the header table (the table itself is kernel data, in KernelFacts).
extension CrashHeaders {
    /// Finds the header a line starts, if any.
    static func match(_ text: String) -> (header: CrashHeader, range: Range<String.Index>)? {
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
}
