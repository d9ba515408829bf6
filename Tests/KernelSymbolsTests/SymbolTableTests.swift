import Foundation
import Testing

@testable import KernelSymbols

@Suite struct SymbolTableTests {
    let table: SymbolTable

    init() throws {
        table = try SymbolTable.load(systemMap: TestData.fixture("System.map-5.10.0-test"))
    }

    @Test func loadsKernelSymbolsAndKeepsAbsoluteOnesApart() {
        #expect(table.kernelSymbolCount == 16)
        #expect(table.release == "5.10.0-test")
        #expect(table.releaseEvidence == "file name")
        #expect(table.linkAddress(of: "phys_startup_64") == 0x100_0000)
        #expect(table.lookup(0x100_0000) == nil)
    }

    @Test func namesAnAddressWithOffsetAndSizeFromTheNextSymbol() throws {
        let match = try #require(table.lookup(0xffff_ffff_8100_03a0))
        #expect(match.name == "vfs_write")
        #expect(match.offset == 0x20)
        #expect(match.size == 0x180)
        #expect(match.description == "vfs_write+0x20/0x180")
        #expect(match.isText)
    }

    @Test func prefersTheKernelsAliasAtOneAddress() throws {
        let match = try #require(table.lookup(0xffff_ffff_8100_0010))
        #expect(match.name == "startup_64")
    }

    @Test func refusesAddressesOutsideTheImage() {
        // Per-cpu symbols are linked at 0; a user-space address must not be named after them.
        #expect(table.lookup(0x1000) == nil)
        #expect(table.lookup(0x47_b7a0) == nil)
        #expect(table.lookup(0xffff_ffff_80ff_ffff) == nil)
        #expect(table.lookup(0xffff_ffff_8130_0000)?.name == "_end")
        #expect(table.lookup(0xffff_ffff_8130_0001) == nil)
        #expect(table.lookup(.max) == nil)
    }

    @Test func keepsDuplicateStaticNamesAndMarksThemShared() throws {
        let first = try #require(table.lookup(0xffff_ffff_8100_0208))
        let second = try #require(table.lookup(0xffff_ffff_8100_0308))
        #expect(first.name == "helper" && second.name == "helper")
        #expect(first.size == 0x40 && second.size == 0x80)
        #expect(first.nameIsShared && second.nameIsShared)
        #expect(table.lookup(0xffff_ffff_8100_0388)?.nameIsShared == false)
    }

    @Test func resolvesNamePlusOffsetAndUsesTheSizeToPickADuplicate() {
        #expect(table.address(of: "vfs_write", offset: 0x20).resolvedAddress == 0xffff_ffff_8100_03a0)
        #expect(
            table.address(of: "helper", offset: 8)
                == .ambiguous([0xffff_ffff_8100_0200, 0xffff_ffff_8100_0300]))
        #expect(table.address(of: "helper", offset: 8, size: 0x80).resolvedAddress == 0xffff_ffff_8100_0308)
        #expect(table.address(of: "helper", offset: 8, size: 0x30) == .sizeMismatch(mapSizes: [0x40, 0x80]))
        #expect(table.address(of: "no_such_function") == .unknown)
        #expect(table.address(of: "vfs_write", offset: 0x200) == .offsetBeyondSymbol(size: 0x180))
        // The return address after a call that never returns sits exactly at the end.
        #expect(
            table.address(of: "vfs_write", offset: 0x180, size: 0x180).resolvedAddress
                == 0xffff_ffff_8100_0500)
        #expect(table.address(of: "demo_read", module: "demo") == .unknownModule)
    }

    @Test func appliesTheKASLROffsetBothWays() throws {
        var shifted = table
        shifted.kernelOffset = 0x2a0_0000
        let match = try #require(shifted.lookup(0xffff_ffff_83a0_03a0))
        #expect(match.description == "vfs_write+0x20/0x180")
        #expect(match.symbolAddress == 0xffff_ffff_83a0_0380)
        #expect(shifted.lookup(0xffff_ffff_8100_03a0) == nil)
        #expect(shifted.address(of: "ksys_write", offset: 0x10).resolvedAddress == 0xffff_ffff_83a0_0510)
    }

    @Test func sortsUnsortedInputDropsRepeatsAndSaysSo() throws {
        let unsorted = try SymbolTable.load(systemMap: TestData.fixture("unsorted-duplicated.map"))
        #expect(unsorted.kernelSymbolCount == 6)
        #expect(unsorted.notes.count == 2)
        #expect(unsorted.notes.first?.contains("out of address order") == true)
        #expect(unsorted.lookup(0xffff_ffff_8100_0390)?.description == "vfs_write+0x10/0x180")
        #expect(unsorted.lookup(0xffff_ffff_8100_0000)?.name == "startup_64")
        #expect(unsorted.address(of: "do_work").resolvedAddress == 0xffff_ffff_8100_0240)
    }

    @Test func indexLookupAgreesWithFullLookup() throws {
        for address in stride(from: UInt64(0xffff_ffff_80ff_fff0), to: 0xffff_ffff_8100_0600, by: 7) {
            let index = table.kernelSymbolIndex(containing: address)
            let match = table.lookup(address)
            #expect((index == nil) == (match == nil))
            if let index { #expect(table.kernelSymbolName(at: index) == match?.name) }
        }
    }

    @Test("a small map gets about one bucket per symbol, and its bucketed search agrees with a plain one")
    func bucketsFollowTheSymbolCount() throws {
        var state: UInt64 = 11
        var addresses: Set<UInt64> = []
        while addresses.count < 300 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            addresses.insert(0xffff_ffff_8100_0000 &+ (state >> 20) % 0x400_0000)
        }
        let text = addresses.sorted().enumerated().map { String(format: "%016lx T f%d\n", $0.element, $0.offset) }
            .joined()
        let map = try Array(text.utf8).withUnsafeBytes { try SymbolTable.parse(systemMap: $0, path: "small.map") }
        // 2^16 buckets (256 KB) for 300 symbols was most of a debug fuzzer's execution.
        #expect(map.kernel.buckets.count <= 513)
        #expect(map.kernel.buckets.count > 64)
        var plain = map.kernel
        plain.buckets = []
        for _ in 0..<5_000 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            let address = 0xffff_ffff_80f0_0000 &+ (state >> 20) % 0x420_0000
            #expect(map.kernel.floorIndex(address) == plain.floorIndex(address))
        }
        for address in addresses {
            #expect(map.kernel.floorIndex(address) == plain.floorIndex(address))
            #expect(map.kernel.floorIndex(address &- 1) == plain.floorIndex(address &- 1))
        }
    }
}
