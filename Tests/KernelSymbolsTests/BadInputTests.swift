import Foundation
import Testing

@testable import KernelSymbols

@Suite struct BadInputTests {
    @Test func aLetterIsNotAMap() {
        #expect {
            try SymbolTable.load(systemMap: TestData.fixture("not-a-map.txt"))
        } throws: { error in
            "\(error)".hasSuffix(
                "not-a-map.txt:1: not a System.map or kallsyms file: expected 'ADDRESS TYPE NAME', found 'Dear reader,'"
            )
        }
    }

    @Test func debiansPlaceholderIsNamed() {
        #expect {
            try SymbolTable.load(systemMap: TestData.fixture("placeholder.System.map"))
        } throws: { error in
            "\(error)".contains("placeholder System.map") && "\(error)".contains("-dbg package")
        }
    }

    @Test func aBadLineInTheMiddleIsNamedByLine() {
        let text = "ffffffff81000000 T _text\nffffffff81000010 T ok\nffffffff81000020 T\n"
        #expect {
            try Array(text.utf8).withUnsafeBytes { try SymbolTable.parse(systemMap: $0, path: "m") }
        } throws: { error in
            "\(error)" == "m:3: expected 'ADDRESS TYPE NAME', found 'ffffffff81000020 T'"
        }
    }

    @Test(arguments: [
        "", "\n\n", "ffffffff81000000\n", "zzzz T foo\n", "ffffffff81000000 TT foo\n",
        "11112222333344445555 T too_long\n", "ffffffff81000000 T foo bar baz\n",
    ])
    func garbageIsRefusedWithAMessage(_ text: String) {
        #expect(throws: SymbolFileError.self) {
            try Array(text.utf8).withUnsafeBytes { try SymbolTable.parse(systemMap: $0, path: "g") }
        }
    }

    @Test func binaryNoiseIsRefusedWithoutEchoingIt() {
        var generator = SystemRandomNumberGenerator()
        let noise = (0..<4096).map { _ in UInt8.random(in: 0...255, using: &generator) }
        #expect {
            try noise.withUnsafeBytes { try SymbolTable.parse(systemMap: $0, path: "noise") }
        } throws: { error in
            "\(error)".count < 200
        }
    }

    @Test func missingFileIsOneLine() {
        #expect {
            try SymbolTable.load(systemMap: "/nonexistent/System.map")
        } throws: { error in
            "\(error)" == "/nonexistent/System.map: open: No such file or directory"
        }
    }

    @Test func nmUndefinedLinesAreSkipped() throws {
        let text = "                 U printk\nffffffff81000000 T _text\nffffffff81000040 T foo\n"
        let table = try Array(text.utf8).withUnsafeBytes { try SymbolTable.parse(systemMap: $0, path: "nm") }
        #expect(table.kernelSymbolCount == 2)
    }

    @Test func crlfLinesAreRead() throws {
        let text = "ffffffff81000000 T _text\r\nffffffff81000040 T foo\r\nffffffff81000080 T bar\r\n"
        let table = try Array(text.utf8).withUnsafeBytes {
            try SymbolTable.parse(systemMap: $0, path: "crlf")
        }
        #expect(table.lookup(0xffff_ffff_8100_0041)?.description == "foo+0x1/0x40")
    }

    @Test func procModulesGarbageIsNamedByLine() {
        var table = try? SymbolTable.load(systemMap: TestData.fixture("System.map-5.10.0-test"))
        #expect {
            try table?.addModules(
                procModulesText: "demo 16384 0 - Live 0xffffffffc0001000\nnonsense\n", path: "mods")
        } throws: { error in
            "\(error)".hasPrefix("mods:2: expected a /proc/modules line")
        }
    }

    /// ProcModulesMarkerTests (2026-12-06): `\r\n` is one Character, so a CRLF copy split at the
    /// Character `\n` was one line, refused at line 1 (fixtures/regressions/proc-modules-crlf.txt).
    @Test func procModulesWithCRLFLineEndsAreRead() throws {
        var table = try SymbolTable.load(kallsyms: TestData.fixture("kallsyms-modules.txt"))
        try table.addModules(procModules: TestData.fixture("../regressions/proc-modules-crlf.txt"))
        #expect(table.moduleBase(of: "demo") == 0xffff_ffff_c000_1000)
        #expect(table.moduleBase(of: "other_mod") == 0xffff_ffff_c000_5000)
        #expect(table.lookup(0xffff_ffff_c000_1041)?.description == "demo_read+0x1/0xc0 [demo]")
    }

    @Test func notAnELFIsRefused() {
        #expect {
            try SymbolTable.load(elf: TestData.fixture("not-a-map.txt"))
        } throws: { error in
            "\(error)".contains("not a usable ELF file")
        }
    }
}

@Suite struct HostileModuleInputTests {
    @Test func moduleAtTheTopOfTheAddressSpaceDoesNotWrap() throws {
        var table = try SymbolTable.load(systemMap: TestData.fixture("System.map-5.10.0-test"))
        try table.addModules(procModulesText: "edge 16384 0 - Live 0xfffffffffffff000\n", path: "mods")
        #expect(table.lookup(0xffff_ffff_ffff_fff0) == nil)
        #expect(table.lookup(0xffff_ffff_8100_03a0)?.name == "vfs_write")
        let kallsyms = "ffffffffffffff00 t last_one\t[edge]\nfffffffffffffff0 t very_last\t[edge]\n"
        let modules = try Array(kallsyms.utf8).withUnsafeBytes {
            try SymbolTable.parse(kallsyms: $0, path: "k")
        }
        table.addModuleSymbols(from: modules)
        #expect(table.lookup(0xffff_ffff_ffff_ff01)?.description == "last_one+0x1/0xf0 [edge]")
        #expect(table.lookup(.max)?.name == "very_last")
    }
}
