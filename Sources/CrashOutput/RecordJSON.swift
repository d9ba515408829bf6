import KernelFacts
import KernelLog
import KtriageBytes

/// The one JSON writer of crash records: `scan --format ndjson|json`, the store and
/// `vmcore info --format json` all write records with it.
///
/// Keys come from `CrashRecord.CodingKeys` (the one key table, which the decoders read with) and
/// are written in sorted order, absent optionals left out: the bytes `JSONEncoder` with
/// `.sortedKeys` writes for the same record, about ten times faster (the encoder took ~70 µs a
/// record). Tests hold it to that encoding and to docs/record.schema.json.
public enum RecordJSON {
    private typealias Key = CrashRecord.CodingKeys

    /// One record as compact JSON (one NDJSON line, without the line end).
    public static func encode(_ record: CrashRecord) -> String {
        var out = JSONObjectWriter()
        out.raw(Key.altTitles.rawValue, array(record.altTitles.map { JSONText.quoted($0) }))
        out.string(Key.bios.rawValue, record.bios)
        out.string(Key.boot.rawValue, record.boot)
        out.string(Key.recordClass.rawValue, record.recordClass.rawValue)
        out.string(Key.code.rawValue, record.code)
        out.string(Key.comm.rawValue, record.comm)
        out.bool(Key.corrupted.rawValue, record.corrupted)
        out.string(Key.corruptedReason.rawValue, record.corruptedReason)
        out.int(Key.cpu.rawValue, record.cpu)
        out.int(Key.endLine.rawValue, record.endLine)
        out.string(Key.file.rawValue, record.file)
        out.raw(Key.frames.rawValue, array(record.frames.map(frame)))
        if let guilty = record.guilty {
            var object = JSONObjectWriter()
            object.string(GuiltyFrame.CodingKeys.function.rawValue, guilty.function)
            object.string(GuiltyFrame.CodingKeys.module.rawValue, guilty.module)
            out.raw(Key.guilty.rawValue, object.finish())
        }
        out.string(Key.hardware.rawValue, record.hardware)
        out.string(Key.host.rawValue, record.host)
        if let kernel = record.kernel { out.raw(Key.kernel.rawValue, kernelInfo(kernel)) }
        out.string(Key.kind.rawValue, record.kind.rawValue)
        out.string(Key.lastUnloaded.rawValue, record.lastUnloaded)
        out.int(Key.line.rawValue, record.line)
        out.int(Key.linkedTo.rawValue, record.linkedTo)
        out.string(Key.message.rawValue, record.message)
        out.raw(Key.modules.rawValue, array(record.modules.map(module)))
        out.bool(Key.panicked.rawValue, record.panicked)
        out.int(Key.pid.rawValue, record.pid)
        if let order = record.registerOrder {
            out.raw(Key.registerOrder.rawValue, array(order.map { JSONText.quoted($0) }))
        }
        var registers = JSONObjectWriter()
        for (name, value) in record.registers.sorted(by: { $0.key < $1.key }) { registers.string(logKey: name, value) }
        out.raw(Key.registers.rawValue, registers.finish())
        if let reporter = record.reporter {
            var object = JSONObjectWriter()
            object.string("comm", reporter.comm)
            object.int("pid", reporter.pid)
            out.raw(Key.reporter.rawValue, object.finish())
        }
        if let rip = record.rip { out.raw(Key.rip.rawValue, frame(rip)) }
        out.int(Key.schema.rawValue, record.schema)
        out.string(Key.signature.rawValue, record.signature)
        out.int(Key.signatureVersion.rawValue, record.signatureVersion)
        out.string(Key.source.rawValue, record.source.rawValue)
        if let taint = record.taint {
            // `Taint`'s keys are its property names (synthesized `Codable`).
            var object = JSONObjectWriter()
            object.raw("flags", array(taint.flags.map { JSONText.quoted($0) }))
            object.string("letters", taint.letters)
            out.raw(Key.taint.rawValue, object.finish())
        }
        out.string(Key.taskState.rawValue, record.taskState)
        out.raw(Key.text.rawValue, array(record.text.map { JSONText.quoted($0) }))
        var time = JSONObjectWriter()
        time.int64(CrashTime.CodingKeys.monotonicMicros.rawValue, record.time.monotonicMicros)
        time.int64(CrashTime.CodingKeys.wallMicros.rawValue, record.time.wallMicros)
        out.raw(Key.time.rawValue, time.finish())
        out.string(Key.title.rawValue, record.title)
        out.string(Key.workqueue.rawValue, record.workqueue)
        return out.finish()
    }

    /// `KernelInfo`'s keys: its property names, `build_info` for `buildInfo`.
    static func kernelInfo(_ kernel: KernelInfo) -> String {
        var object = JSONObjectWriter()
        object.string("build", kernel.build)
        object.string("build_info", kernel.buildInfo)
        object.string("flavour", kernel.flavour)
        object.string("release", kernel.release)
        object.string("version", kernel.version)
        return object.finish()
    }

    /// `Frame`'s keys: its property names (synthesized `Codable`).
    static func frame(_ frame: Frame) -> String {
        var object = JSONObjectWriter()
        object.uint64("address", frame.address)
        object.string("context", frame.context.rawValue)
        object.string("function", frame.function)
        object.string("module", frame.module)
        object.uint64("offset", frame.offset)
        object.bool("reliable", frame.reliable)
        object.uint64("size", frame.size)
        return object.finish()
    }

    static func module(_ module: LoadedModule) -> String {
        var object = JSONObjectWriter()
        object.string(LoadedModule.CodingKeys.name.rawValue, module.name)
        object.string(LoadedModule.CodingKeys.taint.rawValue, module.taint)
        return object.finish()
    }

    static func array(_ items: [String]) -> String { "[" + items.joined(separator: ",") + "]" }
}
