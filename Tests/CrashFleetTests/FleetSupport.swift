import CrashFleet
import Foundation
import KernelLog
import KtriageBytes
import KtriageReader
import KtriageTestSupport

/// Shared helpers: the sample fleet's inputs, a fixed "now", JSON of a summary for comparisons.
enum FleetSupport {
    /// 2026-11-22T00:00:00Z: after every fixture crash except the one from the future.
    static let now: Int64 = 1_795_305_600_000_000

    static var context: GroupingContext { GroupingContext(nowMicros: now) }

    static func items(_ relative: String = "fleet") -> [InputWalker.Item] {
        var walker = InputWalker()
        walker.add([Fixtures.path(relative)])
        return walker.items
    }

    static func group(_ items: [InputWalker.Item], workers: Int = 1) -> FleetAggregate {
        FleetScanner(context: context, workers: workers).group(items)
    }

    static func json(_ summary: FleetSummary) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(summary), as: UTF8.self)
    }

    /// A minimal record for unit tests.
    static func record(
        title: String, host: String?, release: String? = "6.1.0-18-amd64", wall: Int64? = nil, mono: Int64? = nil,
        linkedTo: Int? = nil, modules: [String] = [], frames: [String] = ["a", "b"]
    ) -> CrashRecord {
        var json: [String: Any] = [
            "schema": 1, "line": 1, "end_line": 1, "source": "syslog", "time": [:] as [String: Any], "kind": "oops",
            "title": title,
            "alt_titles": [String](), "signature": CrashSignature.of(title: title), "signature_version": 1,
            "corrupted": false, "panicked": false,
            "frames": frames.map { ["function": $0, "reliable": true, "context": "task"] },
            "modules": modules.map { ["name": $0] }, "registers": [String: String](), "message": title, "text": [title],
        ]
        if let host { json["host"] = host }
        var time: [String: Any] = [:]
        if let wall { time["wall_us"] = wall }
        if let mono { time["monotonic_us"] = mono }
        json["time"] = time
        if let release { json["kernel"] = ["release": release] }
        if let linkedTo { json["linked_to"] = linkedTo }
        let data = try! JSONSerialization.data(withJSONObject: json)
        return try! JSONDecoder().decode(CrashRecord.self, from: data)
    }
}
