import Foundation
import KernelFacts
import Testing

@testable import KernelSymbols

/// The lab's real Debian 6.1 map and console logs (`../shared/vmcores`).
@Suite(.enabled(if: TestData.hasRealData, "../shared/vmcores is not on this machine"))
struct RealMapTests {
    static let kaslrCases: [String: UInt64] = [
        "lkdtm-bug-smp2": 0x780_0000, "lkdtm-usercopy-slab-size-to": 0x2fa0_0000,
        "kdump-guest-corrupt-list-add": 0x2f20_0000,
    ]

    /// Loaded once for all tests (a debug build takes a few hundred milliseconds).
    static let sharedMap: Result<SymbolTable, SymbolFileError> = Result { () throws(SymbolFileError) in
        try SymbolTable.load(systemMap: TestData.realMapPath)
    }

    let map: SymbolTable

    init() throws {
        map = try Self.sharedMap.get()
    }

    /// The case's module symbols (the kallsyms extract in guestinfo.txt) and /proc/modules.
    func table(for name: String) throws -> SymbolTable {
        var table = map
        let guestinfo = try String(contentsOfFile: TestData.caseFile(name, "guestinfo.txt"), encoding: .utf8)
        let moduleLines = guestinfo.split(whereSeparator: \.isNewline).filter { $0.hasSuffix("[lkdtm]") }
        if !moduleLines.isEmpty {
            let text = moduleLines.joined(separator: "\n")
            let modules = try Array(text.utf8).withUnsafeBytes {
                try SymbolTable.parse(kallsyms: $0, path: name)
            }
            table.addModuleSymbols(from: modules)
        }
        return table
    }

    /// VMCOREINFO `KERNELOFFSET` when the case has a vmcoreinfo.txt.
    func vmcoreinfoOffset(_ name: String) -> KASLROffset? {
        guard
            let text = try? String(contentsOfFile: TestData.caseFile(name, "vmcoreinfo.txt"), encoding: .utf8)
        else { return nil }
        let line = text.split(whereSeparator: \.isNewline).first { $0.hasPrefix("KERNELOFFSET=") }
        return line.flatMap { KASLROffset.fromVmcoreinfo(String($0.dropFirst("KERNELOFFSET=".count))) }
    }

    @Test func loadsTheDebianMap() throws {
        #expect(map.kernelSymbolCount > 90_000)
        #expect(map.release == "6.1.0-56-amd64")
        #expect(map.linkAddress(of: "linux_banner") == 0xffff_ffff_8216_1900)
        #expect(map.lookup(0xffff_ffff_8100_0000)?.name == "startup_64")
        #expect(map.lookup(0)?.name == nil)
        #expect(map.lookup(0xffff_ffff_8443_0000)?.name == "_end")
        // The ≤ 20 MB target, with room: columns, arena, name hash and bucket index.
        #expect(map.storageBytes < 10_000_000)
    }

