import KernelFacts
import Testing

@Suite("printk caller id")
struct CallerIDTests {
    @Test("bit 31 marks a CPU in a dump's record")
    func stored() {
        #expect(CallerID(printkCallerID: 299) == .thread(299))
        #expect(CallerID(printkCallerID: 0x8000_0003) == .cpu(3))
        #expect(CallerID(printkCallerID: 0x8000_0000) == .cpu(0))
        #expect(CallerID(printkCallerID: 0x7FFF_FFFF) == .thread(Int32.max))
    }

    @Test("padded and unpadded stamps in logs")
    func parsed() {
        func parse(_ text: String) -> (CallerID, Int)? {
            Array(text.utf8).withUnsafeBytes { bytes in CallerID.parse(bytes, at: 0).map { ($0.caller, $0.end) } }
        }
        #expect(parse("[  T123] text")?.0 == .thread(123))
        #expect(parse("[  T123] text")?.1 == 8)
        #expect(parse("[    C3] text")?.0 == .cpu(3))
        #expect(parse("[T3173]")?.0 == .thread(3173))
        #expect(parse("[ X123]") == nil)
        #expect(parse("[ T12") == nil)
        #expect(parse("[ T]") == nil)
        #expect(parse("[ T2147483648]") == nil)
        #expect(parse(" [ T1]") == nil)
    }

    @Test("the column as print_caller() writes it: [%6s]")
    func column() {
        var out: [UInt8] = []
        CallerID.thread(123).appendColumn(to: &out)
        CallerID.cpu(1).appendColumn(to: &out)
        CallerID.thread(1_234_567).appendColumn(to: &out)
        #expect(String(decoding: out, as: UTF8.self) == "[  T123][    C1][T1234567]")
        #expect(CallerID.cpu(7).description == "C7")
    }
}
