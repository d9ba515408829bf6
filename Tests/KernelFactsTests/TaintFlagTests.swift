import KernelFacts
import Testing

@Suite("Taint table")
struct TaintFlagTests {
    @Test("bits 0…19 in order, one letter each, as taint_flags[] in kernel/panic.c")
    func table() {
        #expect(TaintFlag.all.map(\.bit) == Array(0...19))
        #expect(String(TaintFlag.all.map(\.letter)) == "PFSRMBUDAWCIOELKXTNJ")
        #expect(Set(TaintFlag.all.map(\.letter)).count == TaintFlag.all.count)
        #expect(Set(TaintFlag.all.map(\.name)).count == TaintFlag.all.count)
        #expect(TaintFlag.all.allSatisfy { !$0.meaning.isEmpty })
    }

    @Test("letters, names, meanings and the kernel that added them")
    func lookups() {
        #expect(TaintFlag.flag(letter: "W")?.name == "warn")
        #expect(TaintFlag.flag(letter: "O")?.bit == 12)
        #expect(TaintFlag.flag(letter: "E")?.since == "3.15")
        #expect(TaintFlag.flag(letter: "N")?.since == "5.19")
        #expect(TaintFlag.flag(letter: "J")?.since == "6.15")
        // `G` is bit 0 clear: a letter with a meaning but no flag.
        #expect(TaintFlag.flag(letter: "G") == nil)
        #expect(TaintFlag.meaning(ofLetter: "G") == "only GPL-compatible modules loaded")
        #expect(TaintFlag.meaning(ofLetter: "D") == "kernel died recently (an earlier oops or BUG)")
        #expect(TaintFlag.meaning(ofLetter: "Z") == nil)
    }
}