    @Test func bucketedSearchAgreesWithAPlainBinarySearch() {
        var plain = map.kernel
        plain.buckets = []
        var state: UInt64 = 7
        for _ in 0..<20_000 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            let address = 0xffff_ffff_80f0_0000 &+ (state >> 30) % 0x3c0_0000
            #expect(map.kernel.floorIndex(address) == plain.floorIndex(address))
        }
        for index in stride(from: 0, to: map.kernel.count, by: 7) {
            let address = map.kernel.addresses[index]
            #expect(map.kernel.floorIndex(address) == plain.floorIndex(address))
            #expect(map.kernel.floorIndex(address &- 1) == plain.floorIndex(address &- 1))
        }
    }

    @Test(arguments: TestData.realCases)
    func everyFrameResolvesToItselfAfterKASLR(_ name: String) throws {
        let table = try table(for: name)
        let lines = try TestData.lines(TestData.caseFile(name, "console.log"))
        let analysis = LogAnalysis(
            lines: lines, table: table, given: name.hasPrefix("kdump") ? vmcoreinfoOffset(name) : nil)
        let segment = try #require(analysis.segments.first)
        #expect(segment.release == "6.1.0-56-amd64")
        #expect(segment.mismatch == nil)
        #expect(segment.offsetConflict == nil)
        let offset = try #require(segment.offset, "no KASLR offset for \(name)")
        #expect(offset.value == Self.kaslrCases[name] ?? 0)
        var shifted = table
        shifted.kernelOffset = offset.value
        var checked = 0
        for index in segment.lines {
            for frame in LogTokens(lines[index]).frames where frame.size < 0x8000_0000_0000_0000 {
                let address = try #require(
                    shifted.address(
                        of: frame.name, offset: frame.offset, size: frame.size, module: frame.module
                    )
                    .resolvedAddress, "line \(index + 1): \(frame.name)")
                // `offset == size` is a return address at the very end: look one byte back.
                let back: UInt64 = frame.offset == frame.size ? 1 : 0
                let match = try #require(shifted.lookup(address - back), "line \(index + 1): \(frame.name)")
                #expect(match.name == frame.name, "line \(index + 1)")
                #expect(match.offset + back == frame.offset, "line \(index + 1)")
                #expect(match.size == frame.size, "line \(index + 1)")
                #expect(match.module == frame.module, "line \(index + 1)")
                checked += 1
            }
        }
        #expect(checked > 5)
    }

    @Test(arguments: ["lkdtm-bug-smp2", "lkdtm-usercopy-slab-size-to", "kdump-guest-corrupt-list-add"])
    func offsetMatchesWhereTheRunningKernelPutText(_ name: String) throws {
        let guestinfo = try String(contentsOfFile: TestData.caseFile(name, "guestinfo.txt"), encoding: .utf8)
        let line = try #require(
            guestinfo.split(whereSeparator: \.isNewline).first { $0.hasSuffix(" T _text") })
        let text = Array(String(line).utf8)
        let running = try text.withUnsafeBytes { try SymbolTable.parse(kallsyms: $0, path: "guestinfo") }
        let offset = try #require(KASLROffset.between(runTime: running, linkTime: map))
        #expect(offset.value == Self.kaslrCases[name])
        if name.hasPrefix("kdump") {
            #expect(vmcoreinfoOffset(name)?.value == offset.value)
            // No panic line and no printed addresses: the log alone does not tell.
            let lines = try TestData.lines(TestData.caseFile(name, "console.log"))
            #expect(LogAnalysis(lines: lines, table: map).segments.first?.offset == nil)
        }
    }

    @Test(arguments: TestData.realCases)
    func symbolizedLogKeepsEveryInputByte(_ name: String) throws {
        let lines = try TestData.lines(TestData.caseFile(name, "console.log"))
        let analysis = LogAnalysis(lines: lines, table: try table(for: name))
        var changed = 0
        for segment in analysis.segments {
            let symbolizer = analysis.symbolizer(for: segment)
            for index in segment.lines {
                let output = symbolizer.symbolize(lines[index])
                if output != lines[index] { changed += 1 }
                #expect(isSubsequence(lines[index], of: output), "line \(index + 1)")
            }
        }
        #expect(changed > 0 || name.hasPrefix("boot-oom") || name.hasPrefix("kdump"))
    }

    @Test func framesWithPrintedAddressesGiveTheOffsetAlone() throws {
        // Rewrite the real trace the way older kernels print it: `[<address>] name+off/size`.
        let lines = try TestData.lines(TestData.caseFile("lkdtm-bug-smp2", "console.log"))
        var shifted = map
        shifted.kernelOffset = 0x780_0000
        var rewritten: [[UInt8]] = []
        for line in lines {
            let text = String(decoding: line, as: UTF8.self)
            if text.contains("Kernel Offset") { continue }
            let tokens = LogTokens(line)
            guard let frame = tokens.frames.first, frame.module == nil,
                let address = shifted.address(of: frame.name, offset: frame.offset, size: frame.size)
                    .resolvedAddress
            else {
                rewritten.append(line)
                continue
            }
            var bytes = line
            bytes.insert(
                contentsOf: Array("[<\(String(address, radix: 16))>] ".utf8),
                at: frame.markerStart ?? frame.range.lowerBound)
            rewritten.append(bytes)
        }
        let segment = try #require(LogAnalysis(lines: rewritten, table: map).segments.first)
        let offset = try #require(segment.offset)
        #expect(offset.value == 0x780_0000)
        guard case .frames(let count) = offset.evidence.first else {
            Issue.record("expected frame evidence, got \(offset.evidence)")
            return
        }
        #expect(count > 10)
    }

    @Test func theMapOfAnotherReleaseIsRefused() throws {
        let bytes = try Data(contentsOf: URL(fileURLWithPath: TestData.realMapPath))
        let other = try Array(bytes).withUnsafeBytes {
            try SymbolTable.parse(systemMap: $0, path: "/boot/System.map-6.1.0-55-amd64")
        }
        let lines = try TestData.lines(TestData.caseFile("lkdtm-bug-smp2", "console.log"))
        let segment = try #require(LogAnalysis(lines: lines, table: other).segments.first)
        #expect(segment.mismatch?.contains("the map is for kernel 6.1.0-55-amd64") == true)
    }

    @Test func aMapWithOtherSizesIsRefused() throws {
        // Drop the symbol after vfs_write: in that "build" vfs_write is longer.
        let text = try String(contentsOfFile: TestData.realMapPath, encoding: .utf8)
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        let index = try #require(lines.firstIndex { $0.hasSuffix(" T vfs_write") })
        lines.remove(at: index + 1)
        let edited = Array(lines.joined(separator: "\n").utf8)
        let other = try edited.withUnsafeBytes { try SymbolTable.parse(systemMap: $0, path: "edited.map") }
        let log = try TestData.lines(TestData.caseFile("lkdtm-bug-smp2", "console.log"))
        let analysis = LogAnalysis(lines: log, table: other)
        let segment = try #require(analysis.segments.first)
        #expect(segment.mismatch?.contains("vfs_write+0xc7/0x3f0: the map's vfs_write is") == true)
        let symbolizer = analysis.symbolizer(for: segment)
        for line in log { #expect(symbolizer.symbolize(line) == line) }
    }

    private func isSubsequence(_ needle: [UInt8], of haystack: [UInt8]) -> Bool {
        var position = 0
        for byte in haystack where position < needle.count && needle[position] == byte { position += 1 }
        return position == needle.count
    }
}

