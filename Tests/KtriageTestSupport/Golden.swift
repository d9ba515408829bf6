#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Golden files (argument-parser style): compared byte for byte; a missing golden file is
/// recorded and the check fails ("recorded new baseline"), so every golden file is reviewed
/// before it is committed. `UPDATE_GOLDEN=1` re-records them all.
public enum Golden {
    /// Compares `actual` with the golden file at `path`; returns a failure message or `nil`.
    public static func check(_ actual: String, path: String) -> String? {
        let update = getenv("UPDATE_GOLDEN").map { String(cString: $0) == "1" } ?? false
        if !update, let expected = Fixtures.read(path) {
            let expectedText = String(decoding: expected, as: UTF8.self)
            if expectedText == actual { return nil }
            let expectedLines = expectedText.split(separator: "\n", omittingEmptySubsequences: false)
            let actualLines = actual.split(separator: "\n", omittingEmptySubsequences: false)
            for index in 0..<max(expectedLines.count, actualLines.count) {
                let want = index < expectedLines.count ? String(expectedLines[index]) : "<end>"
                let got = index < actualLines.count ? String(actualLines[index]) : "<end>"
                if want != got {
                    return "\(path): line \(index + 1) differs\n  expected: \(want)\n  actual:   \(got)"
                }
            }
            return "\(path): differs"
        }
        Fixtures.write(Array(actual.utf8), to: path)
        return "\(path): recorded new baseline; review it and run again"
    }
}
