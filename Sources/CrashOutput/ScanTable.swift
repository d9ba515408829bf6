import KtriageReader

/// `scan --inputs`: what was read per input, as a table.
public enum ScanTable {
    public static func lines(_ results: [InputReport], width: Int) -> [String] {
        let header = ["input", "source", "format", "lines", "kernel", "other", "hosts", "notes"]
        var rows: [[String]] = []
        for result in results {
            guard let summary = result.summary else {
                rows.append([result.path, "-", "-", "-", "-", "-", "-", "unreadable"])
                continue
            }
            var notes: [String] = []
            if summary.compressed { notes.append("gzip") }
            if summary.cutLines > 0 { notes.append("\(summary.cutLines) long lines cut") }
            if summary.droppedMessages > 0 { notes.append("\(summary.droppedMessages) messages dropped") }
            if summary.malformedLines > 0 { notes.append("\(summary.malformedLines) malformed") }
            rows.append([
                summary.path, summary.source.rawValue, summary.format?.rawValue ?? "-", String(summary.lines),
                String(summary.kernelLines),
                String(summary.otherProgramLines),
                summary.hosts.prefix(3).joined(separator: ",")
                    + (summary.hosts.count > 3 ? ",…" : ""), notes.joined(separator: "; "),
            ])
        }
        return TextTable.lines(header: header, rows: rows, width: width)
    }
}
