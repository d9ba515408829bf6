import Testing

@testable import KernelLog

@Suite("Chunk landmarks")
struct LandmarkFinderTests {
    static func note(host: Int?, mayMatter: Bool = false, stamped: Bool = false, asked: Bool = true) -> LineNote {
        var note = LineNote(length: 10)
        if asked { note.note(host: host, mayMatter: mayMatter, stamped: stamped) }
        return note
    }

    @Test("the walk visits a host's first line, its first stamped line and every line that may matter")
    func landmarks() {
        let notes = [
            Self.note(host: 0),  // 0: host 0 first seen
            Self.note(host: 0),
            Self.note(host: nil, asked: false),  // another program's line: never visited
            Self.note(host: 1, stamped: true),  // 3: host 1 first seen, stamped
            Self.note(host: 0, stamped: true),  // 4: host 0's first stamp
            Self.note(host: 0, stamped: true),
            Self.note(host: 1, mayMatter: true),  // 6: a header literal
            Self.note(host: nil),  // 7: the stream without a host
            Self.note(host: nil, stamped: true),  // 8: its first stamp
            Self.note(host: 1),
        ]
        var finder = LandmarkFinder()
        for (index, note) in notes.enumerated() { finder.look(at: note, index: index, offset: index * 11) }
        #expect(finder.found.map(\.index) == [0, 3, 4, 6, 7, 8])
        #expect(finder.found.map(\.offset) == [0, 33, 44, 66, 77, 88])
    }
}
