import Foundation
import KernelLog
import KtriageReader
import KtriageTestSupport
import Testing

/// The front door gives the same records however the input reaches it: a path, bytes in
/// memory, or chunks pushed through a feed.
@Suite("Front door")
struct CrashReaderTests {
    static let syslog = Fixtures.path("wrappers/syslog-bsd.log")
    static let dump = Fixtures.path("vmcore/synthetic-l5.kdump")

    static func bytes(_ path: String) throws -> [UInt8] {
        [UInt8](try #require(FileManager.default.contents(atPath: path)))
    }

    static func summary(_ records: [CrashRecord]) -> [String] {
        records.map { "\($0.kind.rawValue) \($0.title) \($0.host ?? "-") \($0.line) \($0.linkedTo ?? -1)" }
    }

    @Test("a syslog file: records of the path, the bytes and the text agree")
    func syslogAlike() throws {
        let reader = CrashReader(options: LogReaderOptions(referenceYear: 2017))
        let fromPath = try reader.records(path: Self.syslog)
        #expect(
            fromPath.first?.title == "BUG: unable to handle kernel NULL pointer dereference in ieee80211_chswitch_work")
        #expect(fromPath.first?.host == "web01")
        let fromBytes = reader.read(bytes: try Self.bytes(Self.syslog), name: Self.syslog)
        #expect(fromBytes.failure == nil)
        #expect(Self.summary(fromBytes.records) == Self.summary(fromPath))
        #expect(fromBytes.records.first?.file == Self.syslog)
        let text = String(decoding: try Self.bytes(Self.syslog), as: UTF8.self)
        #expect(Self.summary(reader.read(text: text).records) == Self.summary(fromPath))
    }

    @Test("a vmcore: read by path and from memory alike, by its magic")
    func dumpAlike() throws {
        let reader = CrashReader()
        let fromPath = try reader.records(path: Self.dump)
        #expect(fromPath.first?.kind == .oops)
        #expect(fromPath.first?.source == .vmcore)
        let fromBytes = reader.read(bytes: try Self.bytes(Self.dump), name: "in-memory.kdump")
        #expect(fromBytes.failure == nil)
        #expect(fromBytes.records.map(\.title) == fromPath.map(\.title))
        #expect(fromBytes.records.first?.file == "in-memory.kdump")
    }

    @Test("a feed gives the same records for every way of cutting the bytes", arguments: ChunkFeeder.sizes)
    func feedDripped(chunkSize: Int) throws {
        let reader = CrashReader(options: LogReaderOptions(referenceYear: 2017))
        let whole = try reader.records(path: Self.syslog)
        var feed = reader.feed(name: Self.syslog)
        var taken: [CrashRecord] = []
        ChunkFeeder.feed(try Self.bytes(Self.syslog), chunkSize: chunkSize) { chunk in
            feed.feed(chunk)
            taken += feed.takeRecords()
        }
        let report = feed.finish()
        #expect(report.failure == nil)
        #expect(report.summary?.hosts == ["web01"])
        #expect((taken + report.records).map(\.title).sorted() == whole.map(\.title).sorted())
    }

    @Test("a multi-host syslog keeps each host's report whole")
    func hostsKeptApart() {
        // Two hosts' oopses interleaved line by line: one parser per host keeps them apart.
        var lines: [String] = []
        let hostA = [
            "BUG: kernel NULL pointer dereference, address: 0000000000000008", "Call Trace:",
            " <TASK>", " alpha_work+0x10/0x20 [alpha]", " process_one_work+0x22b/0x3d0", " </TASK>",
        ]
        let hostB = [
            "WARNING: CPU: 1 PID: 7 at drivers/beta.c:12 beta_poll+0x5/0x9", "Call Trace:",
            " <TASK>", " beta_poll+0x5/0x9", " worker_thread+0x53/0x420", " </TASK>",
        ]
        for index in hostA.indices {
            lines.append("Nov 12 15:06:\(10 + index) alpha kernel: [   12.\(100_000 + index)] \(hostA[index])")
            lines.append("Nov 12 15:06:\(10 + index) beta kernel: [   13.\(100_000 + index)] \(hostB[index])")
        }
        let report = CrashReader(options: LogReaderOptions(referenceYear: 2017)).read(
            text: lines.joined(separator: "\n") + "\n", name: "fleet.log")
        let byHost = Dictionary(grouping: report.records, by: { $0.host ?? "" })
        #expect(byHost["alpha"]?.first?.title == "BUG: unable to handle kernel NULL pointer dereference in alpha_work")
        #expect(byHost["beta"]?.first?.title == "WARNING in beta_poll")
    }

    @Test("errors are values naming the file, the offset and their kind")
    func typedErrors() throws {
        let reader = CrashReader()
        #expect(throws: ReadError.self) { try reader.records(path: "/nonexistent/kern.log") }
        do {
            _ = try reader.records(path: "/nonexistent/kern.log")
        } catch {
            #expect(error.kind == .unreadable)
            #expect(error.path == "/nonexistent/kern.log")
        }
        let binary = reader.read(
            bytes: [0x4B, 0x00, 0x01, 0x02, 0xFF, 0x00, 0x03] + [UInt8](repeating: 0, count: 64), name: "blob")
        #expect(binary.failure?.kind == .notKernelLog)
        #expect(binary.failure?.path == "blob")
        #expect(binary.failure?.offset != nil)
        var damaged = try Self.bytes(Self.dump)
        damaged.removeLast(damaged.count / 2)
        let cut = reader.read(bytes: damaged, name: "cut.kdump")
        #expect(cut.records.isEmpty || cut.summary?.diagnostics.isEmpty == false)
        #expect(cut.failure != nil || cut.summary?.diagnostics.isEmpty == false)
    }

    @Test("console glue: a dropped-message marker or a getty prompt before a kernel line")
    func consoleGlue() {
        let text = """
            [   10.000000] Linux version 4.9.60 (gcc) #1 SMP
            ** 93 printk messages dropped ** [  322.962139] BUG: KASAN: slab-out-of-bounds in do_raw_write_lock+0x1a3/0x1d0 at addr ffff8801c464b568
            syzkaller login: [  322.962200] Read of size 4 by task syz-executor7/23312
            [  322.962300] Call Trace:
            [  322.962400]  [<ffffffff81d91389>] dump_stack+0xc1/0x128
            [  322.962500]  [<ffffffff8165fc37>] kasan_report+0x1a3/0x1d0
            [  322.962600]  [<ffffffff8123fc37>] do_raw_write_lock+0x1a3/0x1d0
            [  322.962700]  [<ffffffff8124fc37>] _raw_write_lock+0x10/0x20

            """
        let report = CrashReader().read(text: text, name: "console.log")
        let clean = text.replacingOccurrences(of: "** 93 printk messages dropped ** ", with: "")
            .replacingOccurrences(of: "syzkaller login: ", with: "")
        let expected = CrashReader().read(text: clean, name: "console.log")
        #expect(expected.records.first?.title.hasPrefix("KASAN: slab-out-of-bounds") == true)
        #expect(Self.summary(report.records) == Self.summary(expected.records))
        #expect(report.records.first?.frames.count == expected.records.first?.frames.count)
        #expect(report.summary?.droppedMessages == 93)
    }
}
