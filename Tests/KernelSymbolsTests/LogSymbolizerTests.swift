import Foundation
import Testing

@testable import KernelSymbols

@Suite struct LogSymbolizerTests {
    let table: SymbolTable
    let log: [[UInt8]]

    init() throws {
        var table = try SymbolTable.load(systemMap: TestData.fixture("System.map-5.10.0-test"))
        table.addModuleSymbols(from: try SymbolTable.load(kallsyms: TestData.fixture("kallsyms-modules.txt")))
        self.table = table
        log = try TestData.lines(TestData.fixture("tiny-kaslr.log"))
    }

    @Test func findsTheOffsetFromThePanicLineAndTheFramesAgreeing() throws {
        let analysis = LogAnalysis(lines: log, table: table)
        let segment = try #require(analysis.segments.first)
        #expect(analysis.segments.count == 1)
        #expect(segment.release == "5.10.0-test")
        #expect(segment.mismatch == nil)
        #expect(segment.offsetConflict == nil)
        let offset = try #require(segment.offset)
        #expect(offset.value == 0x2a0_0000)
        #expect(offset.evidence == [.panicLine(line: 13), .frames(count: 2)])
        #expect(
            offset.description
                == "0x2a00000 (from 'Kernel Offset:' line 13, 2 frames printing address and name)")
        #expect(segment.confirmedFrames == 5)
    }

    @Test func annotatesFramesAddressesAndRegistersOnly() throws {
        let analysis = LogAnalysis(lines: log, table: table)
        let symbolizer = analysis.symbolizer(for: try #require(analysis.segments.first))
        let output = log.map { String(decoding: symbolizer.symbolize($0), as: UTF8.self) }
        let expected = [
            "[    0.000000] Linux version 5.10.0-test (builder@example) (gcc) #1 SMP",
            "[    0.000001] Kernel command line: console=ttyS0 quiet",
            "[    1.000000] BUG: kernel NULL pointer dereference, address: 0000000000000008",
            "[    1.000001] CPU: 0 PID: 1 Comm: init Not tainted 5.10.0-test #1",
            "[    1.000002] RIP: 0010:[<ffffffff83a00250>] do_work+0x10/0xc0",
            "[    1.000003] RAX: ffffffff83a00390 (vfs_write+0x10/0x180) RBX: 0000000000000000 RCX: ffffffff83c00100",
            "[    1.000004] Call Trace:",
            "[    1.000005]  [<ffffffff83a003a0>] vfs_write+0x20/0x180",
            "[    1.000006]  [<ffffffff83a00510>] ksys_write+0x10/0x80",
            "[    1.000007]  [<ffffffff83a00210>] helper+0x10/0x40",
            "[    1.000008]  [<ffffffff83a00308>] ? helper+0x8/0x80",
            "[    1.000009]  [<ffffffffc0001050>] demo_read+0x10/0xc0 [demo]",
            "[    1.000010] Kernel Offset: 0x2a00000 from 0xffffffff81000000 (relocation range: "
                + "0xffffffff80000000-0xffffffffbfffffff)",
        ]
        #expect(output == expected)
    }

    @Test func linesWithoutAddressesPassThroughByteForByte() {
        let symbolizer = LogSymbolizer(table: table, kernelOffsetKnown: true, trusted: true)
        let samples: [[UInt8]] = [
            [], Array("plain text".utf8), [0xff, 0xfe, 0x00, 0x41], Array("RIP: 0033:0x47b7a0".utf8),
            Array("CR2: 0000000000559c5a CR3: 00000000061ac000".utf8), Array("a+0x1/0x2 and [<zz>]".utf8),
            Array("\u{1b}[31mred\u{1b}[0m ffffffff81000000".utf8),
        ]
        for sample in samples { #expect(symbolizer.symbolize(sample) == sample) }
        #expect(symbolizer.symbolize("héllo wörld") == "héllo wörld")
    }

    @Test func untrustedOrUnknownOffsetLeavesKernelAddressesAlone() {
        let untrusted = LogSymbolizer(table: table, kernelOffsetKnown: true, trusted: false)
        for line in log { #expect(untrusted.symbolize(line) == line) }
        let unknown = LogSymbolizer(table: table, kernelOffsetKnown: false, trusted: true)
        #expect(
            unknown.symbolize(Array("  vfs_write+0x20/0x180".utf8)) == Array("  vfs_write+0x20/0x180".utf8))
        #expect(unknown.symbolize("  [<ffffffff81000390>]") == "  [<ffffffff81000390>]")
        // Module symbols from kallsyms carry their own run-time addresses.
        #expect(
            unknown.symbolize("  [<ffffffffc0001041>]") == "  [<ffffffffc0001041>] demo_read+0x1/0xc0 [demo]")
    }

    @Test func inferenceAloneFindsTheOffsetAndConflictsAreCaught() throws {
        var lines = log.filter { !String(decoding: $0, as: UTF8.self).contains("Kernel Offset") }
        let inferred = try #require(LogAnalysis(lines: lines, table: table).segments.first?.offset)
        #expect(inferred.value == 0x2a0_0000)
        #expect(inferred.evidence == [.frames(count: 2)])
        // One frame printed from another offset.
        lines[8] = Array("[    1.000006]  [<ffffffff83c00510>] ksys_write+0x10/0x80".utf8)
        let conflicted = try #require(LogAnalysis(lines: lines, table: table).segments.first)
        #expect(conflicted.offset == nil)
        #expect(conflicted.offsetConflict?.contains("different offsets") == true)
    }

    @Test func givenOffsetMustAgreeWithTheLog() throws {
        let agreeing = LogAnalysis(lines: log, table: table, given: KASLROffset.fromVmcoreinfo("2a00000"))
        #expect(agreeing.segments.first?.offset?.evidence.first == .vmcoreinfo)
        let disagreeing = LogAnalysis(lines: log, table: table, given: KASLROffset.given("0x1000000"))
        let conflict = try #require(disagreeing.segments.first?.offsetConflict)
        #expect(conflict.contains("given on the command line says 0x1000000"))
        #expect(conflict.contains("'Kernel Offset:' line 13 says 0x2a00000"))
    }

    @Test func statementsAreCombinedOnlyWhenTheyAgree() throws {
        let vmcoreinfo = try #require(KASLROffset.fromVmcoreinfo("2a00000"))
        let given = try #require(KASLROffset.given("0x2A00000"))
        #expect(try KASLROffset.agreeing([]) == nil)
        #expect(try KASLROffset.agreeing([vmcoreinfo, given])?.evidence == [.vmcoreinfo, .given])
        #expect(throws: KASLRConflict.self) {
            try KASLROffset.agreeing([vmcoreinfo, try #require(KASLROffset.given("1000000"))])
        }
        #expect(KASLROffset.given("0xZZ") == nil)
        #expect(KASLROffset.given("11112222333344445") == nil)
        #expect(KASLROffset.fromPanicLine("[ 1.0] Kernel Offset: disabled") == 0)
        #expect(KASLROffset.fromPanicLine("Kernel Offset: 0x7800000 from 0xffffffff81000000") == 0x780_0000)
        #expect(KASLROffset.fromPanicLine("Kernel Offset: soon") == nil)
    }

    @Test func nokaslrOnTheCommandLineMeansZero() throws {
        var lines = log.filter { !String(decoding: $0, as: UTF8.self).contains("[<") }
        lines = lines.filter { !String(decoding: $0, as: UTF8.self).contains("Kernel Offset") }
        lines[1] = Array("[    0.000001] Kernel command line: console=ttyS0 nokaslr".utf8)
        let offset = try #require(LogAnalysis(lines: lines, table: table).segments.first?.offset)
        #expect(offset.value == 0)
        #expect(offset.evidence == [.noKASLRParameter(line: 2)])
    }

    @Test func aMapOfAnotherBuildIsCalledThat() throws {
        let wrong = try SymbolTable.load(systemMap: TestData.fixture("wrong-build.System.map"))
        let segment = try #require(LogAnalysis(lines: log, table: wrong).segments.first)
        let mismatch = try #require(segment.mismatch)
        #expect(mismatch.contains("belongs to another build"))
        #expect(mismatch.contains("line 8: vfs_write+0x20/0x180: the map's vfs_write is 0x1a0 bytes long"))
        #expect(!LogAnalysis(lines: log, table: wrong).symbolizer(for: segment).trusted)
    }

    @Test func jitCompiledBPFFramesAreNotHeldAgainstTheMap() throws {
        var lines = log
        lines.insert(Array("[    1.000008]  bpf_prog_6deef7357e7b4530_foo+0x1c/0x3c".utf8), at: 10)
        let segment = try #require(LogAnalysis(lines: lines, table: table).segments.first)
        #expect(segment.mismatch == nil)
        #expect(segment.uncheckedFrames == 1)
    }

    @Test func aMapOfAnotherReleaseIsCalledThat() throws {
        let bytes = Array("ffffffff81000000 T _text\nffffffff81000380 T vfs_write\n".utf8)
        let other = try bytes.withUnsafeBytes {
            try SymbolTable.parse(systemMap: $0, path: "/boot/System.map-5.10.0-other")
        }
        let mismatch = try #require(
            LogAnalysis(lines: Array(log.prefix(4)), table: other).segments.first?.mismatch)
        #expect(
            mismatch.contains(
                "the map is for kernel 5.10.0-other (file name), the log is from 5.10.0-test (line 1)"))
    }

    @Test func eachBootGetsItsOwnOffset() throws {
        let second = log.map { line -> [UInt8] in
            var text = String(decoding: line, as: UTF8.self)
            text = text.replacingOccurrences(of: "ffffffff83a", with: "ffffffff82a")
            text = text.replacingOccurrences(of: "0x2a00000", with: "0x1a00000")
            return Array(text.utf8)
        }
        let analysis = LogAnalysis(lines: log + second, table: table)
        #expect(analysis.segments.map(\.offset?.value) == [0x2a0_0000, 0x1a0_0000])
        #expect(analysis.segments.map(\.lines) == [0..<13, 13..<26])
    }
}

