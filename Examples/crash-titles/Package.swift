// swift-tools-version: 6.1
import PackageDescription

// A program built on ktriage as a library: the README's "Library" example. It depends on the
// checkout two folders up, so it always builds against the code beside it.
let package = Package(
    name: "crash-titles",
    platforms: [.macOS(.v14)],
    dependencies: [.package(name: "ktriage", path: "../..")],
    targets: [
        .executableTarget(
            name: "crash-titles", dependencies: [.product(name: "KtriageReader", package: "ktriage")])
    ]
)
