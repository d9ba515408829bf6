import Testing

@testable import CrashOutput
@testable import KernelDump

/// A task's name is what the process set (`prctl(PR_SET_NAME)`, any bytes but NUL), read out of
/// the dump as it was: `vmcore ps` and `vmcore bt` printed escape sequences to the terminal.
@Suite("vmcore text: names from the dump cannot drive the terminal")
struct DumpTextEscapeTests {
    static let hostile = "evil\u{1B}]0;owned\u{07}\u{1B}[2J"
    static let shown = "evil\\x1B]0;owned\\x07\\x1B[2J"

    @Test("vmcore ps shows control bytes of a comm as \\xNN")
    func psComm() {
        var facts = DumpFacts()
        facts.tasks = [
            DumpTask(
                pid: 4242, ppid: 1, cpu: 0, task: 0xffff_8880_0123_4000, state: "RU", stateBits: 0, comm: Self.hostile,
                active: false, kernelThread: false)
        ]
        let text = VmcorePsText.render(facts)
        #expect(!text.contains("\u{1B}"))
        #expect(text.contains(Self.shown))
    }

    @Test("vmcore bt shows control bytes of a comm and a frame name as \\xNN")
    func backtraceComm() {
        let frame = DumpFrame(
            address: 0xffff_ffff_8100_0000, stackPointer: 0xffff_c900_0000_0f00, function: Self.hostile, offset: 4,
            module: Self.hostile, exception: false)
        let trace = DumpBacktrace(
            pid: 4242, comm: Self.hostile, cpu: 0, task: 0xffff_8880_0123_4000, active: true, frames: [frame],
            problem: nil)
        let text = VmcoreBacktraceText.render([trace], problems: [])
        #expect(!text.contains("\u{1B}"))
        #expect(text.contains("COMMAND: \"\(Self.shown)\""))
        #expect(text.contains(Self.shown + "+0x4 at ffffffff81000000 [" + Self.shown + "]"))
    }

    @Test("vmcore info shows control bytes of the command line as \\xNN")
    func infoCommandLine() {
        var facts = DumpFacts()
        facts.commandLine = "root=/dev/sda1 " + Self.hostile
        let text = VmcoreInfoText.factRows(facts)
        #expect(!text.contains("\u{1B}"))
        #expect(text.contains("root=/dev/sda1 " + Self.shown))
    }
}
