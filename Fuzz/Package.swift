// swift-tools-version: 6.1
import PackageDescription

// libFuzzer entry points, one executable per parser. Build and run with Fuzz/run.sh; the main
// package never compiles these.

// The harnesses' own support (input decoding, the custom mutators) is not code under test: it
// is optimised in every configuration, so that a debug + ASan run spends its time in ktriage's
// parsers (the debug mutator and line splitting took an eighth of `FuzzCrashParser`'s time).
let optimised: [SwiftSetting] = [.unsafeFlags(["-O"])]

let package = Package(
    name: "ktriage-fuzz",
    dependencies: [.package(name: "ktriage", path: "..")],
    targets: [
        .target(name: "FuzzSupport", swiftSettings: optimised),
        .target(
            name: "FuzzDumpSupport",
            dependencies: [
                "FuzzSupport", .product(name: "KernelDump", package: "ktriage"), .product(name: "KtriageReader", package: "ktriage"),
                .product(name: "KernelFacts", package: "ktriage"),
            ],
            swiftSettings: optimised),
        // Line-aware mutation of logs, symbol maps and other line-based inputs.
        .target(
            name: "FuzzLineSupport",
            dependencies: [
                "FuzzSupport", .product(name: "KernelFacts", package: "ktriage"),
                .product(name: "KtriageBytes", package: "ktriage"),
            ],
            swiftSettings: optimised),
        // Logs.
        .executableTarget(
            name: "FuzzLogReader",
            dependencies: [
                "FuzzSupport", "FuzzLineSupport",
                .product(name: "KernelLog", package: "ktriage"),
                .product(name: "KtriageReader", package: "ktriage"),
            ]),
        .executableTarget(
            name: "FuzzCrashParser",
            dependencies: ["FuzzSupport", "FuzzLineSupport", .product(name: "KernelLog", package: "ktriage"), .product(name: "KernelFacts", package: "ktriage")]),
        .executableTarget(
            name: "FuzzJournalJSON",
            dependencies: ["FuzzSupport", "FuzzLineSupport", .product(name: "KernelLog", package: "ktriage")]),
        .executableTarget(
            name: "FuzzPstore",
            dependencies: ["FuzzSupport", .product(name: "KernelLog", package: "ktriage")]),
        // Symbols.
        .executableTarget(
            name: "FuzzSymbols",
            dependencies: ["FuzzSupport", "FuzzLineSupport", .product(name: "KernelSymbols", package: "ktriage")]),
        // Dumps.
        .executableTarget(
            name: "FuzzVmcore",
            dependencies: [
                "FuzzSupport", "FuzzDumpSupport",
                .product(name: "KernelDump", package: "ktriage"),
                .product(name: "KtriageReader", package: "ktriage"),
            ]),
        .executableTarget(
            name: "FuzzVmcoreinfo",
            dependencies: [
                "FuzzSupport", .product(name: "KernelFacts", package: "ktriage"),
                .product(name: "KernelDump", package: "ktriage"),
                .product(name: "KernelSymbols", package: "ktriage"),
            ]),
        .executableTarget(name: "FuzzKdump", dependencies: ["FuzzSupport", "FuzzDumpSupport"]),
        .executableTarget(
            name: "FuzzKdumpPage",
            dependencies: ["FuzzSupport", .product(name: "KernelDump", package: "ktriage")]),
        .executableTarget(name: "FuzzFlattened", dependencies: ["FuzzSupport", "FuzzDumpSupport"]),
        .executableTarget(name: "FuzzELFDump", dependencies: ["FuzzSupport", "FuzzDumpSupport"]),
        // Fleet inputs written by other machines.
        .executableTarget(
            name: "FuzzPartial",
            dependencies: ["FuzzSupport", "FuzzLineSupport", .product(name: "CrashFleet", package: "ktriage")]),
        .executableTarget(
            name: "FuzzFleetRecords",
            dependencies: [
                "FuzzSupport", "FuzzLineSupport", .product(name: "CrashFleet", package: "ktriage"),
                .product(name: "KernelLog", package: "ktriage"),
            ]),
        .executableTarget(
            name: "FuzzPrintkRing",
            dependencies: ["FuzzSupport", .product(name: "KernelDump", package: "ktriage"), .product(name: "KernelFacts", package: "ktriage")]),
    ]
)
