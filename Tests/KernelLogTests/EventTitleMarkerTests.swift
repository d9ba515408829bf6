import KtriageTestSupport
import Testing

@testable import KernelLog

/// The title helpers of node events and lockdep lines on lines made of the very markers they look
/// for, overlapped and cut (`MarkerTexts`): each finds a label (`EDAC MC`, `(device`, `): `,
/// `:(`, `NETDEV WATCHDOG: `, `at: `) and slices from its end to a later `)`, `:` or ` in `.
@Suite struct EventTitleMarkerTests {
    /// What the helpers of `TitleEngine+Event` and `TitleEngine.atFunction` look for.
    static let markers = [
        "EDAC MC", "EDAC MC0: ", ":", " CE ", "EXT4-fs error (device", "(", ")", ": ", " in ", "XFS", " detected at ",
        "Caller ", "Internal error ", "metadata I/O error", "\"", "BTRFS: error (device", ") in ", "BTRFS", "): ",
        "forced readonly", "Shutting down filesystem", " (0x", " Detected", " error, dev ", ":(", "NETDEV WATCHDOG: ",
        "CPU:", ",", "at: ", "[<", "]", "event severity: ", "section_type: ", " ", "foo_bar",
    ]

    static let lines = MarkerTexts.texts(markers)

    @Test("every line made of event markers gets the title of its family's form")
    func markerLines() {
        var titled = 0
        for line in Self.lines {
            #expect(TitleEngine.edacTitle(line).hasBytePrefix("EDAC: "), "\(line)")
            #expect(!TitleEngine.filesystemErrorTitle(line).isEmpty, "\(line)")
            #expect(TitleEngine.readOnlyTitle(line).contains(": "), "\(line)")
            #expect(TitleEngine.blockErrorTitle(line).hasBytePrefix("block: "), "\(line)")
            #expect(TitleEngine.netdevWatchdogTitle(line).hasBytePrefix("NETDEV WATCHDOG: "), "\(line)")
            if let title = TitleEngine.apeiTitle([line, line]) { #expect(title.hasBytePrefix("hardware error: ")) }
            if let function = TitleEngine.atFunction(line) { #expect(!function.isEmpty) }
            _ = TitleEngine.lastField(line)
            _ = TitleEngine.lastWord(line[...])
            _ = TitleEngine.stableHead(line[...])
            titled += 1
        }
        #expect(titled == Self.lines.count)
    }

    @Test("a known line after each marker still gets its function")
    func knownLineAfterEachMarker() {
        // Lines that hold the labels themselves would be read at their own first label.
        for line in Self.lines
        where !line.containsBytes("(device") && !line.containsBytes(":(")
            && !line.containsBytes("error, dev")
        {
            let ext4 = line + " EXT4-fs error (device sda1): ext4_lookup:1855: inode #2"
            #expect(TitleEngine.filesystemErrorTitle(ext4).hasSuffix(" error in ext4_lookup"), "\(line)")
            let block = line + " I/O error, dev sda, sector 2048 op 0x1:(WRITE) flags 0x0"
            #expect(TitleEngine.blockErrorTitle(block).hasSuffix(" error on WRITE"), "\(line)")
        }
    }
}
