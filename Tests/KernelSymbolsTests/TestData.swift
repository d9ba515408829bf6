import Foundation
import KtriageTestSupport

/// Where test inputs live: `fixtures/symbols/` (ours) and `../shared/vmcores/` (the lab's real
/// dumps, absent on some machines), as `Fixtures` finds them.
enum TestData {
    static let packageRoot = URL(fileURLWithPath: Fixtures.packageRoot)

    static func fixture(_ name: String) -> String {
        packageRoot.appendingPathComponent("fixtures/symbols/\(name)").path
    }

    static let vmcores = URL(fileURLWithPath: Fixtures.shared("vmcores"))
    static let realMapPath = vmcores.appendingPathComponent("System.map-6.1.0-56-amd64").path
    static var hasRealData: Bool { FileManager.default.fileExists(atPath: realMapPath) }

    /// The lab's cases that have a console log.
    static var realCases: [String] {
        guard hasRealData,
            let names = try? FileManager.default.contentsOfDirectory(atPath: vmcores.path)
        else { return [] }
        return names.filter {
            FileManager.default.fileExists(atPath: vmcores.appendingPathComponent("\($0)/console.log").path)
        }.sorted()
    }

    static func caseFile(_ name: String, _ file: String) -> String {
        vmcores.appendingPathComponent("\(name)/\(file)").path
    }

    static func lines(_ path: String) throws -> [[UInt8]] {
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        var lines = Array(data).split(separator: 0x0A, omittingEmptySubsequences: false).map {
            line -> [UInt8] in
            var bytes = Array(line)
            if bytes.last == 0x0D { bytes.removeLast() }
            return bytes
        }
        if lines.last?.isEmpty == true { lines.removeLast() }
        return lines
    }

    /// A scratch directory removed by the caller.
    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent(
            "ktriage-symbols-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    static func write(_ text: String, to url: URL) throws {
        try Data(text.utf8).write(to: url)
    }
}
