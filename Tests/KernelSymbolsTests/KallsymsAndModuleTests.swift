import Testing

@testable import KernelSymbols

@Suite struct KallsymsAndModuleTests {
    @Test func kallsymsGivesKernelAndModuleSymbolsAtRunTimeAddresses() throws {
        let table = try SymbolTable.load(kallsyms: TestData.fixture("kallsyms-modules.txt"))
        #expect(table.source == .kallsyms)
        #expect(table.kernelSymbolCount == 5)
        #expect(table.moduleSymbolCount == 7)
        #expect(Set(table.moduleNames) == ["demo", "other_mod"])
        #expect(table.lookup(0xffff_ffff_83a0_0390)?.description == "vfs_write+0x10/0x180")
        let read = try #require(table.lookup(0xffff_ffff_c000_1050))
        #expect(read.description == "demo_read+0x10/0xc0 [demo]")
        #expect(read.module == "demo")
        #expect(table.lookup(0xffff_ffff_c000_5010)?.description == "other_probe+0x10/0x80 [other_mod]")
        #expect(
            table.address(of: "demo_write", offset: 4, module: "demo").resolvedAddress
                == 0xffff_ffff_c000_1104)
        #expect(table.address(of: "demo_write", offset: 4, module: "nope") == .unknownModule)
        #expect(table.address(of: "nope", module: "demo") == .unknown)
    }

    @Test func moduleSizesFromProcModulesBoundTheLastSymbol() throws {
        var table = try SymbolTable.load(kallsyms: TestData.fixture("kallsyms-modules.txt"))
        // Without a size the highest module symbol matches its own address only.
        #expect(table.lookup(0xffff_ffff_c000_5090) == nil)
        try table.addModules(procModules: TestData.fixture("proc-modules.txt"))
        #expect(table.moduleBase(of: "other_mod") == 0xffff_ffff_c000_5000)
        #expect(table.lookup(0xffff_ffff_c000_5090)?.description == "other_remove+0x10/0x1f80 [other_mod]")
        #expect(table.lookup(0xffff_ffff_c000_7000) == nil)
    }

    @Test func zeroedAddressesAreRefusedWithTheReason() {
        #expect {
            try SymbolTable.load(kallsyms: TestData.fixture("kallsyms-zeroed.txt"))
        } throws: { error in
            "\(error)".contains("every address is 0") && "\(error)".contains("kptr_restrict")
        }
    }

    @Test func systemMapTakesModuleSymbolsFromKallsyms() throws {
        var table = try SymbolTable.load(systemMap: TestData.fixture("System.map-5.10.0-test"))
        table.addModuleSymbols(from: try SymbolTable.load(kallsyms: TestData.fixture("kallsyms-modules.txt")))
        table.kernelOffset = 0x2a0_0000
        #expect(table.lookup(0xffff_ffff_c000_1001)?.description == "demo_open+0x1/0x40 [demo]")
        #expect(table.lookup(0xffff_ffff_83a0_0390)?.description == "vfs_write+0x10/0x180")
    }

    @Test func moduleBaseWithoutSymbolsNamesNothing() throws {
        var table = try SymbolTable.load(systemMap: TestData.fixture("System.map-5.10.0-test"))
        table.setModuleBase("demo", at: 0xffff_ffff_c000_1000, size: 0x4000)
        #expect(table.lookup(0xffff_ffff_c000_1050) == nil)
        #expect(table.moduleBase(of: "demo") == 0xffff_ffff_c000_1000)
    }
}
