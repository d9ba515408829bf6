import Testing

@testable import CrashOutput

/// Bars of the HTML page's charts are scaled to the largest count. Counts merged from many
/// partials reach 2^62, and `length × count` trapped on overflow before the division.
@Suite("SVG charts: bar lengths of huge counts")
struct SVGChartScaleTests {
    @Test("bar lengths are those of integer arithmetic for ordinary counts")
    func ordinary() {
        // 280 px for the longest bar (560 wide, 230 for labels, 50 for the count).
        let bars = SVGChart.horizontalBars([("a", 7, false), ("b", 3, false), ("c", 0, false)])
        #expect(bars.contains("width=\"280\""))
        #expect(bars.contains("width=\"120\""))
        #expect(bars.contains("width=\"1\""))
        let timeline = SVGChart.timeline([("2026-11-01", 1000), ("2026-11-02", 1)])
        #expect(timeline.contains("height=\"100\""))
        #expect(timeline.contains("height=\"2\""))
    }

    @Test("counts near 2^62 give full and partial bars, not a trap")
    func huge() {
        let huge = 1 << 62
        let bars = SVGChart.horizontalBars([("6.1.0-18-amd64", huge, false), ("5.15.0-91-generic", huge / 4, true)])
        #expect(bars.contains("width=\"280\""))
        #expect(bars.contains("width=\"70\""))
        let timeline = SVGChart.timeline([("2026-11-01", huge), ("2026-11-02", huge / 2)])
        #expect(timeline.contains("height=\"100\""))
        #expect(timeline.contains("height=\"50\""))
    }
}
