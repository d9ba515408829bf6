import Foundation
import KernelLog
import KtriageBytes
import KtriageTestSupport
import Testing

@testable import KtriageReader

#if canImport(Glibc)
    import Glibc
#endif

/// A log truncated by another program while ktriage reads it (`logrotate`'s copytruncate): the
/// mapped file's pages past the new end would raise SIGBUS. The reading goes on over zeros and
/// ends in a read error naming the file, the reports before it kept.
@Suite("Inputs cut short while read")
struct CutShortInputTests {
    static let report = """
        [    1.000000] BUG: kernel NULL pointer dereference, address: 0000000000000008
        [    1.000001] #PF: supervisor read access in kernel mode
        [    1.000002] Oops: 0000 [#1] PREEMPT SMP NOPTI
        [    1.000003] CPU: 0 PID: 1 Comm: swapper/0 Not tainted 6.1.0-18-amd64 #1  Debian 6.1.76-1
        [    1.000004] RIP: 0010:mydrv_probe+0x12/0x40 [mydrv]
        [    1.000005] Call Trace:
        [    1.000006]  <TASK>
        [    1.000007]  mydrv_probe+0x12/0x40 [mydrv]
        [    1.000008]  really_probe+0xde/0x380
        [    1.000009]  </TASK>
        [    1.000010] ---[ end trace 0000000000000000 ]---

        """

    @Test(
        "one pass and chunks on two threads: a read error naming the file, the report before kept", arguments: [1, 2])
    func truncatedWhileRead(jobs: Int) throws {
        let filler = (0..<6000).map {
            "[    2.\(String(format: "%06d", $0))] usb 1-1: new high-speed USB device number \($0)\n"
        }
        let text = Self.report + filler.joined()
        let path = Fixtures.temporaryFolder("cut-short") + "/kern-\(jobs).log"
        #expect(Fixtures.write(Array(text.utf8), to: path))
        var reader = CrashReader()
        reader.jobs = jobs
        reader.chunkBytes = 64 << 10
        var truncated = false
        let report = reader.read(
            InputWalker.Item(path: path, kind: .text),
            onLine: { _ in
                // At the first line handed on (the report's header), the file is cut to one page.
                if !truncated {
                    truncated = true
                    #expect(truncate(path, 4096) == 0)
                }
            })
        #expect(truncated)
        #expect(report.records.count == 1)
        #expect(report.records.first?.title == "BUG: unable to handle kernel NULL pointer dereference in mydrv_probe")
        let failure = try #require(report.failure)
        #expect(failure.description.contains(path))
        #expect(failure.description.contains("cut short while it was read"))
    }
}
