import CrashFleet
import FuzzLineSupport
import FuzzSupport

/// `group --merge` on arbitrary bytes: a partial grouping (`group --format partial`, written by
/// another machine or shard) read by `PartialFile` — the byte cursor over the document, the
/// groups' byte reader and its fallback to `JSONDecoder`, the hosts' facts, the plausibility
/// checks — then merged into itself (sums that must not overflow) and summarised as `group`
/// prints it.
func fuzzOne(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let bytes = UnsafeRawBufferPointer(start: start, count: count)
    guard let fleet = try? PartialFile.read(bytes, path: "fuzz.json", jobs: 1) else { return 0 }
    var merged = fleet
    merged.merge(fleet)
    _ = FleetSummary(merged).groups.count
    return 0
}

LineMutator.grammar = .jsonDocument
runFuzzer(fuzzOne)
