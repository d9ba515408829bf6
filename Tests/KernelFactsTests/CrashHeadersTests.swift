import KernelFacts
import Testing

@Suite("Crash header table")
struct CrashHeadersTests {
    @Test("the prefilter's literals are the table's plus the boot banner, each once")
    func literals() {
        #expect(CrashHeaders.literals.count == CrashHeaders.table.count + 1)
        #expect(CrashHeaders.literals.last == KernelBanner.marker)
        #expect(Set(CrashHeaders.table.map(\.literal)).count == CrashHeaders.table.count)
    }

    @Test("short literals end in a colon (the prefilter finds them by their colon)")
    func shortLiteralsEndInColon() {
        for header in CrashHeaders.table where header.literal.utf8.count < 8 {
            #expect(header.literal.hasSuffix(":") || header.literal.hasSuffix(": "), "\(header.literal)")
        }
    }
}
