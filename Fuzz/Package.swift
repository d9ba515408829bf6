// swift-tools-version: 6.1
import PackageDescription

// libFuzzer entry points, one executable per parser. Build and run with Fuzz/run.sh; the main
// package never compiles these.
let package = Package(
    name: "ktriage-fuzz",
    dependencies: [.package(name: "ktriage", path: "..")],
    targets: [
        .target(name: "FuzzSupport"),
        .executableTarget(
            name: "FuzzLogReader",
            dependencies: [
                "FuzzSupport",
                .product(name: "KernelLog", package: "ktriage"),
                .product(name: "KtriageBytes", package: "ktriage"),
            ]),
        .executableTarget(
            name: "FuzzVmcore",
            dependencies: ["FuzzSupport", .product(name: "KernelDump", package: "ktriage")]),
        .executableTarget(
            name: "FuzzSymbols",
            dependencies: ["FuzzSupport", .product(name: "KernelSymbols", package: "ktriage")]),
    ]
)
