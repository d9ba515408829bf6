/// A symbol file (System.map, kallsyms, vmlinux, `.ko`, /proc/modules snapshot) that cannot be
/// used: one line for the user naming the file and, for text files, the line.
public struct SymbolFileError: Error, Sendable, Equatable, CustomStringConvertible {
    public var path: String
    /// 1-based line for text files.
    public var line: Int?
    public var message: String

    public init(path: String, line: Int? = nil, message: String) {
        self.path = path
        self.line = line
        self.message = message
    }

    public var description: String {
        if let line { return "\(path):\(line): \(message)" }
        return "\(path): \(message)"
    }
}
