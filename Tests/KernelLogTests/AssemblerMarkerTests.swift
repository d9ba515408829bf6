import KtriageTestSupport
import Testing

@testable import KernelLog

/// The record assembler's own readers on lines made of the very markers they look for,
/// overlapped and cut (`MarkerTexts`): the OOM victim is sliced between `Killed process ` and
/// the `(…)` after it, a merged stamp is read from `[` to `]`, and the stack check reads frames
/// after each stack marker.
@Suite struct AssemblerMarkerTests {
    /// What `RecordAssembler.oomVictim`, `containsTimestamp` and `stackProblem` look for.
    static let markers = [
        "Killed process ", "ill process ", "Kill process ", "42", "42 (a)", "Killed process 42 (", " ", "(", ")", "()",
        "(a)", "[", "]", ".", "[ 1.5]",
        "Call Trace:", "Backtrace:", "(stack is not available)", " foo+0x1/0x2",
    ]

    static let lines = MarkerTexts.texts(markers)

    static let knownVictim = "Killed process 42 (postgres) total-vm:1kB"

    @Test("every line made of assembler markers reads: a victim it holds, a stamp, a stack problem")
    func markerLines() {
        var victims = 0
        for line in Self.lines {
            if let victim = RecordAssembler.oomVictim([line]) {
                victims += 1
                #expect(line.containsBytes(victim.comm) && victim.pid >= 0, "\(line)")
            }
            if !line.containsBytes("process ") {
                #expect(
                    RecordAssembler.oomVictim([line, Self.knownVictim]).map { "\($0.comm) \($0.pid)" } == "postgres 42")
            }
            #expect(RecordAssembler.containsTimestamp("x [ 12.345678] " + line), "\(line)")
            _ = RecordAssembler.containsTimestamp(line)
            _ = RecordAssembler.stackProblem(["BUG: x", line, " foo+0x1/0x2", line, "a", "b", "c"])
            // A stack whose frames follow its marker has no problem, whatever comes after (but a marker).
            if !StackWalker.isStackMarker(line) {
                let stack = ["BUG: x", "Call Trace:", " foo+0x1/0x2", " b", " c", line]
                #expect(RecordAssembler.stackProblem(stack) == nil, "\(line)")
            }
        }
        #expect(victims > 10)
    }
}
