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
}
