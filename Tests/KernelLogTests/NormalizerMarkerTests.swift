import KtriageTestSupport
import Testing

@testable import KernelLog

/// The title normalizer on titles made of the very tokens it rewrites, overlapped and cut
/// (`MarkerTexts`): each pass reads a token from a byte index up to where its digits end, and the
/// last one cuts at a byte count that may fall inside a character.
@Suite struct NormalizerMarkerTests {
    /// The tokens `TitleNormalizer` rewrites, and the bytes that start or end them.
    static let markers = [
        "syz-executor", "syzkaller", "1", "/", ":", "0x", "ADDR", "abcdef", "1234567", "10.0.0.1", ".", ".c", ".c:",
        ":12", "+", "+0x1", "/0x2", "+ADDR/ADDR", "CPU#", "#", " ", "\t", "\u{7}", "é", "foo",
    ]

    static let titles = MarkerTexts.texts(markers)

    /// What every normalized title is: at most 120 printable ASCII bytes, single spaces, none at either end.
    static func isNormalized(_ title: String) -> Bool {
        let bytes = Array(title.utf8)
        return bytes.count <= TitleNormalizer.maxTitleBytes && bytes.allSatisfy { $0 >= 0x20 && $0 < 0x7F }
            && !title.contains("  ") && bytes.first != 0x20 && bytes.last != 0x20
    }

    @Test("every title made of normalizer tokens normalizes, and a known head stays as it was")
    func markerTitles() {
        var normalized = 0
        for title in Self.titles {
            #expect(Self.isNormalized(TitleNormalizer.normalize(title)), "\(title)")
            let known = TitleNormalizer.normalize("WARNING in foo_bar+0x1/0x2 " + title)
            #expect(known.hasPrefix("WARNING in foo_bar"), "\(title)")
            #expect(Self.isNormalized(known))
            // Past the 120-byte cut, in the middle of what the tokens make.
            let long = String(repeating: "a", count: 110) + title + title
            #expect(Self.isNormalized(TitleNormalizer.normalize(long)), "\(title)")
            normalized += 3
        }
        #expect(TitleNormalizer.normalize("syz-executor12/3 CPU#1 at 0xffffffff81234567") == "syz-executor CPU at ADDR")
        #expect(normalized > 4000)
    }
}
