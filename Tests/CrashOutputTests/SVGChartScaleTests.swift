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

    @Test("days in time order whatever order they come in; a day that is not a date is left out")
    func dayOrder() {
        // A clamped five-digit year sorts first as text; it is no date FleetTime reads.
        let timeline = SVGChart.timeline([("10000-01-01", 5), ("2026-11-03", 1), ("2026-11-01", 3)])
        #expect(!timeline.contains("no wall-clock times"))
        #expect(timeline.contains(">2026-11-01</text>"))
        #expect(timeline.contains("text-anchor=\"end\">2026-11-03</text>"))
        #expect(!timeline.contains("10000"))
        // Three days of slots: 2026-11-01 at x 5, 2026-11-03 two slots of 24 px on.
        #expect(timeline.contains("<rect x=\"53\""))
    }

    @Test("a span of years keeps every bar inside the chart")
    func longSpan() {
        let timeline = SVGChart.timeline([("2000-01-01", 1), ("2026-01-01", 1)], width: 560)
        let positions = timeline.components(separatedBy: "<rect x=\"").dropFirst().compactMap {
            Int($0.prefix { $0.isNumber })
        }
        #expect(positions.count == 2)
        #expect(positions.allSatisfy { $0 <= 560 })
    }
}
