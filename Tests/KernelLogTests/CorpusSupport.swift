import Foundation
import KernelLog
import KtriageReader
import KtriageTestSupport

/// The corpora these tests read, named once; the package and `../shared` are found by
/// `Fixtures`, the one test-support path helper.
enum Paths {
    static let packageRoot = URL(fileURLWithPath: Fixtures.packageRoot)
    static let shared = URL(fileURLWithPath: Fixtures.sharedRoot)
    static let syzkallerReports = shared.appendingPathComponent("corpus/syzkaller/report")
    static let abrt = shared.appendingPathComponent("corpus/abrt")
    static let satyr = shared.appendingPathComponent("corpus/satyr")
    static let vmcores = shared.appendingPathComponent("vmcores")
    static let fixtures = packageRoot.appendingPathComponent("fixtures/logs")

    static func exists(_ url: URL) -> Bool { FileManager.default.fileExists(atPath: url.path) }
}

/// A test case file: `KEY: value` header lines, one empty line, then the log (bytes).
struct HeaderedCase {
    var headers: [(String, String)] = []
    var log: [UInt8] = []

    init(bytes raw: [UInt8]) {
        let bytes = raw.filter { $0 != 0x0d }
        var i = 0
        while i < bytes.count {
            var e = i
            while e < bytes.count, bytes[e] != 0x0a { e += 1 }
            if e == i { i = e + 1; break }
            let line = String(decoding: bytes[i..<e], as: UTF8.self)
            if !line.hasPrefix("#"), let c = line.firstIndex(of: ":") {
                headers.append((String(line[..<c]), line[line.index(after: c)...].trimmingCharacters(in: .whitespaces)))
            }
            i = e + 1
        }
        var log = Array(bytes[min(i, bytes.count)...])
        // `\nREPORT:\n` after an empty line starts the expected report text, not part of the log.
        let marker = Array("\n\nREPORT:\n".utf8)
        if log.count >= marker.count {
            var k = 0
            while k + marker.count <= log.count {
                if log[k] == 0x0a, Array(log[k..<(k + marker.count)]) == marker {
                    log = Array(log[..<(k + 1)])
                    break
                }
                k += 1
            }
        }
        self.log = log
    }

    func value(_ key: String) -> String? { headers.first { $0.0 == key }?.1 }
    func values(_ key: String) -> [String] { headers.filter { $0.0 == key }.map(\.1) }
}

extension String {
    /// The identifier after the last ` in ` of a title.
    var titleFrame: String? {
        guard let r = range(of: " in ", options: .backwards) else { return nil }
        return String(self[r.upperBound...])
    }
}

/// Crash records of a log held in memory, read through the front door — the path `ktriage scan`
/// takes (container detection, wrappers removed per line, one parser per host).
enum FrontDoor {
    static func records(_ bytes: [UInt8], source: LogSource? = nil, name: String = "test.log") -> [CrashRecord] {
        let reader = CrashReader(options: LogReaderOptions(referenceYear: 2024, source: source))
        return reader.read(bytes: bytes, name: name).records
    }

    static func records(_ text: String, source: LogSource? = nil) -> [CrashRecord] {
        records(Array(text.utf8), source: source)
    }
}
