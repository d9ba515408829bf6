import Foundation
import KtriageTestSupport
import Testing

/// A folder bind-mounted inside itself: the walk must list each file once and say where the loop
/// is, not list the same files again down to the depth cap. Mounting needs a mount namespace
/// (`unshare -Urm`, a user namespace where the caller is root); where the machine allows none,
/// the test is skipped.
@Suite("folder walk over a mount loop")
struct MountLoopTests {
    static let unshare = "/usr/bin/unshare"

    /// Whether this machine lets an unprivileged process bind-mount in a namespace of its own.
    static let canMount: Bool = {
        guard FileManager.default.isExecutableFile(atPath: unshare) else { return false }
        let folder = Fixtures.temporaryFolder("ktriage-mount-probe")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try? FileManager.default.createDirectory(atPath: folder + "/inner", withIntermediateDirectories: true)
        return (try? run(["-Urm", "sh", "-c", "mount --bind \"$0\" \"$0/inner\"", folder]).status) == 0
    }()

    /// Runs `unshare arguments…`; stderr goes through a file, so neither pipe can fill up.
    static func run(_ arguments: [String]) throws -> (status: Int32, stdout: String, stderr: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: unshare)
        process.arguments = arguments
        let out = Pipe()
        let errorPath = Fixtures.temporaryFolder("ktriage-stderr") + "/stderr"
        _ = FileManager.default.createFile(atPath: errorPath, contents: nil)
        let errorFile = try FileHandle(forWritingTo: URL(fileURLWithPath: errorPath))
        process.standardOutput = out
        process.standardError = errorFile
        try process.run()
        try errorFile.close()
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let errorData = FileManager.default.contents(atPath: errorPath) ?? Data()
        return (
            process.terminationStatus, String(decoding: outData, as: UTF8.self),
            String(decoding: errorData, as: UTF8.self)
        )
    }

    @Test(
        "a folder mounted inside itself: its log found once, the loop named",
        .enabled(if: MountLoopTests.canMount, "this machine allows no mount namespace (unshare -Urm)"))
    func bindMountLoop() throws {
        let root = Fixtures.temporaryFolder("ktriage-mount-loop")
        defer { try? FileManager.default.removeItem(atPath: root) }
        try FileManager.default.createDirectory(atPath: root + "/logs/again", withIntermediateDirectories: true)
        let log = try String(contentsOfFile: Fixtures.packageRoot + "/fixtures/wrappers/dmesg.log", encoding: .utf8)
        try log.write(toFile: root + "/logs/kern.log", atomically: true, encoding: .utf8)
        let result = try Self.run([
            "-Urm", "sh", "-c", "mount --bind \"$1\" \"$1/logs/again\" && exec \"$0\" scan --verbose \"$1\"",
            CommandRunner.executable, root,
        ])
        #expect(result.status == 0)
        #expect(result.stderr.contains("\(root)/logs/again: the same folder as \(root) (a mount loop): skipped"))
        #expect(!result.stderr.contains("nesting deeper"))
        #expect(result.stdout.contains("logs/kern.log"))
        #expect(!result.stdout.contains("again/"))
    }
}
