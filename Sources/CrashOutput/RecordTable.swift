import KtriageReader

/// `scan`: the crash records as a table (where, host, kind, title, kernel) and a count line.
public enum RecordTable {
    public static func lines(_ results: [InputReport], width: Int) -> [String] {
        let header = ["location", "host", "kind", "title", "kernel"]
        var rows: [[String]] = []
        var total = 0
        for result in results {
            for record in result.records {
                total += 1
                var title = record.title
                if record.corrupted { title += " (corrupted)" }
                if record.linkedTo != nil { title += " (follow-up)" }
                rows.append([
                    "\(result.path):\(record.line)", record.host ?? "-", record.kind.rawValue, title,
                    record.kernel?.release ?? "-",
                ])
            }
        }
        var lines = rows.isEmpty ? [] : TextTable.lines(header: header, rows: rows, width: width)
        let logLines = results.compactMap(\.summary).reduce(0) { $0 + $1.lines }
        lines.append(
            "\(total) crash report\(total == 1 ? "" : "s") in \(results.count) input\(results.count == 1 ? "" : "s") (\(logLines) lines)"
        )
        return lines
    }
}
