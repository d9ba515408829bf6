import KernelFacts
import KtriageTestSupport
import Testing

@testable import KernelLog

/// The title helpers of `TitleEngine` (+Bug, +Other, +Warning) on reports whose header detail or
/// body lines are made of the very markers each helper slices at (`MarkerTexts`): a WARN site's
/// `CPU: … PID: … at path:line fn`, `--- interrupt: … at `, lockdep's `, at: `, KASAN's access
/// line, `not syncing:`, trusty's `ASSERT FAILED at (…): `, a slab cache between `BUG ` and a blank.
@Suite struct TitleHelperMarkerTests {
    /// One helper's report: a header, where the marker text goes, and what its title must hold.
    struct Form: Sendable, CustomStringConvertible {
        var literal: String
        /// The report for one marker text (line 0 is the header line).
        var lines: @Sendable (String) -> [String]
        /// One of these is in every title the form gets.
        var words: [String]
        var markers: [String]
        var description: String { literal }
    }

    static let stack = ["Call Trace:", " foo_bar+0x1/0x2", " baz_qux+0x3/0x4"]

    static let forms: [Form] = [
        Form(
            literal: "WARNING:", lines: { ["WARNING: " + $0] + stack }, words: ["WARNING"],
            markers: [
                "CPU:", "CPU: 0", " PID: ", "PID: 1", " at ", "at ", "[", "] ", "[<", "]", "net/core/dev.c", ":123",
                ".c:", ":", ",", " ", "dev_foo", "+0x1/0x2", "0x", ", CPU#1", "lib/refcount.c",
                "kernel/locking/lockdep.c", "mm/vmalloc.c", "__vmalloc_node", "usb_submit_urb", "kmalloc",
            ]),
        Form(
            literal: "WARNING:",
            lines: { ["WARNING: CPU: 0 PID: 1 at net/core/dev.c:1 dev_foo+0x1/0x2", $0] + stack },
            words: ["WARNING"],
            markers: ["--- interrupt:", "--- interrupt: 700", " at ", "at ", "dev_bar+0x1/0x2", "0x", " "]),
        Form(
            literal: "WARNING:", lines: { ["WARNING: kernel stack regs at " + $0] }, words: ["WARNING"],
            markers: [" has bad '", "'", "bp", " value", " in ", "ffffc900", " "]),
        Form(
            literal: "WARNING:", lines: { ["WARNING: suspicious RCU usage", $0] + stack },
            words: ["suspicious RCU usage"],
            markers: ["include/linux/rcupdate.h:301", ".h:", ".c:1", ":3", ".", ":", "h", "1"]),
        Form(
            literal: "WARNING:",
            lines: {
                ["WARNING: possible circular locking dependency detected", "is trying to acquire lock:", $0] + stack
            },
            words: ["possible deadlock", "circular locking"],
            markers: [
                "is trying to acquire lock:", ", at: ", "at: [<", "at: ", "[<ffffffff81000000>]", "]", "-irq-safe at:",
                "foo_lock+0x1/0x2", " ",
            ]),
        Form(
            literal: "WARNING:",
            lines: { ["WARNING: HARDIRQ-safe -> HARDIRQ-unsafe lock order detected", $0, " lock_x+0x1/0x2"] + stack },
            words: ["possible deadlock", "lock order"],
            markers: ["-irq-safe at:", "which became HARDIRQ-irq-safe at:", ", at: ", "at: ", "lock_x+0x1/0x2", " "]),
        Form(
            literal: "INFO:",
            lines: { ["INFO: rcu_sched self-detected stall on CPU", $0, " foo_bar+0x1/0x2"] + stack },
            words: ["rcu detected stall"],
            markers: [
                "apic_timer_interrupt", "] timer_interrupt", " timer_interrupt+", "Exception stack",
                "NMI backtrace for cpu", "Call Trace:", "foo_bar+0x1/0x2", " ",
            ]),
        Form(
            literal: "BUG:", lines: { ["BUG: KASAN: " + $0, "Read of size 8 at addr ffff888000000000"] + stack },
            words: ["KASAN"],
            markers: [
                " in ", " on address", "use-after-free", "double-free or invalid-free", "invalid-free", " at addr",
                "foo_bar+0x1/0x2", " ",
            ]),
        Form(
            literal: "BUG:", lines: { ["BUG: KASAN: use-after-free in foo_bar+0x1/0x2", $0] + stack }, words: ["KASAN"],
            markers: ["Read of size", "Write of size", "Read at addr", "Write at addr", " 8", " at addr "]),
        Form(
            literal: "BUG:", lines: { ["BUG: KMSAN: " + $0, " foo_bar+0x1/0x2", "Uninit was created at:"] + stack },
            words: ["KMSAN"],
            markers: [" in ", "kernel-usb-infoleak", "uninit-value", "foo_bar+0x1/0x2", " "]),
        Form(
            literal: "BUG:", lines: { ["BUG: KMSAN: kernel-usb-infoleak in foo_bar", $0, " baz_qux+0x3/0x4"] + stack },
            words: ["KMSAN"], markers: ["Uninit was created at", "created at:", " baz_qux+0x3/0x4", " "]),
        Form(
            literal: "BUG:", lines: { ["BUG: KCSAN: " + $0] + stack }, words: ["KCSAN"],
            markers: ["data-race", " in ", " / ", "foo_bar", " "]),
        Form(
            literal: "BUG:", lines: { ["BUG: KFENCE: " + $0] + stack }, words: ["KFENCE"],
            markers: [
                "use-after-free", "out-of-bounds", " read", " write", "read", "write", " in ", "invalid free",
                "invalid read", "invalid write", "memory corruption", "foo_bar+0x1/0x2",
            ]),
        Form(
            literal: "BUG:", lines: { ["BUG: " + $0] + stack }, words: ["BUG"],
            markers: ["spinlock ", "rwlock ", " on CPU", "CPU#0", ",", "bad magic", "lockup suspected", " "]),
        Form(
            literal: "BUG:", lines: { ["BUG: Dentry ffff{i=1,n=a} " + $0 + " still in use (1)"] }, words: ["Dentry"],
            markers: ["[unmount of ", "ext4 sda1", "]", " still in use", " "]),
        Form(
            literal: "BUG:",
            lines: { ["BUG: Bad page state in process a pfn:1", $0, " alloc_pages+0x1/0x2"] + stack },
            words: ["Bad page"],
            markers: ["page last allocated", "page last allocated via order 0", "[inline]", " alloc_pages+0x1/0x2"]),
        Form(
            literal: "BUG:", lines: { ["BUG: workqueue leaked lock or atomic: a/0x00000000/1", $0] + stack },
            words: ["workqueue leaked"], markers: ["last function:", "last function: ", "foo_work", " ", "+0x1/0x2"]),
        Form(
            literal: "BUG:", lines: { ["BUG: lock held when returning to user space!", $0] + stack },
            words: ["lock held"], markers: ["at: ", ", at: ", "at: [<", "[<ffffffff81000000>]", "]", "foo_lock+0x1"]),
        Form(
            literal: "Kernel panic", lines: { ["Kernel panic - not syncing: " + $0] + stack },
            words: ["kernel panic", "watchdog: hard lockup", "kernel stack overflow"],
            markers: [
                "not syncing:", "stack-protector: Kernel stack is corrupted in:", " ", "0x", "ffffffff81000000",
                "foo_bar", "corrupted stack end detected inside scheduler", "kernel stack overflow",
                "Attempted to kill init!", "Fatal exception", "Fatal machine check", "Machine check", "hard LOCKUP",
                "Watchdog detected hard LOCKUP", "softlockup: hung tasks",
            ]),
        Form(
            literal: "trusty: panic", lines: { ["trusty: panic " + $0] }, words: ["trusty: "],
            markers: ["ASSERT FAILED at (", "lib/a.c:1", "): ", ")", "(", "x == y", " "]),
        Form(
            literal: "BUG kmalloc-", lines: { ["BUG kmalloc-" + $0] }, words: ["BUG: "],
            markers: ["64", " (Not tainted)", "): ", "Poison overwritten", "BUG ", " ", "(", ")"]),
        Form(
            literal: "UBSAN:", lines: { ["UBSAN: " + $0] + stack }, words: ["UBSAN: "],
            markers: ["Undefined behaviour in", "array-index-out-of-bounds", " in ", "lib/a.c:1:2", " "]),
        Form(
            literal: "rust_kernel: panicked", lines: { ["rust_kernel: panicked at lib.rs:1:2:", $0] + stack },
            words: [" in "], markers: ["panicked at", "called `Option::unwrap()`", " ", ":"]),
        Form(
            literal: "SYZFAIL:", lines: { ["SYZFAIL: " + $0] }, words: ["SYZFAIL:"],
            markers: ["Sentry detected", "stuck task", " "]),
    ]

