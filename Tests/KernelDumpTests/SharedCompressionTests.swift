import Foundation
import KernelDump
import Testing

/// One dump of `../shared/vmcores-compression`: the kdump guest's dump with its pages as LZO
/// (makedumpfile 1.7.2 `-l -d 31`) or zstd (re-encoded at level 1), with crash's transcript.
struct SharedCompressedDump: CustomTestStringConvertible, Sendable {
    var dump: String
    var codec: String
    var testDescription: String { "\(dump) (\(codec))" }

    static let all = [
        SharedCompressedDump(dump: "makedumpfile-l-d31", codec: "lzo"),
        SharedCompressedDump(dump: "makedumpfile-zstd-d31", codec: "zstd"),
    ]

    static let caseFolder = TestPaths.sharedCompressionVmcores.appendingPathComponent(
        "kdump-guest-corrupt-list-add")

    var path: String { Self.caseFolder.appendingPathComponent("vmcore.\(dump)").path }
    var transcript: URL { Self.caseFolder.appendingPathComponent("peers/crash-vmlinux.\(dump).out") }
}

@Suite(
    "Real LZO and zstd dumps in ../shared/vmcores-compression",
    .enabled(if: TestPaths.hasSharedCompressionVmcores, "../shared/vmcores-compression is absent: skipped"))
struct SharedCompressionTests {
    @Test("vmcore dmesg prints exactly crash's log", arguments: SharedCompressedDump.all)
    func dmesgMatchesCrash(_ dump: SharedCompressedDump) throws {
        let expected = CrashTranscript(text: try String(contentsOf: dump.transcript, encoding: .utf8))
        let log = try Vmcore(path: dump.path).kernelLog()
        #expect(log.problems.isEmpty)
        let got = DmesgFormatter().format(log.records).split(separator: "\n", omittingEmptySubsequences: false)
            .dropLast().map(String.init)
        #expect(expected.log.count > 400)
        #expect(got == expected.log)
    }

    @Test("vmcore dmesg of the LZO dump is byte for byte makedumpfile --dump-dmesg's")
    func dmesgMatchesMakedumpfile() throws {
        let dump = SharedCompressedDump.all[0]
        let expected = try Data(
            contentsOf: SharedCompressedDump.caseFolder.appendingPathComponent(
                "peers/makedumpfile-dump-dmesg.\(dump.dump).txt"))
        let log = try Vmcore(path: dump.path).kernelLog()
        #expect(Array(DmesgFormatter().formatBytes(log.records)) == Array(expected))
    }

    @Test(
        "vmcore info: crash's release, CPUs and panic; the codec, and the pages read by codec",
        arguments: SharedCompressedDump.all)
    func infoMatchesCrash(_ dump: SharedCompressedDump) throws {
        let expected = CrashTranscript(text: try String(contentsOf: dump.transcript, encoding: .utf8))
        let (summary, _) = VmcoreSummary.make(try Vmcore(path: dump.path))
        #expect(summary.format == "kdump-compressed")
        #expect(summary.compression == [dump.codec])
        #expect(summary.dumpLevel == 31)
        #expect(summary.release == expected.release)
        #expect(summary.cpuCount == expected.cpuCount)
        #expect(summary.crashingCPU == expected.crashingCPU)
        #expect(expected.crashingCPU != nil)
        #expect(summary.panicMessage == expected.panic)
        #expect(summary.crashTime == 1_795_369_534)
        #expect(summary.logProblems.isEmpty)
        #expect(summary.incomplete == false)
        let pages = summary.pageCompression ?? [:]
        #expect((pages[dump.codec] ?? 0) > 100)
        #expect(Set(pages.keys).isSubset(of: [dump.codec, "raw"]))
        // Both dumps hold the same memory, so the same pages are read from each.
        #expect(pages.values.reduce(0, +) == 421)
    }
}
