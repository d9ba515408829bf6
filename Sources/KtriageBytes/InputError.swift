#if canImport(Glibc)
    @preconcurrency import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// An input that cannot be read: the one-line message a user sees names the file and, for
/// binary input, the byte offset.
public struct InputError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Whether the bytes could not be had, or were had and are something other than a log.
    public enum Kind: Sendable, Equatable {
        /// Missing, not a regular file, a read or gzip failure.
        case unreadable
        /// Binary data, a dump, another compression: read, but not a kernel log.
        case notKernelLog
    }

    public var path: String
    /// Byte offset in the file where the problem was found, when it applies.
    public var offset: Int64?
    public var message: String
    public var kind: Kind

    public init(path: String, offset: Int64?, message: String, kind: Kind = .unreadable) {
        self.path = path
        self.offset = offset
        self.message = message
        self.kind = kind
    }

    /// An error from a failed system call, with `strerror` text.
    public static func system(path: String, operation: String, errno code: Int32) -> InputError {
        InputError(path: path, offset: nil, message: "\(operation): \(String(cString: strerror(code)))")
    }

    public var description: String {
        if let offset { return "\(path): at byte \(offset): \(message)" }
        return "\(path): \(message)"
    }
}
