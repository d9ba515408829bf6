import KernelFacts
import KtriageReader
import KtriageTestSupport
import Testing

@testable import KernelLog

/// Inputs the log fuzzers found, kept so the fix stays fixed (fixtures/regressions/).
@Suite("Fuzz regressions: logs")
struct FuzzRegressionTests {
    /// A regression input read as `ktriage scan` reads a file; it must read without a failure.
    static func readThroughFrontDoor(_ name: String) throws -> InputReport {
        let bytes = try #require(Fixtures.read(Fixtures.path("regressions/" + name)))
        let report = CrashReader().read(bytes: bytes, name: "fuzz")
        #expect(report.failure == nil)
        return report
    }

    /// FuzzPstore, first 60-second run: `====151034759499191.123456-C` multiplied its seconds
    /// by 10^6 without an overflow check and trapped.
    @Test("a ramoops header whose time overflows is read as text, not a trap")
    func ramoopsOverflow() throws {
        let bytes = try #require(Fixtures.read(Fixtures.path("regressions/pstore-ramoops-seconds-overflow.bin")))
        var texts: [String] = []
        let summary = try bytes.withUnsafeBytes { raw in
            try KernelLogReader.read(bytes: raw, path: "fuzz", options: LogReaderOptions(source: .pstore)) {
                texts.append($0.string)
            }
        }
        #expect(summary.source == .pstore)
        #expect(texts.contains("====151034759499191.123456-CTrace:"))
    }

    /// FuzzLogReader, release campaign: a Rust frame whose back-reference index (base 62) had more
    /// digits than an Int holds wrapped to a negative position, and the demangler trapped.
    @Test("a Rust back-reference index that overflows leaves the symbol mangled, and the log reads")
    func rustBackrefOverflow() throws {
        #expect(Demangler.demangle("_RNvBZZZZZZZZZZZZ_3foo") == "_RNvBZZZZZZZZZZZZ_3foo")
        #expect(Demangler.demangle("_RNvB9999999999999999999_3foo") == "_RNvB9999999999999999999_3foo")
        let report = try Self.readThroughFrontDoor("rust-demangle-backref-overflow.log")
        #expect(!report.records.isEmpty)
    }

    /// A code audit (2026-12-06): a Rust symbol whose generic arguments are back-references to a
    /// part whose arguments are back-references again, nine parts deep, twelve to a part: the
    /// demangler read the innermost part 12^8 times, and a one-frame log kept `ktriage scan`
    /// busy for hours (not a trap: a hang). Reading stops at `RustDemangler.maxSteps`.
    @Test("a Rust symbol that nests back-references stays mangled, and the log reads")
    func rustBackrefNesting() throws {
        // Three parts of three arguments: read in full (`I` keeps the path, not its arguments).
        #expect(Demangler.demangle("_RIC1aBd_Bd_Bd_EIC1aBr_Br_Br_EIC1auE") == "a")
        // Nine parts of three: 3^8 readings of the last, past the budget.
        let nested =
            "_RIC1aBd_Bd_Bd_EIC1aBr_Br_Br_EIC1aBF_BF_BF_EIC1aBT_BT_BT_EIC1aB1a_B1a_B1a_EIC1aB1r_B1r_B1r_"
            + "EIC1aB1I_B1I_B1I_EIC1aB1Z_B1Z_B1Z_EIC1auE"
        #expect(Demangler.demangle(nested) == nested)
        let report = try Self.readThroughFrontDoor("rust-demangle-backref-blowup.log")
        let record = try #require(report.records.first)
        #expect(record.title.hasPrefix("BUG: unable to handle kernel paging request in _RIC1aBE_BE_"))
        #expect(record.guilty?.function.hasPrefix("_RIC1aBE_BE_") == true)
    }

