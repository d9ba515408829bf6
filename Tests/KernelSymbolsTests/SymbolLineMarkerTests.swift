import KtriageTestSupport
import Testing

@testable import KernelSymbols

/// The symbol-file and log-line readers on lines made of the very markers they look for,
/// overlapped and cut (`MarkerTexts`): the `nm` line reader slices a name up to a blank and a
/// module between `[` and `]`, the symbolizer inserts at byte offsets it found, and the panic
/// line's offset is read after `Kernel Offset: `.
@Suite struct SymbolLineMarkerTests {
    /// What `NMFormatParser` looks for in System.map and kallsyms lines.
    static let mapMarkers = [
        "ffffffff81000000", "00000000", "0", " ", "T", "t", "A", "U", " T ", " U ", "\t", "[", "]", "[mod]", "\t[mod]",
        "\r", "\n", "name", "?", "-",
    ]

    /// What `LogTokens` and `KASLROffset.fromPanicLine` look for in log lines.
    static let logMarkers = [
        "[<", ">]", "[<ffffffff83a00390>]", "ffffffff83a00390", "+0x10/0x180", "+0x", "/0x", "vfs_write", "? ",
        " [demo]", "[demo 1a2b]", "RAX: ", "pc : ", "0010:", ":", " ", "[", "]", "demo_read+0x1/0xc0",
        "Kernel Offset: ", "disabled", "0x",
    ]

    let table: SymbolTable

    init() throws {
        var table = try SymbolTable.load(systemMap: TestData.fixture("System.map-5.10.0-test"))
        table.addModuleSymbols(from: try SymbolTable.load(kallsyms: TestData.fixture("kallsyms-modules.txt")))
        table.kernelOffset = 0x2a0_0000
        self.table = table
    }

    @Test("every map line made of nm markers is a symbol or an error naming its line")
    func mapLines() {
        var symbols = 0
        for line in MarkerTexts.texts(Self.mapMarkers) {
            let text = Array(("ffffffff81000000 T _stext\n" + line).utf8)
            do {
                let table = try text.withUnsafeBytes { try SymbolTable.parse(kallsyms: $0, path: "marker") }
                symbols += table.kernelSymbolCount + table.moduleSymbolCount
            } catch let error as SymbolFileError {
                #expect((error.line ?? 0) >= 2, "\(line): \(error)")
            } catch {
                Issue.record("\(line): \(error)")
            }
        }
        #expect(symbols > 50)
    }

    /// Whether `inner`'s bytes appear in `outer` in order (the symbolizer only inserts).
    static func isSubsequence(_ inner: [UInt8], of outer: [UInt8]) -> Bool {
        var position = outer.startIndex
        for byte in inner {
            guard let found = outer[position...].firstIndex(of: byte) else { return false }
            position = found + 1
        }
        return true
    }

    @Test("every log line made of symbolizer markers keeps its bytes, and a known address after it is named")
    func logLines() {
        let symbolizer = LogSymbolizer(table: table, kernelOffsetKnown: true, trusted: true)
        var annotated = 0
        for line in MarkerTexts.texts(Self.logMarkers) {
            let bytes = Array(line.utf8)
            let output = symbolizer.symbolize(bytes)
            #expect(Self.isSubsequence(bytes, of: output), "\(line)")
            if output != bytes { annotated += 1 }
            let known = symbolizer.symbolize(Array((line + " [<ffffffffc0001041>]").utf8))
            #expect(known.ends(with: Array("[<ffffffffc0001041>] demo_read+0x1/0xc0 [demo]".utf8)), "\(line)")
            _ = KASLROffset.fromPanicLine(line)
            let panic = "Kernel Offset: 0x2a00000 from 0xffffffff81000000 " + line
            #expect(KASLROffset.fromPanicLine(panic) == 0x2a0_0000, "\(line)")
        }
        #expect(annotated > 50)
    }
}

extension Array where Element == UInt8 {
    fileprivate func ends(with suffix: [UInt8]) -> Bool {
        count >= suffix.count && self[(count - suffix.count)...].elementsEqual(suffix)
    }
}
