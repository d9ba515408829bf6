import Foundation
import KernelLog
import KtriageBytes

/// Writes a `CrashRecord` as the JSON its `Codable` conformance reads back, an order of magnitude
/// faster than `JSONEncoder` (which took two thirds of ingest time: ~70 µs a record).
///
/// Same keys and the same omissions (absent optionals left out) as the synthesized encoding; the
/// store's tests decode what this writes and compare it with the original record, so a field
/// added to `CrashRecord` without being added here fails them.
enum RecordJSON {
    /// Stored properties per type as this writer knows them: a type that gained a property
    /// (which this writer would silently drop) sends every record through `JSONEncoder` instead.
    static let shapeIsKnown: Bool = {
        let expected: [(Any, Int)] = [
            (KernelInfo(release: "1.0"), 5), (Frame(function: "f"), 7), (Taint(letters: "", flags: []), 2),
            (CrashTime(), 2), (GuiltyFrame(function: "f"), 2), (LoadedModule(name: "m"), 2),
        ]
        for (value, count) in expected where Mirror(reflecting: value).children.count != count { return false }
        return crashRecordProperties == 34
    }()

    /// The number of stored properties of `CrashRecord` (from a decoded minimal record), or -1.
    static let crashRecordProperties: Int = {
        let minimal = """
            {"schema":1,"line":1,"end_line":1,"source":"dmesg","time":{},"kind":"oops","title":"t","alt_titles":[],
            "signature":"s","signature_version":1,"corrupted":false,"panicked":false,"frames":[],"modules":[],
            "registers":{},"message":"m","text":[]}
            """
        guard let record = try? JSONDecoder().decode(CrashRecord.self, from: Data(minimal.utf8)) else { return -1 }
        return Mirror(reflecting: record).children.count
    }()

    /// Whether this writer produces exactly the `Codable` JSON for `record` (keys and values).
    static func agrees(on record: CrashRecord) -> Bool {
        guard shapeIsKnown, let codable = try? JSONEncoder().encode(record),
            let theirs = try? JSONSerialization.jsonObject(with: codable) as? NSDictionary,
            let mine = try? JSONSerialization.jsonObject(with: Data(encode(record).utf8)) as? NSDictionary
        else { return false }
        return mine == theirs
    }

    /// The JSON of a record, with `JSONEncoder` when this writer is out of date.
    static func encode(_ record: CrashRecord, fast: Bool) -> String {
        if fast { return encode(record) }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        return (try? encoder.encode(record)).map { String(decoding: $0, as: UTF8.self) } ?? encode(record)
    }

    static func encode(_ record: CrashRecord) -> String {
        var out = JSONObjectWriter()
        out.int("schema", record.schema)
        out.string("file", record.file)
        out.int("line", record.line)
        out.int("end_line", record.endLine)
        out.string("source", record.source.rawValue)
        out.string("host", record.host)
        out.string("boot", record.boot)
        var time = JSONObjectWriter()
        time.int64("wall_us", record.time.wallMicros)
        time.int64("monotonic_us", record.time.monotonicMicros)
        out.raw("time", time.finish())
        out.string("kind", record.kind.rawValue)
        out.string("title", record.title)
        out.raw("alt_titles", array(record.altTitles.map { JSONText.quoted($0) }))
        out.string("signature", record.signature)
        out.int("signature_version", record.signatureVersion)
        out.bool("corrupted", record.corrupted)
        out.string("corrupted_reason", record.corruptedReason)
        out.bool("panicked", record.panicked)
        out.int("linked_to", record.linkedTo)
        if let kernel = record.kernel {
            var info = JSONObjectWriter()
            info.string("release", kernel.release)
            info.string("version", kernel.version)
            info.string("build", kernel.build)
            info.string("flavour", kernel.flavour)
            info.string("build_info", kernel.buildInfo)
            out.raw("kernel", info.finish())
        }
        if let taint = record.taint {
            var object = JSONObjectWriter()
            object.string("letters", taint.letters)
            object.raw("flags", array(taint.flags.map { JSONText.quoted($0) }))
            out.raw("taint", object.finish())
        }
        out.int("cpu", record.cpu)
        out.int("pid", record.pid)
        out.string("comm", record.comm)
        out.string("hardware", record.hardware)
        out.string("bios", record.bios)
        out.string("workqueue", record.workqueue)
        if let guilty = record.guilty {
            var object = JSONObjectWriter()
            object.string("function", guilty.function)
            object.string("module", guilty.module)
            out.raw("guilty", object.finish())
        }
        if let rip = record.rip { out.raw("rip", frame(rip)) }
        out.raw("frames", array(record.frames.map(frame)))
        out.raw(
            "modules",
            array(
                record.modules.map { module in
                    var object = JSONObjectWriter()
                    object.string("name", module.name)
                    object.string("taint", module.taint)
                    return object.finish()
                }))
        out.string("last_unloaded", record.lastUnloaded)
        var registers = JSONObjectWriter()
        for (name, value) in record.registers.sorted(by: { $0.key < $1.key }) { registers.string(name, value) }
        out.raw("registers", registers.finish())
        out.string("code", record.code)
        out.string("message", record.message)
        out.raw("text", array(record.text.map { JSONText.quoted($0) }))
        return out.finish()
    }

    static func frame(_ frame: Frame) -> String {
        var object = JSONObjectWriter()
        object.string("function", frame.function)
        object.uint64("offset", frame.offset)
        object.uint64("size", frame.size)
        object.string("module", frame.module)
        object.uint64("address", frame.address)
        object.bool("reliable", frame.reliable)
        object.string("context", frame.context.rawValue)
        return object.finish()
    }

    static func array(_ items: [String]) -> String { "[" + items.joined(separator: ",") + "]" }
}

/// Appends `"key":value` pairs; `nil` values are left out, as `encodeIfPresent` does.
struct JSONObjectWriter {
    private var text = "{"
    private var first = true

    private mutating func key(_ name: String) {
        if !first { text += "," }
        first = false
        text += "\"" + name + "\":"
    }

    mutating func raw(_ name: String, _ json: String) {
        key(name)
        text += json
    }

    mutating func string(_ name: String, _ value: String?) {
        guard let value else { return }
        key(name)
        text += JSONText.quoted(value)
    }

    mutating func int(_ name: String, _ value: Int?) {
        guard let value else { return }
        key(name)
        text += String(value)
    }

    mutating func int64(_ name: String, _ value: Int64?) {
        guard let value else { return }
        key(name)
        text += String(value)
    }

    mutating func uint64(_ name: String, _ value: UInt64?) {
        guard let value else { return }
        key(name)
        text += String(value)
    }

    mutating func bool(_ name: String, _ value: Bool) {
        key(name)
        text += value ? "true" : "false"
    }

    mutating func finish() -> String { text + "}" }
}
