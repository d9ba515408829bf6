/// Minimal demangling of C++ (Itanium `_Z…`) and Rust v0 (`_R…`) symbol names, without
/// parameters: enough to turn `_Z8fakeNameiii` into `fakeName` and `_ZN3foo3barEv` into
/// `foo::bar` for titles.
enum Demangler {
    static func demangle(_ name: String) -> String {
        if name.hasPrefix("_R") { return RustDemangler.demangle(name) ?? name }
        guard name.hasPrefix("_Z") else { return name }
        var chars = Array(name.utf8.dropFirst(2))
        var nested = false
        if chars.first == UInt8(ascii: "N") {
            nested = true
            chars.removeFirst()
        }
        var parts: [String] = []
        var i = 0
        while i < chars.count, parts.count < 16 {
            var len = 0
            let start = i
            while i < chars.count, chars[i] >= 0x30, chars[i] <= 0x39, len < 10_000 {
                len = len * 10 + Int(chars[i] - 0x30)
                i += 1
            }
            guard i > start, len > 0, i + len <= chars.count else { break }
            parts.append(String(decoding: chars[i..<(i + len)], as: UTF8.self))
            i += len
            if !nested { break }
            if i < chars.count, chars[i] == UInt8(ascii: "E") { break }
        }
        return parts.isEmpty ? name : parts.joined(separator: "::")
    }
}
