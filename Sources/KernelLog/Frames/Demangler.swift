import KtriageBytes

/// Minimal demangling of C++ (Itanium `_Z…`) and Rust v0 (`_R…`) symbol names, without
/// parameters: enough to turn `_Z8fakeNameiii` into `fakeName` and `_ZN3foo3barEv` into
/// `foo::bar` for titles.
enum Demangler {
    static func demangle(_ name: String) -> String {
        if name.hasPrefix("_R") { return RustDemangler.demangle(name) ?? name }
        guard name.hasPrefix("_Z") else { return name }
        var bytes = Array(name.utf8.dropFirst(2))
        var nested = false
        if bytes.first == UInt8(ascii: "N") {
            nested = true
            bytes.removeFirst()
        }
        // Each name part is its decimal length followed by that many bytes; `E` ends a nested name.
        var parts: [String] = []
        var index = 0
        while index < bytes.count, parts.count < 16 {
            var length = 0
            let start = index
            while index < bytes.count, ByteScanning.isDigit(bytes[index]), length < 10_000 {
                length = length * 10 + Int(bytes[index] - UInt8(ascii: "0"))
                index += 1
            }
            guard index > start, length > 0, index + length <= bytes.count else { break }
            parts.append(String(decoding: bytes[index..<(index + length)], as: UTF8.self))
            index += length
            if !nested { break }
            if index < bytes.count, bytes[index] == UInt8(ascii: "E") { break }
        }
        return parts.isEmpty ? name : parts.joined(separator: "::")
    }
}
