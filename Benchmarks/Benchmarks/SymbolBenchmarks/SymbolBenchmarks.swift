import Benchmark
import Foundation
import KernelSymbols

// Targets (issue 5): load the ~150k-symbol System.map in ≤ 30 ms and ≤ 20 MB; ≥ 10 M lookups/s
// on one core. Same-run peer: a straightforward Swift table (array of structs with `String`
// names, parsed with `split`), doing the same loads and the same lookups.
//
// External peers (python bisect, sort+awk) doing the same lookups: Benchmarks/peers/symbols/run-peers.sh.
//
// Inputs: the lab's real Debian 6.1 map (../../shared/vmcores, 94k symbols) when present, and a
// synthetic 150k-symbol map written to a temporary file (always).

let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent()
let realMap = packageRoot.deletingLastPathComponent().appendingPathComponent(
    "shared/vmcores/System.map-6.1.0-56-amd64"
)
.path

/// A System.map-shaped file of `count` symbols (text then data, realistic name lengths).
func syntheticMap(count: Int) -> String {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("ktriage-bench-\(count).map")
        .path
    if FileManager.default.fileExists(atPath: path) { return path }
    var text = ""
    text.reserveCapacity(count * 44)
    var address: UInt64 = 0xffff_ffff_8100_0000
    var state: UInt64 = 0x9e37_79b9_7f4a_7c15
    text += "ffffffff81000000 T _text\n"
    for index in 0..<count {
        state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        address += 16 + (state >> 33) % 0x400 & ~0xf
        let type = index < count * 3 / 4 ? (state & 1 == 0 ? "T" : "t") : (state & 1 == 0 ? "D" : "d")
        let name = "sym_\(index)_" + String(repeating: "x", count: Int((state >> 20) % 24))
        text += String(address, radix: 16) + " \(type) \(name)\n"
    }
    text += String(address + 0x1000, radix: 16) + " B _end\n"
    try? text.write(toFile: path, atomically: true, encoding: .utf8)
    return path
}

/// The peer: what one writes without thinking about layout.
struct NaiveTable {
    struct Symbol {
        var address: UInt64
        var type: Character
        var name: String
    }
    var symbols: [Symbol] = []

    init(path: String) throws {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        for line in text.split(separator: "\n") {
            let fields = line.split(separator: " ")
            guard fields.count >= 3, let address = UInt64(fields[0], radix: 16), let type = fields[1].first
            else {
                continue
            }
            symbols.append(Symbol(address: address, type: type, name: String(fields[2])))
        }
        symbols.sort { $0.address < $1.address }
    }

    func lookup(_ address: UInt64) -> (String, UInt64)? {
        var low = 0
        var high = symbols.count
        while low < high {
            let middle = (low + high) / 2
            if symbols[middle].address <= address { low = middle + 1 } else { high = middle }
        }
        guard low > 0 else { return nil }
        let symbol = symbols[low - 1]
        return (symbol.name, address - symbol.address)
    }
}

/// `count` addresses spread over the kernel text of `table` (fixed seed).
func addresses(in table: SymbolTable, count: Int) -> [UInt64] {
    let start = table.linkAddress(of: "_text") ?? 0xffff_ffff_8100_0000
    let end = table.linkAddress(of: "_etext") ?? table.linkAddress(of: "_end") ?? start + 0x100_0000
    var state: UInt64 = 42
    return (0..<count).map { _ in
        state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        return start + (state >> 11) % (end - start)
    }
}

