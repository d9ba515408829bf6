import CrashFleet

/// Small inline SVG bar charts for the HTML page (no scripts, no fetches). Labels are escaped.
enum SVGChart {
    /// Horizontal bars, one per label: kernel releases and the like.
    static func horizontalBars(_ items: [(label: String, value: Int, highlight: Bool)], width: Int = 560) -> String {
        let rowHeight = 22
        let labelWidth = 230
        let height = max(1, items.count) * rowHeight + 6
        let maximum = max(1, items.map(\.value).max() ?? 1)
        var svg =
            "<svg class=\"chart\" xmlns=\"http://www.w3.org/2000/svg\" width=\"\(width)\" height=\"\(height)\" role=\"img\">"
        for (index, item) in items.enumerated() {
            let y = index * rowHeight + 3
            let barWidth = max(1, scaled(item.value, of: maximum, to: width - labelWidth - 50))
            let label = item.label.count > 34 ? String(item.label.prefix(33)) + "…" : item.label
            svg += "<text x=\"\(labelWidth - 6)\" y=\"\(y + 15)\" text-anchor=\"end\">\(MarkupText.html(label))</text>"
            svg +=
                "<rect x=\"\(labelWidth)\" y=\"\(y + 2)\" width=\"\(barWidth)\" height=\"\(rowHeight - 6)\" class=\"\(item.highlight ? "bar hot" : "bar")\"><title>\(MarkupText.html(item.label)): \(item.value)</title></rect>"
            svg += "<text x=\"\(labelWidth + barWidth + 5)\" y=\"\(y + 15)\">\(item.value)</text>"
        }
        return svg + "</svg>"
    }

    /// Vertical bars per day over the whole span (days without crashes stay empty), in time
    /// order whatever order the days come in: sorted as text, a clamped five-digit year came
    /// first, and the chart said there were no times at all. Days that are not dates are left out.
    static func timeline(_ days: [(day: String, value: Int)], width: Int = 560, height: Int = 120) -> String {
        let dated = days.compactMap { item in
            FleetTime.parse(item.day).map { (micros: $0, day: item.day, value: item.value) }
        }
        .sorted { $0.micros < $1.micros }
        guard let first = dated.first, let last = dated.last else {
            return "<p class=\"muted\">no wall-clock times</p>"
        }
        let span = Int((last.micros - first.micros) / 86_400_000_000) + 1
        let maximum = max(1, dated.map(\.value).max() ?? 1)
        let plotHeight = height - 20
        // Under a pixel a day when the span is long, so that every bar stays inside the chart.
        let slot = min(24.0, Double(width - 10) / Double(max(span, 1)))
        var svg =
            "<svg class=\"chart\" xmlns=\"http://www.w3.org/2000/svg\" width=\"\(width)\" height=\"\(height)\" role=\"img\">"
        svg += "<line x1=\"0\" y1=\"\(plotHeight)\" x2=\"\(width)\" y2=\"\(plotHeight)\" class=\"axis\"/>"
        for item in dated {
            let offset = Int((item.micros - first.micros) / 86_400_000_000)
            let x = 5 + Double(offset) * slot
            let barHeight = max(2, scaled(item.value, of: maximum, to: plotHeight))
            svg +=
                "<rect x=\"\(Int(x))\" y=\"\(plotHeight - barHeight)\" width=\"\(max(2, Int(slot) - 1))\" height=\"\(barHeight)\" class=\"bar\"><title>\(MarkupText.html(item.day)): \(item.value)</title></rect>"
        }
        // The count axis: the tallest bar's count at its height, 0 at the base line.
        svg += "<text x=\"\(width)\" y=\"11\" text-anchor=\"end\">\(maximum) crash\(maximum == 1 ? "" : "es")</text>"
        svg += "<line x1=\"0\" y1=\"0\" x2=\"\(width)\" y2=\"0\" class=\"grid\"/>"
        svg += "<text x=\"\(width)\" y=\"\(plotHeight - 2)\" text-anchor=\"end\">0</text>"
        svg += "<text x=\"0\" y=\"\(height - 4)\">\(MarkupText.html(first.day))</text>"
        svg += "<text x=\"\(width)\" y=\"\(height - 4)\" text-anchor=\"end\">\(MarkupText.html(last.day))</text>"
        return svg + "</svg>"
    }

    /// `value × length / maximum`, rounded down, for `0 ≤ value ≤ maximum`. Merged partials carry
    /// counts up to 2^62, so the product is taken at double width: `length × value` alone passed
    /// `Int.max` and trapped.
    static func scaled(_ value: Int, of maximum: Int, to length: Int) -> Int {
        guard maximum > 0, value > 0, length > 0 else { return 0 }
        let product = length.multipliedFullWidth(by: min(value, maximum))
        return maximum.dividingFullWidth(product).quotient
    }
}