    /// A code audit (2026-12-06): the host cache hashed a name's first and last eight bytes, so
    /// a fleet's names (`ip-10-0-1-23.ec2.internal`) all shared one probe chain.
    @Test("host names of one pattern hash apart, and each syslog or journal line keeps its host")
    func fleetHostNames() throws {
        let names = (0..<300).map { "ip-10-0-\($0 / 100)-\($0 % 100 + 100).ec2.internal" }
        // Names of one pattern start in as many table slots as random hashes would (300 names in
        // 8,192 slots: about 5 shared). A hash whose low bits saw few input bits put the 8-byte
        // `node0001`…`node0300` in three slots, and a syslog of 200 such hosts read 37% slower.
        let patterns = [
            names, (1...300).map { "node" + String(String($0 + 10_000).dropFirst()) }, (1...300).map { "h\($0)" },
            (1...300).map { "web-\($0).prod.dc1.example.com" },
        ]
        for pattern in patterns {
            let slots = Set(
                pattern.map { name in
                    LogLineStripper.hostSlot(Array(name.utf8).withUnsafeBytes { LogLineStripper.quickHash($0) })
                })
            #expect(slots.count >= 280, "\(pattern[0]): \(slots.count) slots")
        }
        let text = (names + names).map { "Mar  1 10:00:00 \($0) kernel: x\n" }.joined()
        var hosts: [String?] = []
        let summary = try Array(text.utf8).withUnsafeBytes { bytes in
            try KernelLogReader.read(bytes: bytes, path: "fleet.log") { hosts.append($0.metadata.host) }
        }
        #expect(hosts == names + names)
        #expect(summary.hosts == names)
        // A journal's `_HOSTNAME` takes the same table (it searched the cache list line by line).
        let journal = (names + names).map { #"{"MESSAGE":"x","_TRANSPORT":"kernel","_HOSTNAME":"\#($0)"}"# + "\n" }
        var journalHosts: [String?] = []
        let journalSummary = try Array(journal.joined().utf8).withUnsafeBytes { bytes in
            try KernelLogReader.read(bytes: bytes, path: "fleet.json") { journalHosts.append($0.metadata.host) }
        }
        #expect(journalHosts == names + names)
        #expect(journalSummary.hosts == names)
    }

    /// The host hash was unkeyed: names made to share a slot under it (as anyone who can write
    /// a host name into a log could) walked a probe chain on every line, up to the 4,096-name
    /// cache. Under the process's seed, names that share one slot unseeded spread out.
    @Test("host names that share a slot without the seed spread over the table with it")
    func hostHashSeeded() {
        func slot(_ name: String, seed: UInt64) -> Int {
            LogLineStripper.hostSlot(Array(name.utf8).withUnsafeBytes { LogLineStripper.quickHash($0, seed: seed) })
        }
        // Short and long names (the two paths of the hash), each set sharing slot 0 unseeded.
        for prefix in ["h", "rack-17-node-"] {
            var colliding: [String] = []
            var index = 0
            while colliding.count < 48 {
                let name = prefix + String(index)
                if slot(name, seed: 0) == 0 { colliding.append(name) }
                index += 1
            }
            let spread = Set(colliding.map { slot($0, seed: LogLineStripper.hostHashSeed) })
            #expect(spread.count >= 40, "\(prefix): \(spread.count) slots")
        }
    }

    /// FuzzLogReader, release campaign 2026-12-06: `INFO: task blocked for more than …` (no
    /// `comm:pid`) finds ` blocked for more than ` on the space the `INFO: task ` prefix ends
    /// with, so the name's range ended before it began and the field reader trapped.
    @Test("a hung-task line without a task name reads, without a blocked task")
    func hungTaskWithoutName() throws {
        var fields = FieldExtractor()
        fields.hungTaskLine("INFO: task blocked for more than 120 seconds.")
        #expect(fields.blockedTask == nil)
        fields.hungTaskLine("INFO: task init:1 blocked for more than 120 seconds.")
        #expect(fields.blockedTask?.comm == "init" && fields.blockedTask?.pid == 1)
        fields.hungTaskLine("task: state:D stack:0 pid:1")
        #expect(fields.blockedTask?.state == nil, "an empty comm is not init's")
        fields.hungTaskLine("task:init state:D stack:0 pid:1")
        #expect(fields.blockedTask?.state == "D")
        let report = try Self.readThroughFrontDoor("hung-task-without-name.log")
        #expect(!report.records.isEmpty)
    }

    /// A code reading after the `INFO: task` finding (2026-12-06): `BUG: using in preemptible
    /// [00000000] code: …` (the kernel's `using %s%s()` with nothing in it) found ` in preemptible`
    /// on the space that ends `using `, and the accessor, taken from six characters in, ended
    /// before it began: the title engine trapped on a one-line log.
    @Test("a preemptible-access BUG without an accessor is titled, and a full one names it")
    func preemptibleWithoutAccessor() throws {
        let header = try #require(CrashHeaders.table.first { $0.literal == "BUG:" })
        let bare = TitleEngine(lines: ["BUG: using in preemptible [00000000] code: swapper/0/1"], header: header).make()
        #expect(bare.title.hasPrefix("BUG: using in preemptible"))
        let full = TitleEngine(
            lines: ["BUG: using smp_processor_id() in preemptible [00000000] code: a/1"], header: header
        ).make()
        #expect(full.title.hasPrefix("BUG: using smp_processor_id() in preemptible code"))
        let report = try Self.readThroughFrontDoor("preemptible-without-accessor.log")
        #expect(report.records.count == 1)
    }

    /// TitleHelperMarkerTests (2026-12-06): the powerpc interrupt line's ` at ` was searched from
    /// the line's start, so an earlier ` at ` on the same line (two console lines run together)
    /// named the wrong function: `WARNING in addr_check` instead of the interrupted `qdisc_foo`.
    @Test("a powerpc WARN blames the function after `--- interrupt:`, not an earlier ` at ` on its line")
    func powerpcInterruptAfterAt() throws {
        let header = try #require(CrashHeaders.table.first { $0.literal == "WARNING:" })
        let glued = TitleEngine(
            lines: ["WARNING: CPU: 1 PID: 2 at a.c:1 foo+0x1/0x2", "read at addr_check --- interrupt: 700 at bar+0x1"],
            header: header)
        #expect(glued.powerpcInterrupt() == "bar")
        let report = try Self.readThroughFrontDoor("powerpc-interrupt-after-at.log")
        #expect(report.records.map(\.title) == ["WARNING in qdisc_foo"])
    }

    /// CI's fuzz smoke (FuzzLogReader, 10 s): a busybox `host kern.err kernel:` line ending at
    /// the colon. The `kernel: ` compare loaded eight bytes from one past the space after checking
    /// only that the space's own eight fit: one byte past the line, a bounds trap in debug and a
    /// read beyond the buffer in release.
    @Test("a busybox tag that ends the line one byte short of `kernel: ` reads, and a full one still matches")
    func busyboxTagAtLineEnd() throws {
        let bytes = try #require(Fixtures.read(Fixtures.path("regressions/busybox-tag-at-line-end.log")))
        let summary = try bytes.withUnsafeBytes { raw in
            try KernelLogReader.read(bytes: raw, path: "fuzz", options: LogReaderOptions(source: .syslog)) { _ in }
        }
        // Not `kernel: `: another program's line.
        #expect(summary.lines == 1)
        #expect(summary.kernelLines == 0)
        let full = Array("Dec  5 10:00:00 router kern.err kernel: ".utf8)
        var hosts: [String?] = []
        _ = try full.withUnsafeBytes { raw in
            try KernelLogReader.read(bytes: raw, path: "fuzz", options: LogReaderOptions(source: .syslog)) {
                hosts.append($0.metadata.host)
            }
        }
        #expect(hosts == ["router"])
    }

    @Test("ramoops header times: the largest that fits, and one microsecond more")
    func ramoopsEdge() {
        func wall(_ text: String) -> Int64? {
            Array(text.utf8).withUnsafeBytes { PstoreJoiner.ramoopsHeader($0) }
        }
        #expect(wall("====9223372036854.775807-D") == Int64.max)
        #expect(wall("====9223372036854.775808-D") == nil)
        #expect(wall("====9223372036855.000000-D") == nil)
        #expect(wall("====1510499191.123456-D") == 1_510_499_191_123_456)
    }
}
