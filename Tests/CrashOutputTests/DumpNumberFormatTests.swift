import Testing

@testable import CrashOutput

/// Uptime and load averages of a dump are printed with fixed decimals. A damaged `jiffies_64`
/// once reached `format3` as 7 × 10^16 s and `Int(seconds × 1000)` trapped; the readers now bound
/// the uptime, and the formatters take any `Double` too.
@Suite("Dump facts: fixed-decimal numbers")
struct DumpNumberFormatTests {
    @Test("ordinary values keep their decimals, as crash prints them")
    func ordinary() {
        #expect(VmcoreFactsJSON.format3(6.452) == "6.452")
        #expect(VmcoreFactsJSON.format3(12) == "12.000")
        #expect(VmcoreFactsJSON.format3(0.0405) == "0.041")
        #expect(VmcoreFactsJSON.hundredths(0.05) == "0.05")
        #expect(VmcoreFactsJSON.hundredths(1.5) == "1.50")
        #expect(VmcoreInfoText.uptime(90_061) == "1 days, 01:01:01")
    }

    @Test("negative, huge and non-finite values are printed, not trapped on")
    func extremes() {
        #expect(VmcoreFactsJSON.format3(-1.5) == "-1.500")
        #expect(VmcoreFactsJSON.hundredths(-0.004) == "0.00")
        #expect(VmcoreFactsJSON.format3(7e16) == "7e+16")
        #expect(VmcoreFactsJSON.hundredths(.infinity) == "null")
        #expect(VmcoreFactsJSON.format3(.nan) == "null")
        #expect(VmcoreInfoText.uptime(7e16) == "7e+16 s")
        #expect(VmcoreInfoText.uptime(-.infinity) == "-inf s")
    }
}
