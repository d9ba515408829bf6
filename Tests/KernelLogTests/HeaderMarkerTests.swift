import KernelFacts
import KtriageTestSupport
import Testing

@testable import KernelLog

/// The header matcher and the title engine on lines made of the header table's own literals,
/// overlapped and cut (`MarkerTexts`): the matcher turns a byte offset into the literal's range,
/// the panic-line check slices before `Kernel panic`, and the engine drops the literal's
/// characters from a range found by bytes (`afterLiteral`).
@Suite struct HeaderMarkerTests {
    /// The header literals, what the matcher also looks for around them, and the panic line's words.
    static let markers: [String] = {
        var markers = CrashHeaders.table.map(\.literal)
        markers += [
            "Kernel panic - not syncing: Oops", "---[ end ", " CE ", " UE ", "recovery action for", "XFS", "BTRFS",
            " ", "x",
        ]
        var seen = Set<String>()
        return markers.filter { seen.insert($0).inserted }
    }()

    static let lines = MarkerTexts.texts(markers)

    @Test("every line made of header literals matches its literal's own bytes, and titles")
    func markerLines() {
        var matched = 0
        for line in Self.lines {
            guard let (header, range) = CrashHeaders.match(line) else { continue }
            matched += 1
            #expect(line.utf8[range].elementsEqual(header.literal.utf8), "\(line)")
            let lines = [line, "Call Trace:", " foo_bar+0x1/0x2", " baz+0x3/0x4"]
            let title = TitleEngine(lines: lines, header: header).make().title
            #expect(!title.isEmpty, "\(line)")
            #expect(TitleNormalizer.normalize(title).utf8.count <= TitleNormalizer.maxTitleBytes)
        }
        // Every literal alone matches, unless it is one the matcher wants more around.
        #expect(matched > Self.markers.count * Self.markers.count / 2)
    }

    @Test("each header literal with the combining mark after it matches at its own bytes, or not at all")
    func literalWithCombiningMark() throws {
        let panic = try #require(CrashHeaders.match("Kernel panic - not syncing: Oops - BUG: Fatal exception"))
        #expect(panic.header.family == .kernelPanic)
        for header in CrashHeaders.table {
            let line = "  " + header.literal + MarkerTexts.combiningMark + " foo in bar"
            guard let (found, range) = CrashHeaders.match(line) else { continue }
            #expect(line.utf8[range].elementsEqual(found.literal.utf8), "\(line)")
            #expect(!TitleEngine(lines: [line], header: found).make().title.isEmpty, "\(line)")
        }
    }
}
