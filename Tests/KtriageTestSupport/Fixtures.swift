#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Finds the project's `fixtures/` folder and the shared data beside the checkout.
///
/// `fixtures/` sits outside every target, so it is located from this file's path rather than
/// through SwiftPM resources.
public enum Fixtures {
    /// The package root (the folder holding `Package.swift`).
    public static let packageRoot: String = {
        var parts = String(#filePath).split(separator: "/", omittingEmptySubsequences: false)
        parts.removeLast(3)  // Tests/KtriageTestSupport/Fixtures.swift
        return parts.joined(separator: "/")
    }()

    /// `fixtures/<relative>`.
    public static func path(_ relative: String) -> String {
        packageRoot + "/fixtures/" + relative
    }

    /// `../shared` beside the checkout: real corpora and vmcores. CI has it; a user's clone may not.
    public static let sharedRoot: String = packageRoot + "/../shared"

    /// Whether `../shared/<relative>` exists. Tests that need it are skipped (with a message)
    /// when it does not.
    public static func sharedAvailable(_ relative: String = "") -> Bool {
        access(sharedRoot + "/" + relative, R_OK) == 0
    }

    /// `../shared/<relative>`.
    public static func shared(_ relative: String) -> String { sharedRoot + "/" + relative }

    /// Whole file contents; `nil` when unreadable.
    public static func read(_ path: String) -> [UInt8]? {
        guard let file = fopen(path, "rb") else { return nil }
        defer { fclose(file) }
        var result: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let count = buffer.withUnsafeMutableBytes { fread($0.baseAddress, 1, $0.count, file) }
            if count <= 0 { break }
            result.append(contentsOf: buffer[0..<count])
        }
        return result
    }

    /// A fresh temporary folder.
    public static func temporaryFolder(_ name: String = "ktriage-test") -> String {
        var template = Array("/tmp/\(name)-XXXXXX".utf8CString)
        return template.withUnsafeMutableBufferPointer { buffer in
            guard let base = buffer.baseAddress, let result = mkdtemp(base) else { return "/tmp" }
            return String(cString: result)
        }
    }

    /// Writes `bytes` to `path`.
    @discardableResult
    public static func write(_ bytes: [UInt8], to path: String) -> Bool {
        guard let file = fopen(path, "wb") else { return false }
        defer { fclose(file) }
        return bytes.withUnsafeBytes { fwrite($0.baseAddress, 1, $0.count, file) } == bytes.count
    }
}
