import KtriageTestSupport
import Testing

@testable import KernelLog

/// The call-trace line parser on lines made of the very markers it looks for, overlapped and cut
/// (`MarkerTexts`): it skips a printed address, slices a name up to its offset, a module up to its
/// `]`, an arm32 caller after `) from `, and an instruction pointer after its marker.
@Suite struct FrameMarkerTests {
    /// What `FrameParser` looks for, as the kernel prints it.
    static let markers =
        [
            " ", "(", ")", "[", "]", "[]", "[<", ">]", "? ", "0x", "+0x1", "/0x2", "+0x1/0x2", " [mod]", " [mod 1a2b]",
            "[inline]", " (", ".c:12", ") from ", "(unreliable)", ".", "foo", "ffffffff81234567", "Krnl PSW : ",
            "0010:",
            "<IRQ>", "</IRQ>", "<#DF>", "</#",
        ] + FrameParser.ipMarkers

    static let lines = MarkerTexts.texts(markers)

    @Test("every line made of frame markers parses to a frame it holds, or to none")
    func markerLines() {
        var frames = 0
        for line in Self.lines {
            // Whatever follows a frame, the frame is read.
            let known = FrameParser.parse((" [<ffffffff81234567>] foo+0x1/0x2 " + line)[...])
            #expect(known?.frame.function == "foo" && known?.frame.address == 0xffff_ffff_8123_4567, "\(line)")
            for text in [line, " " + line + " foo+0x1/0x2", "[<ffffffff81234567>] " + line, line + " [mod]"] {
                guard let parsed = FrameParser.parse(text[...]) else { continue }
                frames += 1
                #expect(text.containsBytes(parsed.frame.function), "\(text)")
                #expect(parsed.titleNames.allSatisfy { !$0.isEmpty }, "\(text)")
            }
            for text in [line, line + " foo+0x1/0x2", line + " 0010:foo+0x1/0x2"] {
                if let parsed = FrameParser.parseInstructionPointer(text[...]) {
                    #expect(text.containsBytes(parsed.frame.function), "\(text)")
                }
            }
            _ = FrameParser.contextMarker(line[...])
        }
        // Most texts hold no frame, but those made of a name and its offset do.
        #expect(frames > 100)
    }

    @Test("an instruction pointer after each of its markers, and after the combining mark, names its function")
    func instructionPointerAfterEachMarker() {
        for marker in FrameParser.ipMarkers {
            let parsed = FrameParser.parseInstructionPointer((marker + " 0010:foo_bar+0x1/0x2")[...])
            #expect(parsed?.titleName == "foo_bar", "\(marker)")
            // A combining mark joins the marker's last character: the bytes still start with the marker.
            let marked = FrameParser.parseInstructionPointer((marker + MarkerTexts.combiningMark + " foo+0x1/0x2")[...])
            #expect(marked == nil || marked?.titleName == "foo", "\(marker)")
        }
    }
}
