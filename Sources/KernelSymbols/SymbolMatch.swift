/// The symbol an address falls in, printed the way the kernel prints frames:
/// `function+0xoff/0xsize [module]`.
public struct SymbolMatch: Sendable, Equatable, CustomStringConvertible {
    /// The name's bytes, shared with the table's arena: a lookup costs no allocation, the
    /// `String` is made only when someone asks for `name`.
    var nameBytes: ArraySlice<UInt8>

    /// The symbol's name as in the map.
    public var name: String {
        get { String(decoding: nameBytes, as: UTF8.self) }
        set { nameBytes = ArraySlice(newValue.utf8) }
    }
    /// The symbol's start at run time (KASLR offset or module base applied).
    public var symbolAddress: UInt64
    /// `address - symbolAddress`.
    public var offset: UInt64
    /// The distance to the next symbol: what the kernel prints after `/` (its kallsyms has no
    /// sizes). 0 when the symbol is the last one and nothing bounds it.
    public var size: UInt64
    /// `st_size` when the symbol came from an ELF table with a size.
    public var elfSize: UInt64?
    /// The module for module symbols; `nil` for the kernel image.
    public var module: String?
    /// The `nm` type letter as a byte (kept raw: making a `Character` per lookup costs time).
    var typeLetter: UInt8

    /// The `nm` type letter (`T` global text, `t` local text, `D`/`d` data, `B`/`b` bss, …).
    public var type: Character {
        get { Character(Unicode.Scalar(typeLetter)) }
        set { typeLetter = newValue.asciiValue ?? UInt8(ascii: "?") }
    }
    /// Several symbols carry this name (static functions in different files), so the name
    /// alone does not say which one: show the address next to it.
    public var nameIsShared: Bool

    public init(
        name: String, symbolAddress: UInt64, offset: UInt64, size: UInt64, elfSize: UInt64? = nil,
        module: String? = nil, type: Character = "T", nameIsShared: Bool = false
    ) {
        self.nameBytes = ArraySlice(name.utf8)
        self.symbolAddress = symbolAddress
        self.offset = offset
        self.size = size
        self.elfSize = elfSize
        self.module = module
        self.typeLetter = type.asciiValue ?? UInt8(ascii: "?")
        self.nameIsShared = nameIsShared
    }

    /// The looked-up address.
    public var address: UInt64 { symbolAddress &+ offset }

    init(
        nameBytes: ArraySlice<UInt8>, symbolAddress: UInt64, offset: UInt64, size: UInt64, elfSize: UInt64?,
        module: String?, type: UInt8, nameIsShared: Bool
    ) {
        self.nameBytes = nameBytes
        self.symbolAddress = symbolAddress
        self.offset = offset
        self.size = size
        self.elfSize = elfSize
        self.module = module
        self.typeLetter = type
        self.nameIsShared = nameIsShared
    }

    /// Code (`T t W w`), as opposed to data: only code addresses are worth naming in registers.
    public var isText: Bool {
        let letter = typeLetter | 0x20
        return letter == UInt8(ascii: "t") || letter == UInt8(ascii: "w")
    }

    /// `name+0xoff/0xsize [module]`, the kernel's `%pS` format.
    public var description: String {
        var text = "\(name)+0x\(String(offset, radix: 16))/0x\(String(size, radix: 16))"
        if let module { text += " [\(module)]" }
        return text
    }
}
