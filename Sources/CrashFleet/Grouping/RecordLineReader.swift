import Foundation
import KernelFacts
import KernelLog
import KtriageBytes

/// Reads one `scan --format ndjson` line for grouping: walks the record's bytes once, checks every
/// key as `JSONDecoder` would (types, required keys, enum spellings), and builds only the fields
/// grouping reads — the *grouping view* of the record (`groupingView(of:)`).
///
/// Grouping a million records spent most of its time building text, registers and frames it
/// never looked at. Lines this reader declines (`nil`: anything unusual, valid or not, such as a
/// number with a fraction or a duplicate key) go to `JSONDecoder`, so every line is accepted or
/// counted as bad exactly as before. The group's representative, which is shown in full, is
/// decoded in full when a record becomes one.
public enum RecordLineReader {
    /// The grouping view of the record on `line`, or `nil` when the full decoder must judge it.
    public static func read(_ line: UnsafeRawBufferPointer) -> CrashRecord? {
        var memo = Memo()
        return read(line, memo: &memo)
    }

    /// What a reader of many lines remembers from one to the next (`SpanMemo`).
    public struct Memo {
        /// A fleet runs a few kernel builds, and `KernelInfo` splits each release it is given.
        var kernels = SpanMemo<KernelInfo>()

        public init() {}
    }

    /// `read(_:)`, with what earlier lines parsed in `memo`.
    public static func read(_ line: UnsafeRawBufferPointer, memo: inout Memo) -> CrashRecord? {
        guard let blank = blankRecord else { return nil }
        var cursor = JSONCursor(line)
        var record = blank
        var seen: UInt64 = 0
        let walked = cursor.forEachMember { key, cursor in
            guard let field = field(named: key) else { return cursor.skipValue() }
            let bit = UInt64(1) << UInt64(field.index)
            guard seen & bit == 0 else { return false }
            seen |= bit
            return read(field.key, into: &record, from: &cursor, memo: &memo)
        }
        guard walked, cursor.atEnd(), seen & requiredKeys == requiredKeys else { return nil }
        return record
    }

    /// How many lines of report text (`text`) the record on `line` holds, or `nil` when the line
    /// is not an object with a `text` array of strings (the store keeps it as the report's size).
    public static func textLineCount(_ line: UnsafeRawBufferPointer) -> Int? {
        var cursor = JSONCursor(line)
        var count: Int?
        let textKey = Key.text.rawValue.utf8
        let walked = cursor.forEachMember { key, cursor in
            guard count == nil, key.elementsEqual(textKey) else { return cursor.skipValue() }
            var lines = 0
            guard
                cursor.forEachElement({ element in
                    lines += 1
                    return element.skipString()
                })
            else { return false }
            count = lines
            return true
        }
        return walked ? count : nil
    }

    /// What `read` keeps of a fully decoded record: the fields grouping and record identity read
    /// (`FleetAggregate.add`, `GroupAggregate.add`, `RecordAttributes`, `RecordIdentity`).
    /// Frames keep function and reliability of the first 24 reliable ones (what `shared_frames`
    /// reads), or the first frame when none is reliable (a trace, for the representative's rank).
    public static func groupingView(of full: CrashRecord) -> CrashRecord? {
        guard var view = blankRecord else { return nil }
        view.schema = full.schema
        view.file = full.file
        view.line = full.line
        view.source = full.source
        view.host = full.host
        view.boot = full.boot
        view.time = full.time
        view.kind = full.kind
        view.title = full.title
        view.signature = full.signature
        view.signatureVersion = full.signatureVersion
        view.corrupted = full.corrupted
        view.panicked = full.panicked
        view.linkedTo = full.linkedTo
        view.kernel = full.kernel
        view.taint = full.taint.map { Taint(letters: $0.letters, flags: []) }
        view.hardware = full.hardware
        view.bios = full.bios
        var frames = FrameView()
        for frame in full.frames { frames.add(function: frame.function, reliable: frame.reliable) }
        view.frames = frames.frames
        view.modules = full.modules.map { LoadedModule(name: $0.name) }
        view.recordClass = full.recordClass
        return view
    }

    // MARK: - Fields

    typealias Key = CrashRecord.CodingKeys

    /// Keys `CrashRecord.init(from:)` decodes with `decode` (not `decodeIfPresent`).
    static let requiredKeys: UInt64 = mask([
        .schema, .line, .endLine, .source, .time, .kind, .title, .altTitles, .signature, .signatureVersion,
        .corrupted, .panicked, .frames, .modules, .registers, .message, .text,
    ])

