/// A name test used by the skip lists and anchors (data, no regular expressions).
enum FramePattern: Sendable {
    case contains(String)
    case prefix(String)
    case suffix(String)
    case exact(String)

    func matches(_ name: String) -> Bool {
        switch self {
        case .contains(let part): return name.containsBytes(part)
        case .prefix(let prefix): return name.hasPrefix(prefix)
        case .suffix(let suffix): return name.hasSuffix(suffix)
        case .exact(let whole): return name == whole
        }
    }
}

extension Array where Element == FramePattern {
    func matchesAny(_ name: String) -> Bool { contains { $0.matches(name) } }
}