let benchmarks: @Sendable () -> Void = {
    let loadMetrics: [BenchmarkMetric] = [
        // CPU time next to wall clock: the machine is shared, and waiting for a core is not our cost.
        .wallClock, .cpuTotal, .peakMemoryResident, .peakMemoryResidentDelta, .mallocBytesCount,
        .mallocCountTotal,
    ]
    let lookupMetrics: [BenchmarkMetric] = [.wallClock, .cpuTotal, .throughput, .mallocCountTotal]
    var maps: [(String, String)] = [("synthetic-150k", syntheticMap(count: 150_000))]
    if FileManager.default.fileExists(atPath: realMap) { maps.insert(("debian-6.1-94k", realMap), at: 0) }

    for (label, path) in maps {
        Benchmark(
            "Load System.map \(label)",
            configuration: .init(metrics: loadMetrics, maxDuration: .seconds(5), maxIterations: 60)
        ) { benchmark in
            for _ in benchmark.scaledIterations {
                let table = try SymbolTable.load(systemMap: path)
                blackHole(table.kernelSymbolCount)
            }
        }
        Benchmark(
            "Load System.map \(label) (peer: naive Swift)",
            configuration: .init(metrics: loadMetrics, maxDuration: .seconds(5), maxIterations: 30)
        ) { benchmark in
            for _ in benchmark.scaledIterations {
                blackHole(try NaiveTable(path: path).symbols.count)
            }
        }
    }

    let lookupPath = maps[0].1
    let lookupLabel = maps[0].0
    // 1 M lookups per iteration; throughput is reported in iterations/s, so ×1 M lookups/s.
    let count = 1_000_000
    Benchmark(
        "Lookup \(lookupLabel): lookup() → SymbolMatch, 1M addresses",
        configuration: .init(metrics: lookupMetrics, maxDuration: .seconds(5), maxIterations: 20)
    ) { (benchmark: Benchmark, state: (SymbolTable, [UInt64])) in
        let (table, probes) = state
        benchmark.startMeasurement()
        var found = 0
        for probe in probes {
            if let match = table.lookup(probe) { found &+= Int(match.offset & 1) }
        }
        blackHole(found)
    } setup: {
        let table = try SymbolTable.load(systemMap: lookupPath)
        return (table, addresses(in: table, count: count))
    }
    Benchmark(
        "Lookup \(lookupLabel): lookup() + name as String, 1M addresses",
        configuration: .init(metrics: lookupMetrics, maxDuration: .seconds(5), maxIterations: 20)
    ) { (benchmark: Benchmark, state: (SymbolTable, [UInt64])) in
        let (table, probes) = state
        benchmark.startMeasurement()
        var found = 0
        for probe in probes {
            if let match = table.lookup(probe) { found &+= match.name.utf8.count }
        }
        blackHole(found)
    } setup: {
        let table = try SymbolTable.load(systemMap: lookupPath)
        return (table, addresses(in: table, count: count))
    }
    Benchmark(
        "Lookup \(lookupLabel): kernelSymbolIndex(), 1M addresses",
        configuration: .init(metrics: lookupMetrics, maxDuration: .seconds(5), maxIterations: 20)
    ) { (benchmark: Benchmark, state: (SymbolTable, [UInt64])) in
        let (table, probes) = state
        benchmark.startMeasurement()
        var found = 0
        for probe in probes {
            if let index = table.kernelSymbolIndex(containing: probe) { found &+= index }
        }
        blackHole(found)
    } setup: {
        let table = try SymbolTable.load(systemMap: lookupPath)
        return (table, addresses(in: table, count: count))
    }
    Benchmark(
        "Lookup \(lookupLabel): peer naive Swift with name, 1M addresses",
        configuration: .init(metrics: lookupMetrics, maxDuration: .seconds(5), maxIterations: 20)
    ) { (benchmark: Benchmark, state: (NaiveTable, [UInt64])) in
        let (table, probes) = state
        benchmark.startMeasurement()
        var found = 0
        for probe in probes {
            if let (name, offset) = table.lookup(probe) { found &+= Int(offset & 1) &+ name.utf8.count }
        }
        blackHole(found)
    } setup: {
        let symbols = try SymbolTable.load(systemMap: lookupPath)
        return (try NaiveTable(path: lookupPath), addresses(in: symbols, count: count))
    }
    Benchmark(
        "Table storage bytes \(lookupLabel)",
        configuration: .init(metrics: [.wallClock], maxIterations: 1)
    ) { _ in
        let table = try SymbolTable.load(systemMap: lookupPath)
        print("storage \(lookupLabel): \(table.storageBytes) bytes for \(table.kernelSymbolCount) symbols")
    }
}
