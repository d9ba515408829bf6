import KernelLog
import Testing

/// Damaged input: never a trap or a hang; corrupted records or none.
@Suite struct BadInputTests {
    @Test func binaryJunk() {
        var rng = SystemRandomNumberGenerator()
        var bytes = (0..<200_000).map { _ in UInt8.random(in: 0...255, using: &rng) }
        // Sprinkle headers into the junk.
        for (i, h) in ["BUG: ", "WARNING: ", "Call Trace:", "general protection fault", "Kernel panic - not syncing: "]
            .enumerated()
        {
            bytes.replaceSubrange((i * 1000)..<(i * 1000 + h.utf8.count), with: Array(h.utf8))
        }
        let records = FrontDoor.records(bytes)
        #expect(records.count <= CrashReportParser.maxRecords)
    }

    @Test func tenMegabyteLine() {
        var bytes = Array("[ 1.0] BUG: unable to handle kernel paging request at ".utf8)
        bytes.append(contentsOf: [UInt8](repeating: UInt8(ascii: "f"), count: 10_000_000))
        bytes.append(contentsOf: Array("\n[ 1.1] RIP: 0010:foo+0x1/0x2\n".utf8))
        let records = FrontDoor.records(bytes)
        #expect(records.count == 1)
        #expect((records.first?.message.utf8.count ?? 0) <= CrashReportParser.maxLineBytes)
    }

    @Test func headerOnlyIsCorrupted() throws {
        let r = try #require(FrontDoor.records("[ 1.0] WARNING:\n").first)
        #expect(r.corrupted)
        #expect(r.corruptedReason != nil)
    }

    @Test func missingFramesIsCorrupted() throws {
        let log = """
            [ 1.0] general protection fault: 0000 [#1] SMP
            [ 1.1] CPU: 0 PID: 1 Comm: x Not tainted 5.0.0 #1
            [ 1.2] Call Trace:
            [ 1.3] garbage
            [ 1.4] more garbage
            [ 1.5] and more
            """
        let r = try #require(FrontDoor.records(log).first)
        #expect(r.corrupted)
        #expect(r.title == "general protection fault in corrupted")
    }

    @Test func manyReportsStayBounded() {
        var text = ""
        for i in 0..<3000 {
            text +=
                "[ \(i).0] WARNING: CPU: 0 PID: 1 at a.c:\(i) f\(i % 7)+0x1/0x2\n[ \(i).1] RIP: 0010:f\(i % 7)+0x1/0x2\n"
        }
        let records = FrontDoor.records(text)
        #expect(records.count == 3000)
        #expect(Set(records.map(\.signature)).count == 7)
    }
}