    static func header(_ literal: String) -> CrashHeader? { CrashHeaders.table.first { $0.literal == literal } }

    @Test("every report whose header or body is made of a helper's markers gets its family's title", arguments: forms)
    func markerReports(_ form: Form) throws {
        let header = try #require(Self.header(form.literal))
        let texts = MarkerTexts.texts(form.markers)
        for text in texts {
            let lines = form.lines(text)
            let title = TitleEngine(lines: lines, header: header).make().title
            // Bytes, not characters: a combining mark after the word's last character joins it.
            #expect(form.words.contains { title.containsBytes($0) }, "\(lines): \(title)")
        }
    }

    /// Known reports with their known titles (syzbot's forms).
    static let known: [(literal: String, lines: [String], title: String)] = [
        (
            "WARNING:", ["WARNING: CPU: 0 PID: 1 at net/core/dev.c:123 foo_bar+0x1/0x2"] + stack,
            "WARNING in foo_bar"
        ),
        (
            "BUG:", ["BUG: KASAN: use-after-free in foo_bar+0x1/0x2", "Read of size 8 at addr ffff8880"] + stack,
            "KASAN: use-after-free Read in foo_bar"
        ),
        (
            "Kernel panic", ["Kernel panic - not syncing: Attempted to kill init! exitcode=0x9"],
            "kernel panic: Attempted to kill init!"
        ),
        ("trusty: panic", ["trusty: panic ASSERT FAILED at (lib/a.c:12): x == y"], "trusty: ASSERT FAILED: x == y"),
        ("BUG kmalloc-", ["BUG kmalloc-64 (Not tainted): Poison overwritten"], "BUG: Poison overwritten"),
    ]

