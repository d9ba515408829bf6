/// A plain-text table whose columns fit the terminal: the widest column is cut first.
public enum TextTable {
    /// The header line and one line per row, each at most `width` characters.
    public static func lines(header: [String], rows: [[String]], width: Int) -> [String] {
        var widths = header.map(\.count)
        for row in rows {
            for (index, cell) in row.enumerated() where index < widths.count {
                widths[index] = max(widths[index], cell.count)
            }
        }
        let separators = 2 * (widths.count - 1)
        while widths.reduce(0, +) + separators > width,
            let widest = widths.indices.max(by: { widths[$0] < widths[$1] }),
            widths[widest] > 8
        {
            widths[widest] -= 1
        }
        func format(_ cells: [String]) -> String {
            var line = ""
            for (index, cell) in cells.enumerated() where index < widths.count {
                let cut = cell.count > widths[index] ? String(cell.prefix(widths[index] - 1)) + "…" : cell
                line += cut
                if index < widths.count - 1 { line += String(repeating: " ", count: widths[index] - cut.count + 2) }
            }
            // Empty last cells leave no padding behind (diffs and terminals show trailing spaces).
            while line.last == " " { line.removeLast() }
            return line
        }
        return [format(header)] + rows.map(format)
    }
}
