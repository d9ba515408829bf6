import KtriageBytes

/// Demangling of Rust v0 symbols (`_R…`, RFC 2603) into paths without generic arguments, enough
/// for titles: `_RNvXs1_Cs…_11ashmem_rustNtB5_6AshmemNtNtCs…_6kernel10miscdevice10MiscDevice4mmap`
/// becomes `<ashmem_rust::Ashmem as kernel::miscdevice::MiscDevice>::mmap`. Anything it does not
/// understand returns `nil` (the caller keeps the mangled name); depth, length and work are bounded.
struct RustDemangler {
    private let bytes: [UInt8]
    private var position = 0
    private var depth = 0
    /// Paths and types read so far, those read again through back-references included.
    private var steps = 0
    /// The most paths and types one symbol may read. Without back-references each takes at least
    /// one byte of the symbol (under 1024); back-references to parts full of back-references
    /// would read them again and again, exponentially often in the nesting.
    static let maxSteps = 1024

    static func demangle(_ symbol: String) -> String? {
        guard symbol.hasPrefix("_R"), symbol.utf8.count < 1024 else { return nil }
        var demangler = RustDemangler(bytes: Array(symbol.utf8.dropFirst(2)))
        return demangler.path()
    }

    private init(bytes: [UInt8]) { self.bytes = bytes }

    private var peek: UInt8? { position < bytes.count ? bytes[position] : nil }

    private mutating func eat(_ character: Character) -> Bool {
        guard let byte = peek, byte == character.asciiValue else { return false }
        position += 1
        return true
    }

    /// `<base-62-number>`: digits and letters, terminated by `_` (`_` alone is 0). Wraps: crate
    /// disambiguators are 64-bit hashes whose value is never used; an index (a back-reference) is
    /// checked to be in the symbol, so a wrapped negative one is refused there.
    private mutating func base62() -> Int? {
        if eat("_") { return 0 }
        var value = 0
        while let byte = peek, byte != UInt8(ascii: "_") {
            let digit: Int
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = Int(byte - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "z"): digit = Int(byte - UInt8(ascii: "a")) + 10
            case UInt8(ascii: "A")...UInt8(ascii: "Z"): digit = Int(byte - UInt8(ascii: "A")) + 36
            default: return nil
            }
            value = value &* 62 &+ digit
            position += 1
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
        let start = position
        while let byte = peek, ByteScanning.isDigit(byte) {
            length = length * 10 + Int(byte - UInt8(ascii: "0"))
            position += 1
            if position - start > 4 { return nil }
        }
        guard position > start else { return nil }
        _ = eat("_")
        guard position + length <= bytes.count else { return nil }
        defer { position += length }
        return String(decoding: bytes[position..<(position + length)], as: UTF8.self)
    }

    private mutating func backref<T>(_ body: (inout RustDemangler) -> T?) -> T? {
        guard let target = base62(), target >= 0, target < bytes.count, depth < 32 else { return nil }
        let saved = position
        position = target
        depth += 1
        defer {
            position = saved
            depth -= 1
        }
        return body(&self)
    }

    mutating func path() -> String? {
        depth += 1
        steps += 1
        defer { depth -= 1 }
        guard depth < 64, steps <= Self.maxSteps, let tag = peek else { return nil }
        position += 1
        switch tag {
        case UInt8(ascii: "C"):
            return identifier()
        case UInt8(ascii: "N"):
            guard peek != nil else { return nil }
            position += 1  // namespace
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
        guard let typeTag = peek, ASCII.isLowercaseLetter(typeTag) else { return false }
        position += 1
        _ = eat("n")
        while let digit = peek, digit != UInt8(ascii: "_") { position += 1 }
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
        steps += 1
        defer { depth -= 1 }
        guard depth < 64, steps <= Self.maxSteps, let tag = peek else { return nil }
        if let basicType = Self.basic[tag] {
            position += 1
            return basicType
        }
        switch tag {
        case UInt8(ascii: "R"), UInt8(ascii: "Q"):
            position += 1
            if eat("L") { guard base62() != nil else { return nil } }
            return type().map { (tag == UInt8(ascii: "Q") ? "&mut " : "&") + $0 }
        case UInt8(ascii: "P"), UInt8(ascii: "O"):
            position += 1
            return type().map { (tag == UInt8(ascii: "O") ? "*mut " : "*const ") + $0 }
        case UInt8(ascii: "S"):
            position += 1
            return type().map { "[\($0)]" }
        case UInt8(ascii: "A"):
            position += 1
            guard let element = type(), skipConst() else { return nil }
            return "[\(element); _]"
        case UInt8(ascii: "T"):
            position += 1
            var items: [String] = []
            while !eat("E") {
                guard let item = type() else { return nil }
                items.append(item)
            }
            return "(" + items.joined(separator: ", ") + ")"
        case UInt8(ascii: "B"):
            position += 1
            return backref { $0.type() }
        default:
            return path()
        }
    }
}
