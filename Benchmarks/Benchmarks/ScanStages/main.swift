import KernelLog
import KtriageBytes

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Where one thread's scan of a log spends its time, stage by stage, each stage a whole pass
/// over the file in memory (warm page cache) and each adding work to the one before:
/// framing lines; framing plus wrapper stripping (hosts, stamps, counts: what every line costs);
/// plus the header prefilter on every line; plus one crash report parser taking the lines it
/// wants (the prefilter's hits and the lines of reports in progress; `scan` keeps one parser per
/// host, so on a multi-host syslog its records differ, not its work).
///
///     cd Benchmarks && swift run -c release ScanStages /tmp/ktriage-bench-console-fleet.log
///
/// The figures are milliseconds per pass; subtracting neighbours gives each stage's cost
/// (docs/performance.md, "Where one thread's time goes").
func milliseconds(_ body: () throws -> Void) rethrows -> Double {
    var start = timespec()
    var end = timespec()
    clock_gettime(CLOCK_MONOTONIC, &start)
    try body()
    clock_gettime(CLOCK_MONOTONIC, &end)
    return Double(end.tv_sec - start.tv_sec) * 1e3 + Double(end.tv_nsec - start.tv_nsec) / 1e6
}

guard CommandLine.arguments.count == 2 else {
    print("usage: ScanStages LOG")
    exit(2)
}
let path = CommandLine.arguments[1]
/// The whole file in memory, so every stage reads the same bytes without I/O.
func load(_ path: String) -> [UInt8] {
    guard let file = fopen(path, "rb") else {
        print("ScanStages: cannot open \(path)")
        exit(1)
    }
    defer { fclose(file) }
    var bytes: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 1 << 20)
    while true {
        let count = buffer.withUnsafeMutableBytes { fread($0.baseAddress, 1, $0.count, file) }
        if count == 0 { break }
        bytes.append(contentsOf: buffer[..<count])
    }
    return bytes
}
let bytes = load(path)
let megabytes = Double(bytes.count) / 1e6

func report(_ stage: String, _ elapsed: Double, _ detail: String) {
    let name = stage.padding(toLength: 34, withPad: " ", startingAt: 0)
    let rate = Int((megabytes / (elapsed / 1000)).rounded())
    print("\(name) \(Int(elapsed.rounded())) ms  \(rate) MB/s  \(detail)")
}

for _ in 0..<2 {
    var lines = 0
    let framing = bytes.withUnsafeBytes { buffer in
        milliseconds {
            var framer = LineFramer()
            framer.feed(buffer) { _ in lines += 1 }
            framer.finish { _ in lines += 1 }
        }
    }
    report("framing", framing, "\(lines) lines")
    // The floor of a scan that skipped stripping on quiet lines (docs/performance.md, "What
    // 2 GB/s on one core would take"): every raw line, wrapper and all, through the prefilter.
    var rawHits = 0
    let rawPrefilter = bytes.withUnsafeBytes { buffer in
        milliseconds {
            var framer = LineFramer()
            let body = { (line: FramedLine) in
                let sketch = LineSketch(
                    text: line.bytes, number: line.number, hostNumber: nil, hasMonotonicStamp: false)
                if CrashReportParser.mayStartReport(sketch) { rawHits += 1 }
            }
            framer.feed(buffer, body)
            framer.finish(body)
        }
    }
    report("framing + raw-line prefilter", rawPrefilter, "\(rawHits) lines may start a report")
    for stage in ["stripping", "stripping + prefilter", "stripping + prefilter + parser"] {
        var parser = CrashReportParser()
        var delivered = 0
        var summary: LogReadSummary?
        let elapsed = try bytes.withUnsafeBytes { buffer in
            try milliseconds {
                var feed = KernelLogFeed(path: path)
                let wants: (LineSketch) -> Bool = { sketch in
                    switch stage {
                    case "stripping": return false
                    case "stripping + prefilter":
                        _ = CrashReportParser.mayStartReport(sketch)
                        return false
                    default: return parser.wants(sketch)
                    }
                }
                try feed.feed(buffer, wants: wants) { line in
                    delivered += 1
                    parser.consume(line)
                }
                summary = try feed.finish(wants: wants) { line in
                    delivered += 1
                    parser.consume(line)
                }
            }
        }
        let records = parser.finish().count
        report(
            stage, elapsed, "\(summary?.kernelLines ?? 0) kernel lines, \(delivered) to the parser, \(records) records")
    }
}
