// swift-tools-version: 6.1
import PackageDescription

/// ktriage: kernel crash log and vmcore metadata analyzer.
///
/// Modules follow the data flow (README, "Layout"); no module imports one to its right:
/// `KtriageBytes` (cursors, line framing; no C) → `KtriageNative` (libelf, zlib behind
/// `internal import`; file and gzip input) → `KernelFacts` (what the kernel prints and writes:
/// banners, taint, VMCOREINFO text, frame tokens, file magic) → `KernelLog` / `KernelDump` /
/// `KernelSymbols` → `KtriageReader` (the front door: inputs to crash records) → `CrashFleet`
/// (grouping) → `CrashOutput` (tables, JSON, Markdown, HTML) → `CrashStore` (SQLite history) →
/// the `ktriage` executable (arguments only).
let package = Package(
    name: "ktriage",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "ktriage", targets: ["ktriage"]),
        .library(name: "KtriageReader", targets: ["KtriageReader"]),
        .library(name: "KtriageBytes", targets: ["KtriageBytes"]),
        .library(name: "KernelFacts", targets: ["KernelFacts"]),
        .library(name: "KernelLog", targets: ["KernelLog"]),
        .library(name: "KernelSymbols", targets: ["KernelSymbols"]),
        .library(name: "KernelDump", targets: ["KernelDump"]),
        .library(name: "CrashFleet", targets: ["CrashFleet"]),
        .library(name: "CrashOutput", targets: ["CrashOutput"]),
        .library(name: "CrashStore", targets: ["CrashStore"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
    ],
    targets: [
        .systemLibrary(
            name: "CKtriageElf", pkgConfig: "libelf", providers: [.apt(["libelf-dev"])]),
        .systemLibrary(
            name: "CKtriageZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        .systemLibrary(
            name: "CKtriageLzo", pkgConfig: "lzo2", providers: [.apt(["liblzo2-dev"])]),
        .systemLibrary(
            name: "CKtriageSnappy", pkgConfig: "snappy", providers: [.apt(["libsnappy-dev"])]),
        .systemLibrary(
            name: "CKtriageZstd", pkgConfig: "libzstd", providers: [.apt(["libzstd-dev"])]),
        .target(name: "CKtriageMappingGuard"),
        .target(name: "CKtriageLineScan"),
        .target(name: "KtriageBytes", dependencies: ["CKtriageMappingGuard", "CKtriageLineScan"]),
        .target(
            name: "KtriageNative",
            dependencies: [
                "KtriageBytes", "CKtriageElf", "CKtriageZlib", "CKtriageLzo", "CKtriageSnappy", "CKtriageZstd",
            ]),
        .target(name: "KernelFacts", dependencies: ["KtriageBytes"]),
        .target(name: "KernelLog", dependencies: ["KtriageBytes", "KtriageNative", "KernelFacts"]),
        .target(name: "KernelSymbols", dependencies: ["KtriageBytes", "KtriageNative", "KernelFacts"]),
        .target(name: "KernelDump", dependencies: ["KtriageBytes", "KtriageNative", "KernelFacts"]),
        .target(
            name: "KtriageReader",
            dependencies: ["KtriageBytes", "KtriageNative", "KernelFacts", "KernelLog", "KernelDump", "KernelSymbols"]),
        .target(name: "CrashFleet", dependencies: ["KtriageReader", "KernelLog", "KernelFacts", "KtriageBytes"]),
        .target(
            name: "CrashOutput",
            dependencies: ["CrashFleet", "KtriageReader", "KernelLog", "KernelDump", "KernelFacts", "KtriageBytes"]),
        // The SQLite crash history: the only module that pays GRDB's build cost.
        .target(
            name: "CrashStore",
            dependencies: [
                "CrashFleet", "CrashOutput", "KtriageReader", "KernelLog", "KtriageBytes",
                .product(name: "GRDB", package: "GRDB.swift"),
            ]),
        .executableTarget(
            name: "ktriage",
            dependencies: [
                "KtriageBytes", "KernelFacts", "KernelLog", "KernelSymbols", "KernelDump", "KtriageReader", "CrashFleet",
                "CrashOutput", "CrashStore",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),
        .target(
            name: "KtriageTestSupport",
            dependencies: ["KtriageBytes", "KtriageNative"],
            path: "Tests/KtriageTestSupport"),
        .testTarget(
            name: "KtriageBytesTests",
            dependencies: ["KtriageBytes", "KtriageNative", "KtriageReader", "KtriageTestSupport", "CKtriageLineScan"]),
        .testTarget(name: "KernelFactsTests", dependencies: ["KernelFacts", "KtriageBytes", "KtriageTestSupport"]),
        .testTarget(
            name: "KernelLogTests", dependencies: ["KernelLog", "KernelFacts", "KtriageReader", "KtriageTestSupport"]),
        .testTarget(
            name: "KernelSymbolsTests", dependencies: ["KernelSymbols", "KtriageTestSupport"]),
        .testTarget(
            name: "KernelDumpTests", dependencies: ["KernelDump", "KernelFacts", "KtriageTestSupport"]),
        .testTarget(
            name: "KtriageReaderTests", dependencies: ["KtriageReader", "KernelLog", "KtriageTestSupport"]),
        .testTarget(
            name: "CrashFleetTests", dependencies: ["CrashFleet", "CrashOutput", "CrashStore", "KtriageReader", "KtriageTestSupport"],
            exclude: ["Snapshots"]),
        .testTarget(
            name: "CrashOutputTests",
            dependencies: ["CrashOutput", "KernelLog", "KtriageReader", "KtriageTestSupport"],
            exclude: ["Snapshots"]),
        .testTarget(
            name: "KtriageCLITests", dependencies: ["ktriage", "KtriageTestSupport"], exclude: ["Snapshots"]),
    ]
)
