/// A short list of names (JSON keys, enum spellings) matched against raw bytes without
/// building a string: the record reader matches a few dozen per record.
struct ByteNameTable<Value>: Sendable where Value: Sendable {
    /// Names by length (longer ones in the last list), each with its first byte.
    private let byLength: [[(first: UInt8, bytes: [UInt8], value: Value)]]

    init(_ entries: [(String, Value)]) {
        var table = [[(first: UInt8, bytes: [UInt8], value: Value)]](repeating: [], count: 33)
        for (name, value) in entries {
            let bytes = Array(name.utf8)
            table[min(bytes.count, 32)].append((bytes.first ?? 0, bytes, value))
        }
        byLength = table
    }

    /// The value of the name spelled by `bytes`, or `nil`.
    func value(of bytes: UnsafeRawBufferPointer) -> Value? {
        guard let base = bytes.baseAddress, !bytes.isEmpty else { return byLength[0].first?.value }
        let first = base.load(as: UInt8.self)
        for entry in byLength[min(bytes.count, 32)] where entry.first == first && entry.bytes.count == bytes.count {
            // Names are short: a loop beats a call to memcmp.
            var index = 1
            while index < bytes.count, entry.bytes[index] == base.load(fromByteOffset: index, as: UInt8.self) {
                index += 1
            }
            if index == bytes.count { return entry.value }
        }
        return nil
    }
}

extension ByteNameTable where Value: RawRepresentable & CaseIterable, Value.RawValue == String {
    /// The table of an enum's spellings.
    init(cases: Value.Type) {
        self.init(Value.allCases.map { ($0.rawValue, $0) })
    }
}
