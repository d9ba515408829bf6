import Foundation
import Testing

@testable import KernelSymbols

/// ELF tables from objects compiled at test time from `fixtures/symbols/elf-symbols.c`.
@Suite(.enabled(if: CCompiler.path != nil, "no C compiler (cc) on this machine"))
struct ELFSymbolTests {
    static var compiler: String? { CCompiler.path }

    /// Compiles the fixture with `arguments`, returns the output path.
    static func compile(_ arguments: [String], output: String) throws -> String {
        let directory = try TestData.temporaryDirectory()
        let path = directory.appendingPathComponent(output).path
        let process = Process()
        process.executableURL = URL(fileURLWithPath: compiler ?? "/usr/bin/cc")
        process.arguments = arguments + ["-o", path, TestData.fixture("elf-symbols.c")]
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw CompileFailed() }
        return path
    }

    struct CompileFailed: Error {}

    /// Flags that link the fixture as the kernel is linked: static, not position-independent.
    static let kernelLike = ["-O0", "-nostdlib", "-static", "-no-pie", "-fno-asynchronous-unwind-tables"]

    /// Compiles the fixture, hands `body` the output's path, then removes the output's folder.
    static func withCompiled(_ arguments: [String], output: String, _ body: (String) throws -> Void) throws {
        let path = try compile(arguments, output: output)
        defer {
            try? FileManager.default.removeItem(atPath: URL(fileURLWithPath: path).deletingLastPathComponent().path)
        }
        try body(path)
    }

    @Test func executableGivesSizesTypesAndTheBannerRelease() throws {
        try Self.withCompiled(Self.kernelLike, output: "vmlinux") { path in
            let table = try SymbolTable.load(elf: path)
            #expect(table.source == .elf)
            #expect(table.release == "4.19.0-elf-test")
            #expect(table.releaseEvidence == "linux_banner")
            #expect(table.banner == "Linux version 4.19.0-elf-test (tester@example) #1 SMP")
            let sameBuild = Array("[    0.000000] Linux version 4.19.0-elf-test (tester@example) #1 SMP".utf8)
            let rebuilt = Array("[    0.000000] Linux version 4.19.0-elf-test (tester@example) #2 SMP".utf8)
            #expect(LogAnalysis(lines: [sameBuild], table: table).segments.first?.mismatch == nil)
            let mismatch = LogAnalysis(lines: [rebuilt], table: table).segments.first?.mismatch ?? ""
            #expect(
                mismatch.contains(
                    "the map's linux_banner is 'Linux version 4.19.0-elf-test (tester@example) #1 SMP'"))
            let helper = try #require(table.linkAddress(of: "helper"))
            let entry = try #require(table.linkAddress(of: "entry_point"))
            let match = try #require(table.lookup(helper + 3))
            #expect(match.name == "helper" && match.offset == 3 && match.type == "t")
            #expect(match.elfSize == entry - helper)
            #expect(table.lookup(entry)?.type == "T")
            #expect(table.lookup(try #require(table.linkAddress(of: "linux_banner")))?.type == "R")
            #expect(table.lookup(try #require(table.linkAddress(of: "counter")))?.type == "D")
            #expect(table.lookup(try #require(table.linkAddress(of: "scratch")))?.type == "b")
            #expect(table.address(of: "entry_point", offset: 2).resolvedAddress == entry + 2)
        }
    }

    /// A code audit (2026-12-06): the symbol count was `sh_size / sh_entsize`. A damaged
    /// `sh_entsize` of 0 lost every symbol; 1 made every byte a symbol (gigabytes reserved for a
    /// large table, and past 2^31 an index `Int32` cannot hold). The count now comes from the
    /// bytes libelf read and the size of a symbol.
    @Test("a symbol table whose sh_entsize is damaged reads the same symbols", arguments: [UInt64(0), 1, 7])
    func damagedEntrySize(_ entrySize: UInt64) throws {
        try Self.withCompiled(Self.kernelLike, output: "vmlinux") { path in
            let whole = try SymbolTable.load(elf: path)
            // ELF64 little-endian: e_shoff at 0x28, e_shentsize at 0x3a, e_shnum at 0x3c; a section
            // header's sh_type at +4 and sh_entsize at +56.
            var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
            func integer(_ offset: Int, _ size: Int) -> Int {
                (0..<size).reduce(0) { $0 | Int(bytes[offset + $1]) << (8 * $1) }
            }
            let sectionHeaders = integer(0x28, 8)
            var patched = 0
            for index in 0..<integer(0x3c, 2) {
                let header = sectionHeaders + index * integer(0x3a, 2)
                guard integer(header + 4, 4) == 2 else { continue }  // SHT_SYMTAB
                for byte in 0..<8 {
                    bytes[header + 56 + byte] = UInt8(truncatingIfNeeded: entrySize >> (8 * UInt64(byte)))
                }
                patched += 1
            }
            #expect(patched == 1)
            try Data(bytes).write(to: URL(fileURLWithPath: path))
            let damaged = try SymbolTable.load(elf: path)
            #expect(damaged.linkAddress(of: "helper") == whole.linkAddress(of: "helper"))
            #expect(damaged.linkAddress(of: "entry_point") == whole.linkAddress(of: "entry_point"))
            #expect(damaged.release == whole.release)
        }
    }

    @Test func relocatableObjectIsLaidOutLikeTheKernelLoadsAModule() throws {
        try Self.withCompiled(["-O0", "-c"], output: "demo-mod.ko") { path in
            #expect(throws: SymbolFileError.self) { try SymbolTable.load(elf: path) }
            var table = try SymbolTable.load(systemMap: TestData.fixture("System.map-5.10.0-test"))
            let base: UInt64 = 0xffff_ffff_c010_0000
            let name = try table.addModule(elf: path, base: base)
            #expect(name == "demo_mod")
            // Text first, read-only data on the next page, writable data on the page after.
            #expect(table.lookup(base)?.description.hasPrefix("helper+0x0/") == true)
            #expect(table.lookup(base)?.module == "demo_mod")
            #expect(table.lookup(base + 0x1000)?.name == "linux_banner")
            #expect(table.lookup(base + 0x2000)?.name == "counter")
            let entry = try #require(table.address(of: "entry_point", module: "demo_mod").resolvedAddress)
            #expect(entry > base && entry < base + 0x100)
        }
    }
}

enum CCompiler {
    static let path: String? = ["/usr/bin/cc", "/usr/bin/gcc", "/usr/bin/clang"].first {
        FileManager.default.isExecutableFile(atPath: $0)
    }
}
