import KtriageTestSupport
import Testing

@testable import KernelLog

/// The report field reader on lines made of the very markers it looks for, overlapped and cut:
/// where it searches for one marker and slices up to another, a marker found inside the one
/// before (`INFO: task blocked for more than`: the blocked-for marker on the prefix's own space)
/// once gave a range that ended before it began.
@Suite struct FieldMarkerTests {
    /// The markers `FieldExtractor` looks for, as the kernel prints them.
    static let markers = [
        "CPU: ", "Pid: ", "PID: ", "Comm: ", "Workqueue: ", "Modules linked in:", "Not tainted", "Tainted: ",
        "Code: ", "INFO: task ", " blocked for more than ", "task:", " state:", " pid:", "[last unloaded:",
        "Hardware name: ", "ESR = ", "Krnl PSW : ", "Krnl GPRS: ", "RIP: ", "RAX: ", "x0 : ", "pc : ", "NIP: ",
        " comm: ", "Call Trace:", "(", ")", ":", "[", "]", " ", "0010:",
    ]

    static let lines = MarkerTexts.texts(markers)

    @Test("every line made of field markers reads, alone and after every other")
    func markerLines() {
        var read = 0
        for line in Self.lines {
            var fields = FieldExtractor()
            fields.scan([line])
            var indented = FieldExtractor()
            indented.scan(["  " + line, line, "Call Trace:", " " + line])
            read += 1
        }
        // Pairs of lines: a report's fields come from several (a hung task's `task:` line after
        // its `INFO: task` line).
        for first in Self.markers {
            for second in Self.lines where second.count < 40 {
                var fields = FieldExtractor()
                fields.scan([first + "a:1", second])
                read += 1
            }
        }
        #expect(read > 10_000)
    }
}