    @Test("a known report followed by a line made of any helper's markers keeps its title")
    func knownReportsKeepTheirTitles() throws {
        // Each form's own texts (all pairs across forms would take seconds); a powerpc interrupt
        // line names the interrupted function by design, so it is checked on its own below.
        let texts = Self.forms.flatMap { MarkerTexts.texts($0.markers) }
            .filter { !$0.containsBytes("Call Trace") && !$0.containsBytes("--- interrupt:") }
        for report in Self.known {
            let header = try #require(Self.header(report.literal))
            #expect(TitleEngine(lines: report.lines, header: header).make().title == report.title)
            for text in texts {
                let lines = report.lines + ["---[ end trace 0000000000000000 ]---", text]
                let title = TitleEngine(lines: lines, header: header).make().title
                #expect(title == report.title, "\(text)")
            }
        }
    }

    @Test("the interrupted function of a powerpc WARN is the one after `--- interrupt:`, not an earlier ` at `")
    func powerpcInterruptAfterItsMarker() throws {
        let header = try #require(Self.header("WARNING:"))
        let markers = ["--- interrupt:", "--- interrupt: 700", " at ", "at ", " at dev_baz", "dev_bar+0x1/0x2", " "]
        for text in MarkerTexts.texts(markers) {
            let engine = TitleEngine(lines: ["WARNING: CPU: 0 PID: 1 at a.c:1 foo_bar+0x1/0x2", text], header: header)
            guard let function = engine.powerpcInterrupt() else { continue }
            let marker = try #require(text.byteRange(of: "--- interrupt:"), "\(text)")
            #expect(text[marker.upperBound...].containsBytes(" at " + function), "\(text): \(function)")
        }
        let known = ["WARNING: CPU: 0 PID: 1 at a.c:1 foo_bar+0x1/0x2", "--- interrupt: 700 at dev_bar+0x1/0x2"]
        #expect(TitleEngine(lines: known, header: header).powerpcInterrupt() == "dev_bar")
    }
}
