import KernelDump
import KtriageBytes

/// Why an input could not be read, as a value: the file, where in it, and what was wrong.
///
/// Reading goes on past a failed input (the others are still read); a failure ends up in that
/// input's ``InputReport`` and, from the throwing conveniences, is thrown.
public struct ReadError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What kind of trouble it was, for callers that react differently to each.
    public enum Kind: String, Sendable, Equatable {
        /// The path does not exist, cannot be opened or read, or is a folder without inputs.
        case unreadable
        /// The bytes are not a kernel log (binary data, another compression, a dump given as a log).
        case notKernelLog
        /// A dump whose headers, notes or page data are damaged or of an unsupported layout.
        case damagedDump
        /// A dump that was read but whose kernel log could not be found or walked.
        case noKernelLog
    }

    public var kind: Kind
    /// The input's path (or the name given to bytes read from memory).
    public var path: String
    /// Byte offset in the file where the trouble is, when it is at one place.
    public var offset: Int64?
    /// The header or structure field at fault (dumps).
    public var field: String?
    /// What was wrong, in words.
    public var message: String

    public init(kind: Kind, path: String, offset: Int64? = nil, field: String? = nil, message: String) {
        self.kind = kind
        self.path = path
        self.offset = offset
        self.field = field
        self.message = message
    }

    /// An error of the input layer (I/O, gzip, not a log).
    init(_ error: InputError) {
        self.init(
            kind: error.kind == .notKernelLog ? .notKernelLog : .unreadable, path: error.path, offset: error.offset,
            message: error.message)
        // InputError's description is the established one-line form; keep it verbatim.
        presetDescription = error.description
    }

    /// An error of the dump reader.
    init(_ error: VmcoreError) {
        self.init(
            kind: .damagedDump, path: error.path, offset: error.offset.map { Int64(clamping: $0) }, field: error.field,
            message: error.message)
        presetDescription = error.description
    }

    /// Any other error thrown while reading `path`.
    init(other error: any Error, path: String) {
        switch error {
        case let error as InputError: self.init(error)
        case let error as VmcoreError: self.init(error)
        case let error as ReadError: self = error
        default: self.init(kind: .unreadable, path: path, message: "\(error)")
        }
    }

    private var presetDescription: String?

    /// One line naming the file and, where known, the offset and field.
    public var description: String {
        if let presetDescription { return presetDescription }
        var text = path
        if let offset { text += ": at byte \(offset)" }
        if let field { text += ": \(field)" }
        return text + ": " + message
    }
}