    static func mask(_ keys: [Key]) -> UInt64 {
        keys.reduce(0) { $0 | UInt64(1) << UInt64(Key.allCases.firstIndex(of: $1) ?? 63) }
    }

    /// Record keys, for matching key bytes without building strings.
    static let recordKeys = ByteNameTable(Key.allCases.enumerated().map { ($1.rawValue, ($1, $0)) })

    static func field(named name: UnsafeRawBufferPointer) -> (key: Key, index: Int)? {
        recordKeys.value(of: name)
    }

    /// A record with every required field empty, completed by `read`. `CrashRecord` has no
    /// public initialiser outside KernelLog, so it is decoded once from the smallest record.
    static let blankRecord: CrashRecord? = {
        let json = """
            {"schema":2,"line":0,"end_line":0,"source":"dmesg","time":{},"kind":"oops","title":"",\
            "alt_titles":[],"signature":"","signature_version":0,"corrupted":false,"panicked":false,\
            "frames":[],"modules":[],"registers":{},"message":"","text":[]}
            """
        return try? JSONDecoder().decode(CrashRecord.self, from: Data(json.utf8))
    }()

    private static func read(
        _ key: Key, into record: inout CrashRecord, from cursor: inout JSONCursor, memo: inout Memo
    ) -> Bool {
        switch key {
        case .schema: return readInt(&cursor) { record.schema = $0 }
        case .line: return readInt(&cursor) { record.line = $0 }
        case .endLine: return readInt(&cursor) { _ in }
        case .signatureVersion: return readInt(&cursor) { record.signatureVersion = $0 }
        case .file: return readOptionalString(&cursor) { record.file = $0 }
        case .host: return readOptionalString(&cursor) { record.host = $0 }
        case .boot: return readOptionalString(&cursor) { record.boot = $0 }
        case .hardware: return readOptionalString(&cursor) { record.hardware = $0 }
        case .bios: return readOptionalString(&cursor) { record.bios = $0 }
        case .corruptedReason, .comm, .workqueue, .lastUnloaded, .code, .taskState:
            return cursor.consumeNull() || cursor.skipString()
        case .title:
            guard let title = cursor.readString() else { return false }
            record.title = title
            return true
        case .signature:
            guard let signature = cursor.readString() else { return false }
            record.signature = signature
            return true
        case .message: return cursor.skipString()
        case .source:
            guard let source = readEnum(&cursor, in: sources) else { return false }
            record.source = source
            return true
        case .kind:
            guard let kind = readEnum(&cursor, in: kinds) else { return false }
            record.kind = kind
            return true
        case .recordClass:
            if cursor.consumeNull() { return true }
            guard let recordClass = cursor.readString().flatMap(RecordClass.init(rawValue:)) else { return false }
            record.recordClass = recordClass
            return true
        case .corrupted:
            guard let value = cursor.readBool() else { return false }
            record.corrupted = value
            return true
        case .panicked:
            guard let value = cursor.readBool() else { return false }
            record.panicked = value
            return true
        case .linkedTo:
            if cursor.consumeNull() { return true }
            return readInt(&cursor) { record.linkedTo = $0 }
        case .cpu, .pid:
            return cursor.consumeNull() || readInt(&cursor) { _ in }
        case .time: return readTime(&cursor, into: &record.time)
        case .kernel:
            if cursor.consumeNull() { return true }
            guard let kernel = memo.kernels.read(&cursor, readKernel) else { return false }
            record.kernel = kernel
            return true
        case .taint:
            if cursor.consumeNull() { return true }
            guard let letters = readTaintLetters(&cursor) else { return false }
            record.taint = Taint(letters: letters, flags: [])
            return true
        case .altTitles, .text: return skipStrings(&cursor)
        case .registerOrder: return cursor.consumeNull() || skipStrings(&cursor)
        case .registers:
            return cursor.forEachMember { _, cursor in cursor.skipString() }
        case .guilty:
            return cursor.consumeNull() || skipGuilty(&cursor)
        case .rip:
            return cursor.consumeNull() || readFrame(&cursor) { _, _ in }
        case .frames:
            guard let frames = readFrames(&cursor) else { return false }
            record.frames = frames
            return true
        case .modules:
            guard let modules = readModules(&cursor) else { return false }
            record.modules = modules
            return true
        case .reporter:
            return cursor.consumeNull() || skipReporter(&cursor)
        }
    }

