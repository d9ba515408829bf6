/// BTF that cannot be used: names the byte offset in the blob (or the address it was read
/// from) and the field, like `BTF at byte 24: type 1841 'info': kind 31 is unknown`.
public struct BTFError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Offset in the BTF blob, when the problem is tied to one.
    public var offset: Int?
    public var field: String
    public var message: String

    public init(offset: Int?, field: String, message: String) {
        self.offset = offset
        self.field = field
        self.message = message
    }

    public var description: String {
        if let offset { return "BTF at byte \(offset): \(field): \(message)" }
        return "BTF: \(field): \(message)"
    }
}

/// Bounds on BTF taken from a dump (a distribution kernel has about 130 000 types, 2.5 MB of
/// strings and nesting a few levels deep).
public enum BTFLimits {
    /// Largest blob read from the dump (6.1 Debian: 4.4 MB).
    public static let maxBlobBytes = 64 << 20
    /// Most types accepted.
    public static let maxTypes = 2_000_000
    /// Longest name accepted from the string section.
    public static let maxNameBytes = 4096
    /// Deepest chain of typedefs, qualifiers, arrays and anonymous members followed.
    public static let maxDepth = 64
    /// Largest type size accepted (1 TiB): no kernel object comes near, and a size in range can
    /// be turned into bits or added to an address offset without overflowing.
    public static let maxTypeBytes = 1 << 40
}
