import KernelFacts

/// One detected crash report: the contract between modules and with users (`docs/record.schema.json`).
///
/// JSON keys are snake_case and stable; `schema` changes when a field changes meaning.
public struct CrashRecord: Codable, Sendable, Equatable {
    /// 2: `class` added (records of schema 1 read back as crashes).
    public static let schemaVersion = 2

    public var schema: Int = CrashRecord.schemaVersion
    /// The input path; filled by the caller (the parser does not know it).
    public var file: String?
    /// 1-based line number of the report's header line.
    public var line: Int
    /// 1-based line number of the last line taken into the report (`---[ end trace`, the panic
    /// tail, or the last line of its stream before the next report).
    public var endLine: Int
    public var source: LogSource
    public var host: String?
    public var boot: String?
    public var time: CrashTime
    public var kind: CrashKind
    public var title: String
    public var altTitles: [String]
    public var signature: String
    public var signatureVersion: Int
    public var corrupted: Bool
    public var corruptedReason: String?
    public var panicked: Bool
    /// Index (in this parser's output) of the report this one followed inside its trace.
    public var linkedTo: Int?
    public var kernel: KernelInfo?
    public var taint: Taint?
    public var cpu: Int?
    public var pid: Int?
    public var comm: String?
    public var hardware: String?
    public var bios: String?
    public var workqueue: String?
    public var guilty: GuiltyFrame?
    public var rip: Frame?
    public var frames: [Frame]
    public var modules: [LoadedModule]
    public var lastUnloaded: String?
    public var registers: [String: String]
    public var code: String?
    /// The header line as printed (prefix removed).
    public var message: String
    /// The report's lines with log prefixes removed (capped).
    public var text: [String]
    /// Register names in the order printed (`registers` is keyed by name); `nil` in records
    /// stored before this field existed.
    public var registerOrder: [String]? = nil
    /// For a report about another task than the one printing it (hung-task reports): the
    /// blocked task's state letter (`D`); `comm` and `pid` name that task.
    public var taskState: String? = nil
    /// The task that printed such a report (`khungtaskd`), from its `CPU: … Comm:` line.
    public var reporter: ReportingTask? = nil
    /// Crash or node-health event (`class`); records of schema 1 carry none and read as crashes.
    public var recordClass: RecordClass = .crash

    /// The JSON key of every field: the one table of record keys. `CrashOutput.RecordJSON` writes
    /// with it, the decoders (`group --from-ndjson`, the store's read-back) read with it, and a
    /// test holds docs/record.schema.json to what the writer emits.
    public enum CodingKeys: String, CodingKey, CaseIterable {
        case schema, file, line
        case endLine = "end_line"
        case source, host, boot, time, kind, title
        case altTitles = "alt_titles"
        case signature
        case signatureVersion = "signature_version"
        case corrupted
        case corruptedReason = "corrupted_reason"
        case panicked
        case linkedTo = "linked_to"
        case kernel, taint, cpu, pid, comm, hardware, bios, workqueue, guilty, rip, frames, modules
        case lastUnloaded = "last_unloaded"
        case registers, code, message, text
        case registerOrder = "register_order"
        case taskState = "task_state"
        case reporter
        case recordClass = "class"
    }
}

/// The task that printed a report about another one.
public struct ReportingTask: Codable, Sendable, Equatable {
    public var comm: String?
    public var pid: Int?

    public init(comm: String?, pid: Int?) {
        self.comm = comm
        self.pid = pid
    }
}

/// When the report was printed.
public struct CrashTime: Codable, Sendable, Equatable {
    /// Microseconds since the Unix epoch (UTC), when the wrapper says.
    public var wallMicros: Int64?
    /// The kernel's monotonic `[seconds]` stamp in microseconds.
    public var monotonicMicros: Int64?

    public init(wallMicros: Int64? = nil, monotonicMicros: Int64? = nil) {
        self.wallMicros = wallMicros
        self.monotonicMicros = monotonicMicros
    }

    /// The JSON keys of `time` (see `CrashRecord.CodingKeys`).
    public enum CodingKeys: String, CodingKey, CaseIterable {
        case wallMicros = "wall_us"
        case monotonicMicros = "monotonic_us"
    }
}

/// The frame blamed for the crash.
public struct GuiltyFrame: Codable, Sendable, Equatable {
    public var function: String
    public var module: String?

    public init(function: String, module: String? = nil) {
        self.function = function
        self.module = module
    }

    /// The JSON keys of `guilty` (see `CrashRecord.CodingKeys`).
    public enum CodingKeys: String, CodingKey, CaseIterable {
        case function, module
    }
}

/// One entry of `Modules linked in:`.
public struct LoadedModule: Codable, Sendable, Equatable {
    public var name: String
    /// Per-module taint letters (`(POE)`), plus `+`/`-` while loading/unloading.
    public var taint: String?

    public init(name: String, taint: String? = nil) {
        self.name = name
        self.taint = taint
    }

    /// The JSON keys of each `modules` entry (see `CrashRecord.CodingKeys`).
    public enum CodingKeys: String, CodingKey, CaseIterable {
        case name, taint
    }
}
