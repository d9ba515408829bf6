import CrashOutput
import Foundation
import KernelFacts
import KernelLog
import KtriageBytes
import KtriageReader
import KtriageTestSupport
import Testing

/// docs/record.schema.json documents the record and `RecordJSON` writes it; these keep the two,
/// the key table (`CrashRecord.CodingKeys`) and the `Codable` encoding from drifting apart.
@Suite("Record JSON schema")
struct RecordSchemaTests {
    static func schema() throws -> [String: Any] {
        let bytes = try #require(Fixtures.read(Fixtures.packageRoot + "/docs/record.schema.json"))
        return try #require(try JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any])
    }

    /// Every record of the fixture logs, read as `ktriage scan` reads them.
    static func fixtureRecords() -> [CrashRecord] {
        var records: [CrashRecord] = []
        _ = CrashReader().read(paths: [Fixtures.path("logs")]) { records += $0.records }
        return records
    }

    /// A real record with every optional field set (and every array non-empty).
    static func fullRecord() throws -> CrashRecord {
        var record = try #require(fixtureRecords().first)
        record.file = "/var/log/kern.log"
        record.host = "node 1"
        record.boot = "0123456789abcdef"
        record.time = CrashTime(wallMicros: -5, monotonicMicros: 7)
        record.altTitles = ["alt \"title\""]
        record.corruptedReason = "no call trace"
        record.linkedTo = 0
        var kernel = KernelInfo(release: "6.1.0-18-amd64", buildInfo: "Debian 6.1.76-1")
        kernel.version = "#1 SMP PREEMPT_DYNAMIC"
        kernel.build = "1"
        kernel.flavour = "amd64"
        record.kernel = kernel
        record.taint = Taint(letters: "G        W", flags: ["warning"])
        record.cpu = 3
        record.pid = 42
        record.comm = "kworker/3:1"
        record.hardware = "QEMU Standard PC"
        record.bios = "1.16.2"
        record.workqueue = "events"
        record.guilty = GuiltyFrame(function: "mydrv_poll", module: "mydrv")
        var frame = Frame(function: "mydrv_poll", reliable: true, context: .irq)
        frame.offset = 0x4c
        frame.size = 0x1a0
        frame.module = "mydrv"
        frame.address = 0xffff_ffff_c0a1_b2c3
        record.rip = frame
        record.frames = [frame]
        record.modules = [LoadedModule(name: "mydrv", taint: "OE")]
        record.lastUnloaded = "olddrv"
        record.registers = ["RAX": "0000", "RIP": "0010:foo+0x1/0x2", "R10": "1", "R8": "2"]
        record.registerOrder = ["RIP", "RAX", "R8", "R10"]
        record.taskState = "D"
        record.reporter = ReportingTask(comm: "khungtaskd", pid: 23)
        record.code = "48 8b <0f> 0b"
        record.text = ["line \u{1B}[31m", "tab\there"]
        for child in Mirror(reflecting: record).children {
            let mirror = Mirror(reflecting: child.value)
            #expect(
                mirror.displayStyle != .optional || !mirror.children.isEmpty,
                "fullRecord leaves \(child.label ?? "?") unset: set it here")
        }
        return record
    }

    /// A parsed JSON value that keeps its JSON type (JSONSerialization's NSNumber does not tell
    /// `true` from `1` on every platform).
    indirect enum JSONValue: Decodable {
        case bool(Bool), integer(Int64), unsigned(UInt64), number(Double), string(String)
        case array([JSONValue]), object([String: JSONValue]), null

        init(from decoder: Decoder) throws {
            let container = try decoder.singleValueContainer()
            if container.decodeNil() {
                self = .null
            } else if let value = try? container.decode(Bool.self) {
                self = .bool(value)
            } else if let value = try? container.decode(Int64.self) {
                self = .integer(value)
            } else if let value = try? container.decode(UInt64.self) {
                self = .unsigned(value)
            } else if let value = try? container.decode(Double.self) {
                self = .number(value)
            } else if let value = try? container.decode(String.self) {
                self = .string(value)
            } else if let value = try? container.decode([JSONValue].self) {
                self = .array(value)
            } else {
                self = .object(try container.decode([String: JSONValue].self))
            }
        }
    }

    static func parse(_ json: String) throws -> JSONValue {
        try JSONDecoder().decode(JSONValue.self, from: Data(json.utf8))
    }

    /// Checks `value` against a schema node: its type, its keys, its required keys.
    static func check(_ value: JSONValue, against node: [String: Any], path: String) {
        if let constant = node["const"] as? Int {
            guard case .integer(let number) = value, number == constant else {
                Issue.record("\(path): not \(constant)")
                return
            }
        }
        if let choices = node["enum"] as? [String] {
            guard case .string(let text) = value, choices.contains(text) else {
                Issue.record("\(path): \(value) is not in the schema's enum")
                return
            }
        }
        switch (node["type"] as? String, value) {
        case (nil, _), ("string", .string), ("integer", .integer), ("integer", .unsigned), ("boolean", .bool): break
        case ("array", .array(let items)):
            guard let itemNode = node["items"] as? [String: Any] else { break }
            for (index, item) in items.enumerated() { check(item, against: itemNode, path: "\(path)[\(index)]") }
        case ("object", .object(let members)):
            let properties = node["properties"] as? [String: Any] ?? [:]
            for (key, member) in members {
                if let memberNode = (properties[key] ?? node["additionalProperties"]) as? [String: Any] {
                    check(member, against: memberNode, path: path + "." + key)
                } else {
                    Issue.record("\(path).\(key): written but not in docs/record.schema.json")
                }
            }
            let missing = Set(node["required"] as? [String] ?? []).subtracting(members.keys)
            #expect(missing.isEmpty, "\(path): required by the schema but not written: \(missing.sorted())")
        case (let type?, _): Issue.record("\(path): \(value) is not of the schema's type \(type)")
        }
    }

    @Test("a record with every field set matches the schema: keys, types, required keys")
    func fullRecordMatchesSchema() throws {
        let schema = try Self.schema()
        let record = try Self.fullRecord()
        let written = try Self.parse(RecordJSON.encode(record))
        // Every key of the table is written: a field added to the table but not the writer fails.
        guard case .object(let members) = written else {
            Issue.record("a record is not a JSON object")
            return
        }
        #expect(Set(members.keys) == Set(CrashRecord.CodingKeys.allCases.map(\.rawValue)))
        Self.check(written, against: schema, path: "record")
    }

    @Test("a record with no optional field set writes exactly the schema's required keys")
    func minimalRecordWritesRequiredKeys() throws {
        let schema = try Self.schema()
        var record = try Self.fullRecord()
        record.file = nil
        record.host = nil
        record.boot = nil
        record.corruptedReason = nil
        record.linkedTo = nil
        record.kernel = nil
        record.taint = nil
        record.cpu = nil
        record.pid = nil
        record.comm = nil
        record.hardware = nil
        record.bios = nil
        record.workqueue = nil
        record.guilty = nil
        record.rip = nil
        record.lastUnloaded = nil
        record.code = nil
        record.registerOrder = nil
        record.taskState = nil
        record.reporter = nil
        guard case .object(let members) = try Self.parse(RecordJSON.encode(record)) else {
            Issue.record("a record is not a JSON object")
            return
        }
        #expect(Set(members.keys) == Set(schema["required"] as? [String] ?? []))
    }

    @Test("records of every fixture log use the documented keys with their types")
    func fixtureRecordsMatchSchema() throws {
        let schema = try Self.schema()
        let records = Self.fixtureRecords()
        #expect(records.count > 40)
        for record in records {
            Self.check(try Self.parse(RecordJSON.encode(record)), against: schema, path: "\(record.file ?? "")")
        }
    }

    @Test("the writer's bytes are JSONEncoder's with sorted keys, so NDJSON output did not change")
    func writerMatchesEncoder() throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        for record in Self.fixtureRecords() + [try Self.fullRecord()] {
            let expected = String(decoding: try encoder.encode(record), as: UTF8.self)
            #expect(RecordJSON.encode(record) == expected, "\(record.file ?? ""):\(record.line)")
            let back = try JSONDecoder().decode(CrashRecord.self, from: Data(RecordJSON.encode(record).utf8))
            #expect(back == record)
        }
    }

    @Test("line and paragraph separators are escaped (JSONEncoder writes them raw) and read back the same")
    func separatorsEscaped() throws {
        var record = try Self.fullRecord()
        record.host = "node\u{2028}1\u{2029}"
        let json = RecordJSON.encode(record)
        #expect(json.contains(#""host":"node\u20281\u2029""#))
        #expect(try JSONDecoder().decode(CrashRecord.self, from: Data(json.utf8)) == record)
    }

    @Test("JSONPretty indents as JSONEncoder's .prettyPrinted does")
    func prettyMatchesEncoder() throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        let record = try Self.fullRecord()
        var empty = record
        empty.frames = []
        empty.registers = [:]
        empty.time = CrashTime()
        for item in [record, empty] {
            let expected = String(decoding: try encoder.encode(item), as: UTF8.self)
            #expect(JSONPretty.format(RecordJSON.encode(item)) == expected)
        }
    }
}
