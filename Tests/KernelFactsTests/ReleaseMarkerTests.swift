import KernelFacts
import KtriageTestSupport
import Testing

/// The kernel facts read from text — release, release parts, banner, machine line, VMCOREINFO
/// symbols — on lines made of the very markers they look for, overlapped and cut (`MarkerTexts`):
/// each finds a word or a label and slices after it, by characters (`KernelInfo`, `HardwareName`)
/// or by bytes (`KernelBanner`).
@Suite struct ReleaseMarkerTests {
    /// What `KernelRelease`, `KernelInfo`, `KernelBanner`, `HardwareName` and `VMCoreInfo` look for.
    static let markers = [
        "Linux version ", "Not", " tainted", "Not tainted ", "Tainted: ", "G", " W ", "#1", "(", ")", "6.1.0-56-amd64",
        "6.1.0-56-amd64 #1", "(2.6.32 #1)",
        "2.6.32", "-", ".", "generic", "amd64", ".x86_64", ", BIOS ", "Hardware name: ", "SYMBOL(", "=", "\n", " ",
        "\t",
    ]

    static let lines = MarkerTexts.texts(markers)

    /// Whether `text` holds `part`'s bytes (a character search would miss a part cut inside a character).
    static func holds(_ text: String, _ part: String) -> Bool {
        text.utf8.firstRange(of: part.utf8) != nil
    }

    @Test("every line made of release markers gives a plausible release it holds, or none")
    func markerLines() {
        var releases = 0
        for line in Self.lines {
            if let found = KernelRelease.fromTaintLine(line) {
                releases += 1
                #expect(KernelRelease.isPlausible(found.release) && Self.holds(line, found.release), "\(line)")
            }
            let known = KernelRelease.fromTaintLine("CPU: 0 PID: 1 Comm: x Not tainted 6.1.0-56-amd64 #1 " + line)
            #expect(known?.release == "6.1.0-56-amd64", "\(line)")
            if let release = KernelRelease.fromBanner(line) { #expect(Self.holds(line, release), "\(line)") }
            #expect(KernelBanner("Linux version 6.1.0 " + line)?.release == "6.1.0", "\(line)")
            let info = KernelInfo(release: line)
            for part in [info.version, info.build, info.flavour] {
                if let part { #expect(Self.holds(line, part), "\(line)") }
            }
        }
        #expect(releases > 5)
    }

    @Test("every machine line made of these markers splits into parts it holds")
    func machineLines() {
        for line in Self.lines {
            let name = HardwareName(line)
            #expect(Self.holds(line, name.hardware), "\(line)")
            if let bios = name.bios { #expect(Self.holds(line, bios), "\(line)") }
            _ = HardwareName.fromOopsLine(line)
            // The split is by characters: a combining mark right after `, BIOS ` joins its space
            // and the marker is not there.
            if !line.hasPrefix(MarkerTexts.combiningMark) {
                #expect(HardwareName("Box, BIOS " + line).hardware == "Box", "\(line)")
            }
            let info = VMCoreInfo(text: Array(("SYMBOL(a)=1\n" + line).utf8))
            #expect(info.symbols.first?.name == "a", "\(line)")
        }
    }
}