    /// A string naming a case of `type`, matched on its bytes (most are read for every record).
    private static func readEnum<Value: RawRepresentable>(
        _ cursor: inout JSONCursor, in table: ByteNameTable<Value>
    ) -> Value? where Value.RawValue == String {
        guard let body = cursor.readStringBody() else { return nil }
        guard !body.escaped else { return body.string.flatMap(Value.init(rawValue:)) }
        return table.value(of: body.bytes)
    }

    private static let frameContexts = ByteNameTable(cases: FrameContext.self)
    private static let sources = ByteNameTable(cases: LogSource.self)
    private static let kinds = ByteNameTable(cases: CrashKind.self)

    private static func readInt(_ cursor: inout JSONCursor, _ store: (Int) -> Void) -> Bool {
        guard let value = cursor.readInt64() else { return false }
        store(Int(value))
        return true
    }

    private static func readOptionalString(_ cursor: inout JSONCursor, _ store: (String) -> Void) -> Bool {
        if cursor.consumeNull() { return true }
        guard let value = cursor.readString() else { return false }
        store(value)
        return true
    }

    private static func skipOptionalString(_ cursor: inout JSONCursor) -> Bool {
        cursor.consumeNull() || cursor.skipString()
    }

    private static func skipStrings(_ cursor: inout JSONCursor) -> Bool {
        cursor.forEachElement { $0.skipString() }
    }

    /// `CrashTime`: both keys optional. (Here and in every nested object a repeated key is
    /// declined: `JSONDecoder` takes the first, this reader would take the last.)
    private static func readTime(_ cursor: inout JSONCursor, into time: inout CrashTime) -> Bool {
        var sawWall = false
        var sawMonotonic = false
        return cursor.forEachMember { key, cursor in
            if key.elementsEqual(CrashTime.CodingKeys.wallMicros.rawValue.utf8) {
                guard !sawWall else { return false }
                sawWall = true
                if cursor.consumeNull() { return true }
                guard let value = cursor.readInt64() else { return false }
                time.wallMicros = value
                return true
            }
            if key.elementsEqual(CrashTime.CodingKeys.monotonicMicros.rawValue.utf8) {
                guard !sawMonotonic else { return false }
                sawMonotonic = true
                if cursor.consumeNull() { return true }
                guard let value = cursor.readInt64() else { return false }
                time.monotonicMicros = value
                return true
            }
            return cursor.skipValue()
        }
    }

    /// The frames grouping reads (`FrameView`).
    private static func readFrames(_ cursor: inout JSONCursor) -> [Frame]? {
        var frames = FrameView()
        let walked = cursor.forEachElement { cursor in
            readFrame(&cursor, wants: { frames.wants(reliable: $0) }) { function, reliable in
                if let function { frames.add(function: function, reliable: reliable) }
            }
        }
        return walked ? frames.frames : nil
    }

    /// The modules' names.
    private static func readModules(_ cursor: inout JSONCursor) -> [LoadedModule]? {
        var modules: [LoadedModule] = []
        return cursor.forEachElement({ readModule(&$0) { modules.append(LoadedModule(name: $0)) } }) ? modules : nil
    }

    /// `KernelInfo`: `release` required, the rest optional strings.
    private static func readKernel(_ cursor: inout JSONCursor) -> KernelInfo? {
        // release, version, build, flavour, build_info
        var parts = [String?](repeating: nil, count: 5)
        var seen = 0
        let walked = cursor.forEachMember { key, cursor in
            guard let index = kernelKeys.value(of: key) else { return cursor.skipValue() }
            guard seen & 1 << index == 0 else { return false }
            seen |= 1 << index
            if index > 0, cursor.consumeNull() { return true }
            guard let value = cursor.readString() else { return false }
            parts[index] = value
            return true
        }
        guard walked, let release = parts[0] else { return nil }
        var kernel = KernelInfo(release: release, buildInfo: parts[4])
        kernel.version = parts[1]
        kernel.build = parts[2]
        kernel.flavour = parts[3]
        return kernel
    }

    /// `KernelInfo`'s keys, `release` (required) first.
    private static let kernelKeys = ByteNameTable(
        ["release", "version", "build", "flavour", "build_info"].enumerated().map { ($1, $0) })

