import KtriageBytes

/// A JSON object whose members may be added in any order and come out sorted by key, as
/// `JSONEncoder`'s `.sortedKeys` writes them; `nil` values are left out; keys need no escaping.
/// For small documents: the record writer, which is hot, gives its keys in order to
/// `JSONObjectWriter` instead.
public struct SortedJSONObject {
    private var members: [(key: String, json: String)] = []

    public init() {}

    /// A value that is already JSON (an object, an array).
    public mutating func raw(_ name: String, _ json: String) { members.append((name, json)) }

    public mutating func string(_ name: String, _ value: String?) {
        if let value { raw(name, JSONText.quoted(value)) }
    }

    public mutating func strings(_ name: String, _ values: [String]) {
        raw(name, "[" + values.map { JSONText.quoted($0) }.joined(separator: ",") + "]")
    }

    public mutating func int(_ name: String, _ value: Int?) { if let value { raw(name, String(value)) } }
    public mutating func int64(_ name: String, _ value: Int64?) { if let value { raw(name, String(value)) } }
    public mutating func bool(_ name: String, _ value: Bool?) { if let value { raw(name, value ? "true" : "false") } }

    public func finish() -> String {
        var out = JSONObjectWriter()
        for member in members.sorted(by: { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }) {
            out.raw(member.key, member.json)
        }
        return out.finish()
    }
}
