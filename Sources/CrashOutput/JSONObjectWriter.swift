import KtriageBytes

/// Appends `"key":value` pairs in the order given; `nil` values are left out, as
/// `encodeIfPresent` does. Callers give keys in sorted order where the output must match
/// `JSONEncoder`'s `.sortedKeys`. Keys are written as given (they come from key tables and need
/// no escaping), except through `string(logKey:_:)`.
public struct JSONObjectWriter {
    private var text = "{"
    private var first = true

    public init() {}

    private mutating func key(_ name: String) {
        if !first { text += "," }
        first = false
        text += "\""
        text += name
        text += "\":"
    }

    /// A member whose key comes from a log (a register name) and is escaped like a value.
    public mutating func string(logKey name: String, _ value: String) {
        if !first { text += "," }
        first = false
        text += JSONText.quoted(name) + ":" + JSONText.quoted(value)
    }

    /// A value that is already JSON (an object, an array).
    public mutating func raw(_ name: String, _ json: String) {
        key(name)
        text += json
    }

    public mutating func string(_ name: String, _ value: String?) {
        guard let value else { return }
        key(name)
        text += JSONText.quoted(value)
    }

    public mutating func strings(_ name: String, _ values: [String]) {
        key(name)
        text += "[" + values.map { JSONText.quoted($0) }.joined(separator: ",") + "]"
    }

    public mutating func int(_ name: String, _ value: Int?) {
        guard let value else { return }
        key(name)
        text += String(value)
    }

    public mutating func int64(_ name: String, _ value: Int64?) {
        guard let value else { return }
        key(name)
        text += String(value)
    }

    public mutating func uint64(_ name: String, _ value: UInt64?) {
        guard let value else { return }
        key(name)
        text += String(value)
    }

    public mutating func bool(_ name: String, _ value: Bool?) {
        guard let value else { return }
        key(name)
        text += value ? "true" : "false"
    }

    public mutating func finish() -> String { text + "}" }
}
