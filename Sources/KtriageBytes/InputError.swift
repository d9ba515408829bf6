#if canImport(Glibc)
    @preconcurrency import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// An input that cannot be read: the one-line message a user sees names the file and, for
/// binary input, the byte offset.
public struct InputError: Error, Sendable, Equatable, CustomStringConvertible {
    public var path: String
    /// Byte offset in the file where the problem was found, when it applies.
    public var offset: Int64?
    public var message: String

    public init(path: String, offset: Int64?, message: String) {
        self.path = path
        self.offset = offset
        self.message = message
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
