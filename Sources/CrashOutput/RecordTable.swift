import KtriageReader

/// `scan`: the records as a table (where, host, kind, title, kernel) and a count line that counts
/// crash reports and node events apart.
public enum RecordTable {
    public static func lines(_ results: [InputReport], width: Int) -> [String] {
        let header = ["location", "host", "kind", "title", "kernel"]
        var rows: [[String]] = []
        var total = 0
        var events = 0
        for result in results {
            for record in result.records {
                if record.recordClass == .event { events += 1 } else { total += 1 }
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
        // Node events (`class` event: OOM kills, hardware, filesystem and I/O errors) are counted apart.
        let eventText = events == 0 ? "" : " and \(events) node event\(events == 1 ? "" : "s")"
        lines.append(
            "\(total) crash report\(total == 1 ? "" : "s")\(eventText) in \(results.count) input\(results.count == 1 ? "" : "s") (\(logLines) lines)"
        )
        return lines
    }
}
