import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Runs the built `ktriage` binary end to end.
public enum CommandRunner {
    public struct Result: Sendable {
        public var status: Int32
        public var stdout: String
        public var stderr: String
    }

    /// The `ktriage` executable next to the test bundle in the build folder.
    public static let executable: String = {
        let me = URL(fileURLWithPath: CommandLine.arguments.first ?? "").resolvingSymlinksInPath()
        var folder = me.deletingLastPathComponent()
        // swift test runs .build/<triple>/debug/ktriagePackageTests.xctest
        for _ in 0..<3 {
            let candidate = folder.appendingPathComponent("ktriage").path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            folder = folder.deletingLastPathComponent()
        }
        return Fixtures.packageRoot + "/.build/debug/ktriage"
    }()

    /// Runs `ktriage arguments…` with `stdin` as standard input and extra environment entries.
    public static func run(
        _ arguments: [String], stdin: [UInt8]? = nil, environment: [String: String] = [:],
        currentDirectory: String = Fixtures.packageRoot
    ) throws -> Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: currentDirectory)
        var env = ProcessInfo.processInfo.environment
        for (key, value) in environment { env[key] = value }
        process.environment = env
        let out = Pipe()
        let errorPath = Fixtures.temporaryFolder("ktriage-stderr") + "/stderr"
        _ = FileManager.default.createFile(atPath: errorPath, contents: nil)
        let errorFile = try FileHandle(forWritingTo: URL(fileURLWithPath: errorPath))
        let input = Pipe()
        process.standardOutput = out
        process.standardError = errorFile
        process.standardInput = input
        try process.run()
        try errorFile.close()
        let payload = stdin.map { Data($0) }
        let writer = input.fileHandleForWriting
        let thread = Thread {
            if let payload { writer.write(payload) }
            try? writer.close()
        }
        thread.start()
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let errData = FileManager.default.contents(atPath: errorPath) ?? Data()
        return Result(
            status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
            stderr: String(decoding: errData, as: UTF8.self))
    }
}
