/// Demangling of Rust v0 symbols (`_R…`, RFC 2603) into paths without generic arguments, enough
/// for titles: `_RNvXs1_Cs…_11ashmem_rustNtB5_6AshmemNtNtCs…_6kernel10miscdevice10MiscDevice4mmap`
/// becomes `<ashmem_rust::Ashmem as kernel::miscdevice::MiscDevice>::mmap`. Anything it does not
/// understand returns `nil` (the caller keeps the mangled name); depth and length are bounded.
struct RustDemangler {
    private let s: [UInt8]
    private var pos = 0
    private var depth = 0

    static func demangle(_ symbol: String) -> String? {
        guard symbol.hasPrefix("_R"), symbol.utf8.count < 1024 else { return nil }
        var d = RustDemangler(s: Array(symbol.utf8.dropFirst(2)))
        return d.path()
    }

    private init(s: [UInt8]) { self.s = s }

    private var peek: UInt8? { pos < s.count ? s[pos] : nil }

    private mutating func eat(_ c: Character) -> Bool {
        guard let p = peek, p == c.asciiValue else { return false }
        pos += 1
        return true
    }

    /// `<base-62-number>`: digits and letters, terminated by `_` (`_` alone is 0).
    private mutating func base62() -> Int? {
        if eat("_") { return 0 }
        var value = 0
        while let c = peek, c != UInt8(ascii: "_") {
            let digit: Int
            switch c {
            case 0x30...0x39: digit = Int(c - 0x30)
            case 0x61...0x7a: digit = Int(c - 0x61) + 10
            case 0x41...0x5a: digit = Int(c - 0x41) + 36
            default: return nil
            }
            value = value &* 62 &+ digit
            pos += 1
        }
        guard eat("_") else { return nil }
        return value &+ 1
    }

    private mutating func disambiguator() -> Bool {
        guard eat("s") else { return true }
        return base62() != nil
    }

    private mutating func identifier() -> String? {
        guard disambiguator() else { return nil }
        _ = eat("u")  // punycode flag: name kept as is
        var length = 0
        let start = pos
        while let c = peek, c >= 0x30, c <= 0x39 {
            length = length * 10 + Int(c - 0x30)
            pos += 1
            if pos - start > 4 { return nil }
        }
        guard pos > start else { return nil }
        _ = eat("_")
        guard pos + length <= s.count else { return nil }
        defer { pos += length }
        return String(decoding: s[pos..<(pos + length)], as: UTF8.self)
    }

    private mutating func backref<T>(_ body: (inout RustDemangler) -> T?) -> T? {
        guard let target = base62(), target < s.count, depth < 32 else { return nil }
        let saved = pos
        pos = target
        depth += 1
        defer {
            pos = saved
            depth -= 1
        }
        return body(&self)
    }

    mutating func path() -> String? {
        depth += 1
        defer { depth -= 1 }
        guard depth < 64, let c = peek else { return nil }
        pos += 1
        switch c {
        case UInt8(ascii: "C"):
            return identifier()
        case UInt8(ascii: "N"):
            guard peek != nil else { return nil }
            pos += 1  // namespace
            guard let parent = path(), let name = identifier() else { return nil }
            return name.isEmpty ? parent : parent + "::" + name
        case UInt8(ascii: "M"):
            guard disambiguator(), path() != nil, let type = type() else { return nil }
            return "<\(type)>"
        case UInt8(ascii: "X"):
            guard disambiguator(), path() != nil, let type = type(), let trait = path() else { return nil }
            return "<\(type) as \(trait)>"
        case UInt8(ascii: "Y"):
            guard let type = type(), let trait = path() else { return nil }
            return "<\(type) as \(trait)>"
        case UInt8(ascii: "I"):
            guard let base = path() else { return nil }
            while !eat("E") {
                guard peek != nil, genericArg() else { return nil }
            }
            return base
        case UInt8(ascii: "B"):
            return backref { $0.path() }
        default:
            return nil
        }
    }

    private mutating func genericArg() -> Bool {
        if eat("L") { return base62() != nil }
        if eat("K") { return skipConst() }
        return type() != nil
    }

    private mutating func skipConst() -> Bool {
        if eat("p") { return true }
        if eat("B") { return base62() != nil }
        guard let c = peek, c >= 0x61, c <= 0x7a else { return false }
        pos += 1
        _ = eat("n")
        while let h = peek, h != UInt8(ascii: "_") { pos += 1 }
        return eat("_")
    }

    private static let basic: [UInt8: String] = [
        UInt8(ascii: "a"): "i8", UInt8(ascii: "b"): "bool", UInt8(ascii: "c"): "char", UInt8(ascii: "d"): "f64",
        UInt8(ascii: "e"): "str", UInt8(ascii: "f"): "f32", UInt8(ascii: "h"): "u8", UInt8(ascii: "i"): "isize",
        UInt8(ascii: "j"): "usize", UInt8(ascii: "l"): "i32", UInt8(ascii: "m"): "u32", UInt8(ascii: "n"): "i128",
        UInt8(ascii: "o"): "u128", UInt8(ascii: "s"): "i16", UInt8(ascii: "t"): "u16", UInt8(ascii: "u"): "()",
        UInt8(ascii: "v"): "...", UInt8(ascii: "x"): "i64", UInt8(ascii: "y"): "u64", UInt8(ascii: "z"): "!",
        UInt8(ascii: "p"): "_",
    ]

    private mutating func type() -> String? {
        depth += 1
        defer { depth -= 1 }
        guard depth < 64, let c = peek else { return nil }
        if let b = Self.basic[c] {
            pos += 1
            return b
        }
        switch c {
        case UInt8(ascii: "R"), UInt8(ascii: "Q"):
            pos += 1
            if eat("L") { guard base62() != nil else { return nil } }
            return type().map { (c == UInt8(ascii: "Q") ? "&mut " : "&") + $0 }
        case UInt8(ascii: "P"), UInt8(ascii: "O"):
            pos += 1
            return type().map { (c == UInt8(ascii: "O") ? "*mut " : "*const ") + $0 }
        case UInt8(ascii: "S"):
            pos += 1
            return type().map { "[\($0)]" }
        case UInt8(ascii: "A"):
            pos += 1
            guard let t = type(), skipConst() else { return nil }
            return "[\(t); _]"
        case UInt8(ascii: "T"):
            pos += 1
            var items: [String] = []
            while !eat("E") {
                guard let t = type() else { return nil }
                items.append(t)
            }
            return "(" + items.joined(separator: ", ") + ")"
        case UInt8(ascii: "B"):
            pos += 1
            return backref { $0.type() }
        default:
            return path()
        }
    }
}
