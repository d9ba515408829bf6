import CrashFleet
import KtriageTestSupport
import Testing

/// Host facts written as store rows (`category=value`, `?category`) and read back, with values
/// made of the row's own markers, overlapped and cut (`MarkerTexts`): the reader splits a row at
/// its first `=`.
@Suite struct HostFactsMarkerTests {
    static let markers = ["=", "?", "kernel", "hardware=", "?kernel", " ", ", BIOS ", "6.1.0-56-amd64"]

    @Test("every value made of row markers reads back from its row as it was written")
    func rowsRoundTrip() {
        var values = 0
        for value in MarkerTexts.texts(Self.markers) {
            var facts = HostFacts()
            facts.add(.hardware, value)
            facts.markKnown(.taint)
            var read = HostFacts()
            for row in facts.rows { read.add(row: row) }
            #expect(read == facts, "\(value)")
            values += 1
        }
        #expect(values > 150)
    }
}
