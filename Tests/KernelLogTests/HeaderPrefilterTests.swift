import KernelFacts
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
    }
}
