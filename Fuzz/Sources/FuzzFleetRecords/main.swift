import CrashFleet
import Foundation
import FuzzLineSupport
import FuzzSupport
import KernelLog

/// `group --from-ndjson` and `ingest --from-ndjson` on arbitrary bytes: records written by `scan
/// --format ndjson` elsewhere, one per line, each read by the grouping view
/// (`RecordLineReader`: the byte cursor over the fields grouping needs) or, when the view
/// declines it, by `JSONDecoder` as `NDJSONGrouper` does; the text-line count `ingest` stores;
/// the records grouped and summarised.
func fuzzOne(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let bytes = UnsafeRawBufferPointer(start: start, count: count)
    var grouper = NDJSONGrouper(context: GroupingContext(nowMicros: 1_900_000_000_000_000))
    var memo = RecordLineReader.Memo()
    var lineStart = 0
    while lineStart < count {
        var lineEnd = lineStart
        while lineEnd < count, bytes[lineEnd] != 0x0A { lineEnd += 1 }
        let line = UnsafeRawBufferPointer(rebasing: bytes[lineStart..<lineEnd])
        _ = RecordLineReader.textLineCount(line)
        if let record = RecordLineReader.read(line, memo: &memo)
            ?? (try? JSONDecoder().decode(CrashRecord.self, from: Data(line)))
        {
            grouper.take(record)
        }
        lineStart = lineEnd + 1
    }
    _ = FleetSummary(grouper.finish()).groups.count
    return 0
}

LineMutator.grammar = .ndjsonRecords
runFuzzer(fuzzOne)