@Suite(.enabled(if: TestData.hasRealData, "../shared/vmcores is not on this machine"))
struct RealVmcoreinfoTests {
    static var casesWithVmcoreinfo: [String] {
        TestData.realCases.filter {
            FileManager.default.fileExists(atPath: TestData.caseFile($0, "vmcoreinfo.txt"))
        }
    }

    @Test(arguments: casesWithVmcoreinfo)
    func vmcoreinfoConfirmsTheMapAndGivesTheOffset(_ name: String) throws {
        let map = try RealMapTests.sharedMap.get()
        let text = try String(contentsOfFile: TestData.caseFile(name, "vmcoreinfo.txt"), encoding: .utf8)
        let check = map.fit(vmcoreinfo: VMCoreInfo(text: Array(text.utf8)), dumpRelease: "6.1.0-56-amd64")
        #expect(check.isConsistent, "\(check.mismatches)")
        #expect(check.fits)
        #expect(check.release == "6.1.0-56-amd64")
        #expect(check.offset?.value == RealMapTests.kaslrCases[name] ?? 0)
        #expect(check.confirmedSymbols >= 10)
    }

    @Test func vmcoreinfoCatchesAMapOfAnotherBuild() throws {
        let text = try String(
            contentsOfFile: TestData.caseFile("lkdtm-bug-smp2", "vmcoreinfo.txt"), encoding: .utf8)
        // Same release name, but prb moved by 0x40: another build.
        let mapText = try String(contentsOfFile: TestData.realMapPath, encoding: .utf8)
        var lines = mapText.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let index = try #require(lines.firstIndex { $0.hasSuffix(" D prb") || $0.hasSuffix(" d prb") })
        let fields = lines[index].split(separator: " ")
        let moved = try #require(UInt64(fields[0], radix: 16)) + 0x40
        lines[index] = String(moved, radix: 16) + " " + fields[1] + " prb"
        let other = try Array(lines.joined(separator: "\n").utf8).withUnsafeBytes {
            try SymbolTable.parse(systemMap: $0, path: "System.map-6.1.0-56-amd64")
        }
        let check = other.fit(vmcoreinfo: VMCoreInfo(text: Array(text.utf8)), dumpRelease: "6.1.0-56-amd64")
        #expect(!check.isConsistent)
        #expect(!check.fits)
        #expect(check.rejection?.hasPrefix("VMCOREINFO SYMBOL(prb) is 0x") == true)
        #expect(check.mismatches.first?.hasPrefix("VMCOREINFO SYMBOL(prb) is 0x") == true)
    }
}