/// Random lines built from the pieces the scanners look for: no trap, and every input byte
/// survives in order.
@Suite struct LogSymbolizerFuzzTests {
    @Test func randomFragmentsNeverTrapAndKeepTheInput() throws {
        var table = try SymbolTable.load(systemMap: TestData.fixture("System.map-5.10.0-test"))
        table.addModuleSymbols(from: try SymbolTable.load(kallsyms: TestData.fixture("kallsyms-modules.txt")))
        table.kernelOffset = 0x2a0_0000
        let symbolizer = LogSymbolizer(table: table, kernelOffsetKnown: true, trusted: true)
        let pieces = [
            "[<", ">]", "+0x", "/0x", " [", "]", ": ", "RAX", "0010:", "ffffffff83a00390", "ffffffffc0001050",
            "vfs_write", "helper", "demo", "?", " ", "0", "f", "\u{1b}", "é", "x29", "pc : ", "ffffffff", "-",
        ]
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<3000 {
            var line: [UInt8] = []
            for _ in 0..<Int.random(in: 0...14, using: &generator) {
                if Int.random(in: 0...9, using: &generator) == 0 {
                    line.append(UInt8.random(in: 0...255, using: &generator))
                } else {
                    line += Array((pieces.randomElement(using: &generator) ?? "").utf8)
                }
            }
            let output = symbolizer.symbolize(line)
            var position = 0
            for byte in output where position < line.count && line[position] == byte { position += 1 }
            #expect(position == line.count, "\(line)")
            _ = LogAnalysis(lines: [line], table: table)
        }
    }
}
