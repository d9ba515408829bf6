/// A name test used by the skip lists and anchors (data, no regular expressions).
enum FramePattern: Sendable {
    case contains(String)
    case prefix(String)
    case suffix(String)
    case exact(String)

    func matches(_ name: String) -> Bool {
        switch self {
        case .contains(let s): return name.contains(s)
        case .prefix(let s): return name.hasPrefix(s)
        case .suffix(let s): return name.hasSuffix(s)
        case .exact(let s): return name == s
        }
    }
}

extension Array where Element == FramePattern {
    func matchesAny(_ name: String) -> Bool { contains { $0.matches(name) } }
}
