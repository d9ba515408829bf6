import KtriageTestSupport
import Testing

@testable import KernelLog

/// ``FramePatternSet`` answers exactly as testing every pattern of its list in turn.
@Suite struct FramePatternSetTests {
    /// Names made from the patterns' own texts (whole, cut, extended, embedded), random ASCII,
    /// and names with other characters, which `String` compares by canonical equivalence.
    static func names(for patterns: [FramePattern], seed: UInt64) -> [String] {
        var random = SplitMix(seed: seed)
        let texts = patterns.map { pattern in
            switch pattern {
            case .prefix(let text), .exact(let text), .contains(let text), .suffix(let text): text
            }
        }
        let alphabet = Array("abcdefghijklmnopqrstuvwxyz_0123456789.")
        func word(_ length: Int) -> String { String((0..<length).map { _ in alphabet.randomElement(using: &random)! }) }
        var names = ["", "a", "_", "\u{212A}", "e\u{301}", "\r\n"]
        for text in texts {
            names += [
                text, String(text.dropLast()), String(text.dropFirst()), text + word(3), word(3) + text,
                word(2) + text + word(4), text.uppercased(), text + "\u{301}", "\u{212A}" + text, text + "\u{212A}",
                "é" + text, String(text.prefix(2)),
            ]
        }
        for _ in 0..<2_000 {
            let length = Int.random(in: 0...30, using: &random)
            var name = word(length)
            if Bool.random(using: &random), let text = texts.randomElement(using: &random) {
                let cut = Int.random(in: 0...name.count, using: &random)
                name = String(name.prefix(cut)) + text + String(name.dropFirst(cut))
            }
            names.append(name)
        }
        return names
    }

    @Test("the skip lists' sets match exactly the names their patterns match", arguments: [1, 2, 3] as [UInt64])
    func sameAnswers(seed: UInt64) {
        let sets = [
            FrameSkipList.global, FramePatternSet(StackAnchors.stall), FramePatternSet(StackAnchors.hungTaskSkip),
        ]
        for set in sets {
            var matched = 0
            for name in Self.names(for: set.patterns, seed: seed) {
                let expected = set.patterns.matchesAny(name)
                #expect(set.matchesAny(name) == expected, "\(name.debugDescription)")
                if expected { matched += 1 }
            }
            #expect(matched > 100)
        }
    }

    @Test("each kind of pattern: where it must stand, and short patterns")
    func kinds() {
        let set = FramePatternSet([.prefix("ab"), .exact("xyz"), .contains("mid"), .suffix("_end"), .prefix("q")])
        #expect(set.matchesAny("abc") && !set.matchesAny("cab"))
        #expect(set.matchesAny("xyz") && !set.matchesAny("xyzz") && !set.matchesAny("axyz"))
        #expect(set.matchesAny("amidb") && set.matchesAny("mid") && !set.matchesAny("mi"))
        #expect(set.matchesAny("a_end") && !set.matchesAny("a_endx"))
        #expect(set.matchesAny("q") && set.matchesAny("qq") && !set.matchesAny("aq"))
        // Canonical equivalence, as `String` compares: the Kelvin sign is "K".
        let kelvin = FramePatternSet([.exact("K")])
        #expect(kelvin.matchesAny("\u{212A}") == [FramePattern.exact("K")].matchesAny("\u{212A}"))
    }
}
