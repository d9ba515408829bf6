// swift-tools-version: 6.1
import PackageDescription

/// ktriage: kernel crash log and vmcore metadata analyzer.
///
/// Shape (see README): C libraries are wrapped by `KtriageNative` only (behind `internal import`);
/// `KtriageBytes` reads inputs and frames lines; `KernelLog` strips log wrappers and parses crash
/// reports; `KernelSymbols` maps addresses; `KernelDump` reads vmcores; `CrashFleet` groups records;
/// the `ktriage` executable is a thin argument-parser front end.
let package = Package(
    name: "ktriage",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "ktriage", targets: ["ktriage"]),
        .library(name: "KtriageBytes", targets: ["KtriageBytes"]),
        .library(name: "KernelLog", targets: ["KernelLog"]),
        .library(name: "KernelSymbols", targets: ["KernelSymbols"]),
        .library(name: "KernelDump", targets: ["KernelDump"]),
        .library(name: "CrashFleet", targets: ["CrashFleet"]),
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
        .target(
            name: "KtriageNative",
            dependencies: ["CKtriageElf", "CKtriageZlib", "CKtriageLzo", "CKtriageSnappy", "CKtriageZstd"]),
        .target(name: "KtriageBytes", dependencies: ["KtriageNative"]),
        .target(name: "KernelLog", dependencies: ["KtriageBytes"]),
        .target(name: "KernelSymbols", dependencies: ["KtriageBytes", "KtriageNative"]),
        .target(
            name: "KernelDump",
            dependencies: ["KtriageBytes", "KtriageNative", "KernelLog", "KernelSymbols"]),
        .target(name: "CrashFleet", dependencies: ["KernelLog", "KernelDump", "KernelSymbols"]),
        // The SQLite crash history: the only module that pays GRDB's build cost.
        .target(
            name: "CrashStore",
            dependencies: ["CrashFleet", "KernelLog", "KtriageBytes", .product(name: "GRDB", package: "GRDB.swift")]),
        .executableTarget(
            name: "ktriage",
            dependencies: [
                "KtriageBytes", "KernelLog", "KernelSymbols", "KernelDump", "CrashFleet", "CrashStore",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),
        .target(
            name: "KtriageTestSupport",
            dependencies: ["KtriageBytes", "KtriageNative"],
            path: "Tests/KtriageTestSupport"),
        .testTarget(name: "KtriageBytesTests", dependencies: ["KtriageBytes", "KtriageTestSupport"]),
        .testTarget(name: "KernelLogTests", dependencies: ["KernelLog", "KtriageTestSupport"]),
        .testTarget(
            name: "KernelSymbolsTests", dependencies: ["KernelSymbols", "KtriageTestSupport"]),
        .testTarget(name: "KernelDumpTests", dependencies: ["KernelDump", "KtriageTestSupport"]),
        .testTarget(
            name: "CrashFleetTests", dependencies: ["CrashFleet", "CrashStore", "KtriageTestSupport"],
            exclude: ["Snapshots"]),
        .testTarget(
            name: "KtriageCLITests", dependencies: ["ktriage", "KtriageTestSupport"], exclude: ["Snapshots"]),
    ]
)
