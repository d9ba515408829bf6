import Foundation
import KtriageBytes
import KtriageReader
import Testing

@Suite("Limits: folder walking")
struct InputWalkerLimitTests {
    /// A log file under `levels` nested folders (the root is level 0); returns the root.
    func nested(levels: Int) throws -> (root: String, log: String) {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent(
            "ktriage-depth-\(levels)-\(getpid())")
        try? FileManager.default.removeItem(at: root)
        var folder = root
        for level in 0..<levels { folder.appendPathComponent("d\(level)") }
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let log = folder.appendingPathComponent("dmesg.log")
        try Data("[    1.000000] hello\n".utf8).write(to: log)
        return (root.path, log.path)
    }

    @Test(
        "folder depth: a log InputWalker.maxDepth − 1 folders down is found, one folder deeper is skipped with a note")
    func depth() throws {
        #expect(InputWalker.maxDepth == 64)
        let (root, log) = try nested(levels: InputWalker.maxDepth - 1)
        defer { try? FileManager.default.removeItem(atPath: root) }
        var walker = InputWalker()
        walker.add(root)
        #expect(walker.items.map(\.path) == [log])
        #expect(walker.notes.isEmpty)

        let (deepRoot, _) = try nested(levels: InputWalker.maxDepth)
        defer { try? FileManager.default.removeItem(atPath: deepRoot) }
        var deep = InputWalker()
        deep.add(deepRoot)
        #expect(deep.items.isEmpty)
        #expect(deep.notes.contains { $0.message == "folder nesting deeper than 64: skipped" && !$0.isError })
    }
}
