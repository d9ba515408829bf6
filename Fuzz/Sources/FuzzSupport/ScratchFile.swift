#if canImport(Glibc)
    import Glibc
#endif

/// Files in /dev/shm holding the current input, for the one entry point that takes only paths:
/// pstore joining (`KernelLogReader.read(pstoreFiles:)`, used by FuzzPstore). Every other target
/// reads from memory. Removed at exit (libFuzzer ends with `exit`, also when a run finds a crash).
public struct ScratchFile: Sendable {
    public let path: String

    /// A file named after `name` and this process, so concurrent fuzzers never share one.
    public init(_ name: String) {
        path = "/dev/shm/ktriage-fuzz-\(name)-\(getpid())"
        ScratchFile.register(path)
    }

    /// Writes `bytes` with `magic` over their first bytes, so that every input reaches the reader
    /// the magic selects (the seeds already carry it). `false` when the file cannot be written.
    public func write(_ bytes: UnsafeRawBufferPointer, magic: [UInt8] = []) -> Bool {
        guard let file = fopen(path, "wb") else { return false }
        defer { fclose(file) }
        var data = Array(bytes)
        for (index, byte) in magic.enumerated() where index < data.count { data[index] = byte }
        return data.withUnsafeBytes { fwrite($0.baseAddress, 1, $0.count, file) == $0.count }
    }

    /// Writes several files named `path-0`, `path-1`, …; returns their paths.
    public func write(parts: [UnsafeRawBufferPointer]) -> [String] {
        var paths: [String] = []
        for (index, part) in parts.enumerated() {
            let file = ScratchFile(suffixOf: self, index)
            guard file.write(part) else { break }
            paths.append(file.path)
        }
        return paths
    }

    private init(suffixOf base: ScratchFile, _ index: Int) {
        path = "\(base.path)-\(index)"
        ScratchFile.register(path)
    }

    nonisolated(unsafe) private static var paths: Set<String> = []

    private static func register(_ path: String) {
        if paths.isEmpty { atexit { ScratchFile.removeAll() } }
        paths.insert(path)
    }

    private static func removeAll() {
        for path in paths { unlink(path) }
    }
}
