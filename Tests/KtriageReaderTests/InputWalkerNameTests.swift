import Foundation
import KtriageReader
import KtriageTestSupport
import Testing

/// Folder entries are decoded to `String` paths; a name that is not UTF-8 decodes to another
/// name, which cannot be opened, and the walker dropped the file without a note.
@Suite("InputWalker: names that are not UTF-8")
struct InputWalkerNameTests {
    @Test("a file whose name is Latin-1 is skipped with a note, the others are read")
    func latin1Name() throws {
        let folder = Fixtures.temporaryFolder("ktriage-latin1")
        Fixtures.write(Array("[    1.000000] hello\n".utf8), to: folder + "/good.log")
        // `crash-é.log` in Latin-1: 0xE9 alone is not UTF-8.
        let rawName = Array(folder.utf8) + Array("/crash-".utf8) + [0xE9] + Array(".log".utf8) + [0]
        let descriptor = rawName.withUnsafeBufferPointer { name in
            name.baseAddress!.withMemoryRebound(to: CChar.self, capacity: name.count) {
                open($0, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
            }
        }
        try #require(descriptor >= 0)
        close(descriptor)
        var walker = InputWalker()
        walker.add(folder)
        #expect(walker.items.map(\.path) == [folder + "/good.log"])
        #expect(
            walker.notes.contains {
                $0.path == folder + "/crash-\u{FFFD}.log" && $0.message.contains("name is not UTF-8") && !$0.isError
            })
    }
}
