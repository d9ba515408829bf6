import KernelFacts
import KtriageTestSupport
import Testing

@testable import KernelLog

@Suite struct HeaderPrefilterTests {
    static func may(_ s: String) -> Bool {
        Array(s.utf8).withUnsafeBytes { HeaderPrefilter.shared.mayContainHeader($0) }
    }

    @Test func everyLiteralIsFoundAnywhereInALine() {
        for h in CrashHeaders.table {
            #expect(Self.may(h.literal), "\(h.literal)")
            #expect(Self.may("xx " + h.literal + " yy"), "\(h.literal)")
            #expect(Self.may("prefix: " + h.literal), "\(h.literal)")
        }
    }

    /// The gram lookups run at a fixed stride: a literal must be found at every alignment and
    /// with any tail, not only where the stride happens to fall.
    @Test func everyLiteralIsFoundAtEveryOffset() {
        for h in CrashHeaders.table + [CrashHeader(literal: CrashHeaders.bootBanner, family: .reboot, role: .start)] {
            for lead in 0..<24 {
                for tail in [0, 1, 5, 30] {
                    let line = String(repeating: "q", count: lead) + h.literal + String(repeating: "z", count: tail)
                    #expect(Self.may(line), "\(h.literal) after \(lead) bytes, \(tail) after")
                }
            }
        }
    }

    /// The prefilter decides which lines reach the crash parser, so it must answer exactly "some
    /// literal is in the line" — no line missed, none let through that holds none (a parser fed
    /// an extra line can change state). Lines built from literals, near misses (a byte changed,
    /// cut short), colons and words, against a plain substring search.
    @Test func answersExactlyWhetherALiteralOccurs() {
        let literals = CrashHeaders.literals.map { Array($0.utf8) }
        let words = ["usb", "eth0:", "x", ":", ": ", "  ", "[<ffffffff8100>]", "é", "0000:00:1f.0", "kernel:"]
            .map { Array($0.utf8) }
        var random = SplitMix(seed: 0x5EED_F11E)
        func contains(_ line: [UInt8], _ literal: [UInt8]) -> Bool {
            guard literal.count <= line.count else { return false }
            return (0...(line.count - literal.count)).contains { start in
                line[start..<(start + literal.count)].elementsEqual(literal)
            }
        }
        var positives = 0
        for round in 0..<6_000 {
            var line: [UInt8] = []
            for _ in 0..<Int.random(in: 1...6, using: &random) {
                var piece: [UInt8]
                switch Int.random(in: 0..<5, using: &random) {
                case 0: piece = literals.randomElement(using: &random) ?? []
                case 1:
                    piece = literals.randomElement(using: &random) ?? []
                    if !piece.isEmpty { piece[Int.random(in: 0..<piece.count, using: &random)] ^= 0x20 }
                case 2:
                    let literal = literals.randomElement(using: &random) ?? []
                    piece = Array(literal.dropLast(Int.random(in: 1...max(1, literal.count), using: &random)))
                case 3: piece = words.randomElement(using: &random) ?? []
                default:
                    piece = (0..<Int.random(in: 0...12, using: &random)).map { _ in
                        UInt8.random(in: 32...126, using: &random)
                    }
                }
                line += piece
            }
            let expected = literals.contains { contains(line, $0) }
            if expected { positives += 1 }
            let answer = line.withUnsafeBytes { HeaderPrefilter.shared.mayContainHeader($0) }
            #expect(answer == expected, "round \(round): \(String(decoding: line, as: UTF8.self))")
            if answer != expected { break }
        }
        // Both answers occur often enough to mean something.
        #expect(positives > 600 && positives < 5_400)
    }

    @Test func shortLiteralsEndInAColon() {
        for h in CrashHeaders.table where h.literal.utf8.count < HeaderPrefilter.window {
            #expect(h.literal.contains(":"), "\(h.literal) must end in a colon for the short-literal scan")
        }
    }

    @Test(arguments: [
        "usb 1-1: new high-speed USB device number 2 using xhci_hcd",
        "EXT4-fs (sda1): mounted filesystem with ordered data mode. Opts: (null)",
        "IPv6: ADDRCONF(NETDEV_CHANGE): eth0: link becomes ready",
        "audit: type=1400 audit(1700000000.123:456): apparmor=\"STATUS\"",
        "", "BUG", "x:",
    ])
    func ordinaryLinesPass(_ line: String) {
        #expect(!Self.may(line))
    }
}

@Suite struct ByteSearchTests {
    @Test func findsNeedles() {
        #expect("abc ---[ end trace 0 ]---".hasBytes("---[ end trace"))
        #expect(!"---[ end trac".hasBytes("---[ end trace"))
        #expect("xx".dropFirst().hasBytes("x"))
        #expect(!"".hasBytes("x"))
    }

    /// The byte searches `containsBytes`, `byteRange(of:)` and `hasBytePrefix` answer as the
    /// standard ones would: indices stay valid after multi-byte text, and substrings work.
    @Test func byteOverloadsMatchStringSemanticsOnKernelText() {
        let line = "comm: \u{00E9}t\u{00E9} \u{1F600} Tainted: G W 6.1.0"
        let range = line.byteRange(of: " Tainted: ")
        #expect(range.map { String(line[$0]) } == " Tainted: ")
        #expect(range.map { String(line[$0.upperBound...]) } == "G W 6.1.0")
        #expect(line.byteRange(of: "absent") == nil)
        #expect(line.containsBytes("\u{1F600} Taint"))
        #expect(!line.containsBytes("tainted:"))
        let tail = line.dropFirst(6)
        #expect(tail.hasBytePrefix("\u{00E9}t\u{00E9}"))
        #expect(!tail.hasBytePrefix("comm"))
        #expect(tail.byteRange(of: "G W").map { String(tail[$0]) } == "G W")
        #expect("".hasBytePrefix(""))
        #expect("abc".containsBytes(""))
        // The last occurrence, after multi-byte text and in a substring.
        let locks = "\u{00E9} at: a+0x1/0x2, at: b+0x3/0x4"
        #expect(locks.lastByteRange(of: "at: ").map { String(locks[$0.upperBound...]) } == "b+0x3/0x4")
        #expect(locks.dropFirst(2).lastByteRange(of: "\u{00E9}") == nil)
        #expect(locks.lastByteRange(of: "absent") == nil)
        #expect("a".lastByteRange(of: "ab") == nil)
    }
}