    /// `Taint`: `letters` and `flags` required.
    private static func readTaintLetters(_ cursor: inout JSONCursor) -> String? {
        var letters: String?
        var sawFlags = false
        let walked = cursor.forEachMember { key, cursor in
            if key.elementsEqual("letters".utf8) {
                guard letters == nil, let value = cursor.readString() else { return false }
                letters = value
                return true
            }
            if key.elementsEqual("flags".utf8) {
                guard !sawFlags else { return false }
                sawFlags = true
                return skipStrings(&cursor)
            }
            return cursor.skipValue()
        }
        guard walked, sawFlags else { return nil }
        return letters
    }

    /// `GuiltyFrame`: `function` required, `module` optional.
    private static func skipGuilty(_ cursor: inout JSONCursor) -> Bool {
        var sawFunction = false
        var sawModule = false
        let walked = cursor.forEachMember { key, cursor in
            if key.elementsEqual("function".utf8) {
                guard !sawFunction else { return false }
                sawFunction = true
                return cursor.skipString()
            }
            if key.elementsEqual("module".utf8) {
                guard !sawModule else { return false }
                sawModule = true
                return skipOptionalString(&cursor)
            }
            return cursor.skipValue()
        }
        return walked && sawFunction
    }

    /// `Frame`: `function`, `reliable` and `context` required; `offset`, `size`, `address`
    /// optional unsigned; `module` optional. `take` gets the function (decoded only if `wants`
    /// says so for the frame's reliability) and the reliability.
    private static func readFrame(
        _ cursor: inout JSONCursor, wants: (Bool) -> Bool = { _ in false }, _ take: (String?, Bool) -> Void
    ) -> Bool {
        var function: JSONStringBody?
        var reliable: Bool?
        var seen = 0
        let walked = cursor.forEachMember { key, cursor in
            guard let index = frameKeys.value(of: key) else { return cursor.skipValue() }
            guard seen & 1 << index == 0 else { return false }
            seen |= 1 << index
            switch index {
            case 0:
                function = cursor.readStringBody()
                return function != nil
            case 1:
                reliable = cursor.readBool()
                return reliable != nil
            case 2:
                return readEnum(&cursor, in: frameContexts) != nil
            case 3:
                return skipOptionalString(&cursor)
            default:
                return cursor.consumeNull() || cursor.readUInt64() != nil
            }
        }
        guard walked, let function, let reliable, seen & 0b111 == 0b111 else { return false }
        take(wants(reliable) ? function.string : nil, reliable)
        return true
    }

    /// `Frame`'s keys: the three required ones first.
    private static let frameKeys = ByteNameTable(
        ["function", "reliable", "context", "module", "offset", "size", "address"].enumerated().map { ($1, $0) })

    /// `LoadedModule`: `name` required, `taint` optional.
    private static func readModule(_ cursor: inout JSONCursor, _ take: (String) -> Void) -> Bool {
        var name: String?
        var sawTaint = false
        let walked = cursor.forEachMember { key, cursor in
            if key.elementsEqual("name".utf8) {
                guard name == nil, let value = cursor.readString() else { return false }
                name = value
                return true
            }
            if key.elementsEqual("taint".utf8) {
                guard !sawTaint else { return false }
                sawTaint = true
                return skipOptionalString(&cursor)
            }
            return cursor.skipValue()
        }
        guard walked, let name else { return false }
        take(name)
        return true
    }

    /// `ReportingTask`: both keys optional.
    private static func skipReporter(_ cursor: inout JSONCursor) -> Bool {
        var sawComm = false
        var sawPid = false
        return cursor.forEachMember { key, cursor in
            if key.elementsEqual("comm".utf8) {
                guard !sawComm else { return false }
                sawComm = true
                return skipOptionalString(&cursor)
            }
            if key.elementsEqual("pid".utf8) {
                guard !sawPid else { return false }
                sawPid = true
                return cursor.consumeNull() || cursor.readInt64() != nil
            }
            return cursor.skipValue()
        }
    }
}

/// The frames grouping reads: the first `limit` reliable ones (`GroupAggregate` intersects their
/// functions), or the first frame when none is reliable (the record still has a trace).
struct FrameView {
    static let limit = 24
    private(set) var frames: [Frame] = []
    private var reliableCount = 0

    /// Whether a frame of this reliability would be kept.
    func wants(reliable: Bool) -> Bool {
        reliable ? reliableCount < Self.limit : frames.isEmpty
    }

    mutating func add(function: String, reliable: Bool) {
        if reliable {
            guard reliableCount < Self.limit else { return }
            if reliableCount == 0 { frames.removeAll() }
            reliableCount += 1
            frames.append(Frame(function: function, reliable: true))
        } else if frames.isEmpty {
            frames.append(Frame(function: function, reliable: false))
        }
    }
}
