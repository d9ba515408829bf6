import Foundation
import KernelDump
import KtriageTestSupport

/// Locations and helpers shared by the KernelDump tests.
enum TestPaths {
    /// The package root and `../shared/vmcores`, as `Fixtures` (the one test-support path
    /// helper) finds them.
    static let packageRoot = URL(fileURLWithPath: Fixtures.packageRoot)
    static let sharedVmcores = URL(fileURLWithPath: Fixtures.shared("vmcores"))
    static var hasSharedVmcores: Bool {
        FileManager.default.fileExists(atPath: sharedVmcores.appendingPathComponent("README.md").path)
    }
    /// `../shared/vmcores-compression`: real dumps with LZO and zstd pages, if present.
    static let sharedCompressionVmcores: URL = packageRoot.deletingLastPathComponent().appendingPathComponent(
        "shared/vmcores-compression")
    static var hasSharedCompressionVmcores: Bool {
        FileManager.default.fileExists(atPath: sharedCompressionVmcores.appendingPathComponent("README.md").path)
    }
    static let fixtures: URL = packageRoot.appendingPathComponent("fixtures/vmcore")

    /// A fresh temporary directory for this process, removed when the process exits (it holds
    /// the decompressed 134 MB ELF dumps).
    static let temporary: URL = {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent(
            "ktriage-dump-tests-\(getpid())")
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        atexit { removeTemporaryDirectory() }
        return url
    }()

    /// Writes `bytes` to a temporary file and returns its path.
    static func write(_ bytes: [UInt8], name: String) throws -> String {
        let url = temporary.appendingPathComponent(name)
        try Data(bytes).write(to: url)
        return url.path
    }

    /// Opens synthesised dump bytes from memory (no file: parallel tests may share a name).
    static func open(_ bytes: [UInt8], name: String) throws -> Vmcore {
        try bytes.withUnsafeBytes { try Vmcore(bytes: $0, name: name) }
    }
}

/// Removes this process's temporary test directory (registered with `atexit`).
func removeTemporaryDirectory() {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("ktriage-dump-tests-\(getpid())")
    try? FileManager.default.removeItem(at: url)
}
