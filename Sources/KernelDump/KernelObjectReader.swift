/// Reads kernel objects from a dump with layouts taken from the dump's own BTF: every offset
/// comes from a `BTF.member` lookup (cached), never from a table of offsets.
final class KernelObjectReader {
    let memory: KernelMemory
    let btf: BTF
    /// Kernel symbol addresses by name (kallsyms or a System.map).
    let symbols: [String: UInt64]
    /// Most bytes of a `char[]` member read as a string. The kernel's are far shorter (`comm`:
    /// TASK_COMM_LEN 16, `nodename`: 65, a module's name: 56); a damaged BTF that makes `comm` a
    /// `char[64M]` would otherwise have every task of the list read 64 MB.
    static let maxCharArrayBytes = 256
    private var locations: [String: BTFMemberLocation] = [:]
    private var sizes: [String: Int] = [:]

    init(memory: KernelMemory, btf: BTF, symbols: [String: UInt64]) {
        self.memory = memory
        self.btf = btf
        self.symbols = symbols
    }

    /// The address of a kernel symbol.
    /// - Throws: `BTFError` when neither kallsyms nor the System.map has it.
    func symbol(_ name: String) throws -> UInt64 {
        guard let address = symbols[name] else {
            throw BTFError(
                offset: nil, field: "symbol \(name)", message: "not in the dump's kallsyms or the System.map")
        }
        return address
    }

    /// Where `path` lies in `struct structName` (cached).
    func location(_ structName: String, _ path: String) throws -> BTFMemberLocation {
        let key = structName + "." + path
        if let found = locations[key] { return found }
        let found = try btf.member(path, in: structName)
        locations[key] = found
        return found
    }

    /// Whether `struct structName` has the member `path` (kernel versions differ).
    func has(_ structName: String, _ path: String) -> Bool { (try? location(structName, path)) != nil }

    /// Byte offset of a member.
    func offset(_ structName: String, _ path: String) throws -> UInt64 {
        UInt64(try location(structName, path).byteOffset)
    }

    /// Size in bytes of a member's type.
    func memberSize(_ structName: String, _ path: String) throws -> Int {
        let key = "size:" + structName + "." + path
        if let found = sizes[key] { return found }
        let size = try btf.size(of: try location(structName, path).type)
        sizes[key] = size
        return size
    }

    /// Size in bytes of a named struct.
    func structSize(_ structName: String) throws -> Int {
        let key = "struct:" + structName
        if let found = sizes[key] { return found }
        let size = try btf.size(ofTypeNamed: structName)
        sizes[key] = size
        return size
    }

    /// Reads an integer member of the object at `base` (its size from BTF; bitfields masked).
    func unsigned(_ base: UInt64, _ structName: String, _ path: String) throws -> UInt64 {
        let place = try location(structName, path)
        let size = try memberSize(structName, path)
        if place.bitfieldSize > 0 {
            let firstByte = UInt64(place.bitOffset / 8)
            let shift = place.bitOffset % 8
            let span = min(8, (shift + place.bitfieldSize + 7) / 8)
            let raw = try memory.readUnsigned(base &+ firstByte, size: span, what: "\(structName).\(path)")
            let mask: UInt64 = place.bitfieldSize >= 64 ? .max : (1 << UInt64(place.bitfieldSize)) - 1
            return (raw >> UInt64(shift)) & mask
        }
        guard size > 0, size <= 8 else {
            throw BTFError(offset: nil, field: "\(structName).\(path)", message: "is \(size) bytes, not an integer")
        }
        return try memory.readUnsigned(base &+ UInt64(place.byteOffset), size: size, what: "\(structName).\(path)")
    }

    /// Reads a signed integer member (sign-extended from its BTF size).
    func signed(_ base: UInt64, _ structName: String, _ path: String) throws -> Int64 {
        let raw = try unsigned(base, structName, path)
        let bits = try memberSize(structName, path) * 8
        guard bits < 64 else { return Int64(bitPattern: raw) }
        let shift = UInt64(64 - bits)
        return Int64(bitPattern: raw << shift) >> Int64(shift)
    }

    /// Reads a pointer-sized word at an address.
    func word(_ address: UInt64, what: @autoclosure () -> String) throws -> UInt64 {
        try memory.readUnsigned(address, size: 8, what: what())
    }

    /// Reads a NUL-terminated string of at most `limit` bytes; pages that cannot be read end it.
    func string(_ address: UInt64, limit: Int, what: @autoclosure () -> String) throws -> String {
        let (bytes, _, _) = try memory.readLenient(address, count: limit, what: what())
        return String(decoding: bytes.prefix { $0 != 0 }, as: UTF8.self)
    }

    /// Reads a `char name[N]` member (its length from BTF).
    func charArray(_ base: UInt64, _ structName: String, _ path: String) throws -> String {
        let size = min(try memberSize(structName, path), Self.maxCharArrayBytes)
        let raw = try memory.read(base &+ (try offset(structName, path)), count: size, what: "\(structName).\(path)")
        return String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
    }
}
