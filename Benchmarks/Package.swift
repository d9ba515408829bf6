// swift-tools-version: 6.1
import PackageDescription

// Benchmarks live in their own package so the main build never compiles the benchmark stack.
// Run: cd Benchmarks && swift package benchmark
let package = Package(
    name: "ktriage-benchmarks",
    platforms: [.macOS(.v14)],
    dependencies: [
        .package(name: "ktriage", path: ".."),
        .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.1", traits: ["MallocInterposer"]),
    ],
    targets: [
        .executableTarget(
            name: "InputBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "KtriageBytes", package: "ktriage"),
                .product(name: "KernelLog", package: "ktriage"),
            ],
            path: "Benchmarks/InputBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]),
        // A plain executable, not a `Benchmark` suite: one timed pass per stage over a real file.
        .executableTarget(
            name: "ScanStages",
            dependencies: [
                .product(name: "KtriageBytes", package: "ktriage"),
                .product(name: "KernelLog", package: "ktriage"),
            ],
            path: "Benchmarks/ScanStages"),
        .executableTarget(
            name: "SymbolBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "KernelSymbols", package: "ktriage"),
            ],
            path: "Benchmarks/SymbolBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]),
        .executableTarget(
            name: "FleetBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "CrashFleet", package: "ktriage"),
                .product(name: "CrashStore", package: "ktriage"),
                .product(name: "KernelLog", package: "ktriage"),
            ],
            path: "Benchmarks/FleetBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]),
    ]
)
