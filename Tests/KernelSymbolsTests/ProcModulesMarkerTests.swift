import KernelFacts
import KtriageTestSupport
import Testing

@testable import KernelSymbols

/// The /proc/modules reader, module lookup and the map-to-VMCOREINFO fit on lines made of the
/// very markers they read (`MarkerTexts`): fields split at blanks, a size, a `0x` address, a
/// module named by `[mod]` in kallsyms, `SYMBOL(name)=` and `KERNELOFFSET=` in VMCOREINFO.
@Suite struct ProcModulesMarkerTests {
    static let moduleMarkers = [
        "demo", " ", "\t", "\r", "16384", "0", "-", "Live", "Loading", "0x", "0xffffffffc0001000", "ffffffffc0001000",
        "(OE)", "[", "]", "other_mod,", "0x0",
    ]

    static let known = "demo 16384 0 - Live 0xffffffffc0001000"

    @Test("a /proc/modules line made of its markers is read or named by line, and a known line keeps its module")
    func procModulesLines() throws {
        let kallsyms = try SymbolTable.load(kallsyms: TestData.fixture("kallsyms-modules.txt"))
        var read = 0
        for text in MarkerTexts.texts(Self.moduleMarkers) {
            for (lines, markerLine) in [([Self.known, text], 2), ([text, Self.known], 1)] {
                var table = kallsyms
                do {
                    try table.addModules(procModulesText: lines.joined(separator: "\n"), path: "mods")
                    read += 1
                    // A marker line may name `demo` itself; otherwise the known line's base stands.
                    if !text.contains("demo") {
                        #expect(table.moduleBase(of: "demo") == 0xffff_ffff_c000_1000, "\(lines)")
                        #expect(table.lookup(0xffff_ffff_c000_1041)?.description == "demo_read+0x1/0xc0 [demo]")
                    }
                } catch {
                    #expect(error.line == markerLine || error.line == nil, "\(lines): \(error)")
                }
            }
        }
        #expect(read > 40)
    }

    static let vmcoreMarkers = [
        "SYMBOL(", ")=", "=", "(", ")", "SYMBOL(vfs_write)=", "ffffffff83a00380", "vfs_write", "OSRELEASE", "0x", " ",
    ]

    @Test("a VMCOREINFO line made of its markers leaves the known offset and release, and names any mismatch")
    func vmcoreinfoLines() throws {
        let map = try SymbolTable.load(systemMap: TestData.fixture("System.map-5.10.0-test"))
        let known = ["OSRELEASE=5.10.0-test", "KERNELOFFSET=2a00000", "SYMBOL(_stext)=ffffffff83a00000"]
        for text in MarkerTexts.texts(Self.vmcoreMarkers) where !text.contains("OSRELEASE=") {
            for lines in [known + [text], [text] + known] {
                let info = VMCoreInfo(text: Array(lines.joined(separator: "\n").utf8))
                let fit = map.fit(vmcoreinfo: info, dumpRelease: "5.10.0-test")
                #expect(fit.offset?.value == 0x2a0_0000, "\(lines)")
                #expect(fit.release == "5.10.0-test", "\(lines)")
                #expect(fit.mismatches.allSatisfy { $0.hasPrefix("VMCOREINFO SYMBOL(") }, "\(lines)")
                #expect(fit.fits == fit.isConsistent, "\(lines)")
            }
        }
    }
}
