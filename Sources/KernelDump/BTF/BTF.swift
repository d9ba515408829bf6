/// Kernel type information (BTF) parsed from a blob, with the lookups a dump reader needs:
/// struct member offsets by name (through anonymous structs and unions, bitfields included),
/// type sizes, enum constants.
///
/// Names are looked up among STRUCT, UNION, ENUM, ENUM64, TYPEDEF, INT, FLOAT and VAR types;
/// when several types share a name (a FWD and its definition, or two unrelated statics in
/// different compilation units) the first complete definition wins.
public struct BTF: Sendable {
    /// Every type; index = type id (`types[0]` is `void`).
    public let types: [BTFType]
    /// The string section.
    let strings: [UInt8]
    /// Named types by name (type ids, in id order).
    private let typeIndex: [String: [UInt32]]

    /// Parses a raw blob (`BTFParser`).
    /// - Throws: `BTFError` naming the byte offset and field.
    public init(blob: [UInt8]) throws {
        self = try blob.withUnsafeBytes { try BTFParser.parse($0) }
    }

    init(types: [BTFType], strings: [UInt8]) {
        self.types = types
        self.strings = strings
        var index: [String: [UInt32]] = [:]
        for (id, type) in types.enumerated() where type.nameOffset != 0 {
            switch type.kind {
            case .structure, .union, .enumeration, .enumeration64, .typedef, .int, .float, .variable:
                index[Self.decode(strings, at: type.nameOffset), default: []].append(UInt32(id))
            default:
                break
            }
        }
        typeIndex = index
    }

    /// The NUL-terminated string at `offset` of the string section (empty when out of range),
    /// at most `BTFLimits.maxNameBytes` long.
    public func string(at offset: UInt32) -> String { Self.decode(strings, at: offset) }

    static func decode(_ strings: [UInt8], at offset: UInt32) -> String {
        let start = Int(offset)
        guard start < strings.count else { return "" }
        let limit = min(strings.count, start + BTFLimits.maxNameBytes)
        var end = start
        while end < limit, strings[end] != 0 { end += 1 }
        return String(decoding: strings[start..<end], as: UTF8.self)
    }

    /// The type with id `id`, if it exists.
    public func type(_ id: UInt32) -> BTFType? { Int(id) < types.count ? types[Int(id)] : nil }

    /// The name of type `id` (empty when anonymous).
    public func name(of id: UInt32) -> String { type(id).map { string(at: $0.nameOffset) } ?? "" }

    /// Ids of the named types called `name`, of the given kinds (all indexed kinds when empty).
    public func typeIDs(named name: String, kinds: Set<BTFKind> = []) -> [UInt32] {
        let ids = typeIndex[name] ?? []
        guard !kinds.isEmpty else { return ids }
        return ids.filter { kinds.contains(types[Int($0)].kind) }
    }

    /// The first complete `struct name` (or `union name`), preferring one with members.
    public func structure(named name: String) -> UInt32? {
        let ids = typeIDs(named: name, kinds: [.structure, .union])
        return ids.first { !types[Int($0)].members.isEmpty } ?? ids.first
    }

    /// Follows typedefs and qualifiers (`const`, `volatile`, `restrict`, type tags) to the type
    /// that gives the layout.
    public func resolved(_ id: UInt32) throws -> UInt32 {
        var current = id
        for _ in 0..<BTFLimits.maxDepth {
            guard let type = type(current) else {
                throw BTFError(offset: nil, field: "type \(current)", message: "no such type id (\(types.count) types)")
            }
            guard type.kind.isAlias else { return current }
            current = type.sizeOrType
        }
        throw BTFError(
            offset: nil, field: "type \(id)",
            message: "alias chain longer than \(BTFLimits.maxDepth) (a loop?)")
    }

    /// The size in bytes of type `id` (`pointerSize` for pointers).
    public func size(of id: UInt32, pointerSize: Int = 8) throws -> Int {
        try size(of: id, pointerSize: pointerSize, depth: 0)
    }

    private func size(of id: UInt32, pointerSize: Int, depth: Int) throws -> Int {
        guard depth < BTFLimits.maxDepth else {
            throw BTFError(offset: nil, field: "type \(id)", message: "nesting deeper than \(BTFLimits.maxDepth)")
        }
        let target = try resolved(id)
        guard let type = type(target) else { return 0 }
        switch type.kind {
        case .pointer: return pointerSize
        case .array:
            // Both factors come from the blob: `char x[0xffffffff][0xffffffff]` is 2^64 bytes.
            let element = try size(of: type.arrayElement, pointerSize: pointerSize, depth: depth + 1)
            let (total, overflow) = Int(type.arrayCount).multipliedReportingOverflow(by: element)
            guard !overflow, total <= BTFLimits.maxTypeBytes else {
                throw BTFError(
                    offset: nil, field: "type \(target)",
                    message:
                        "array of \(type.arrayCount) elements of \(element) bytes exceeds \(BTFLimits.maxTypeBytes) bytes"
                )
            }
            return total
        case .variable: return try size(of: type.sizeOrType, pointerSize: pointerSize, depth: depth + 1)
        default: return type.kind.hasSize ? Int(type.sizeOrType) : 0
        }
    }

    /// The size of the named type (`struct`/`union` first, then typedefs and base types).
    public func size(ofTypeNamed name: String, pointerSize: Int = 8) throws -> Int {
        guard let id = structure(named: name) ?? typeIDs(named: name).first else {
            throw BTFError(offset: nil, field: name, message: "no type of that name")
        }
        return try size(of: id, pointerSize: pointerSize)
    }

    /// Where a member lies: `path` is one member name or a dotted path (`core_layout.base`,
    /// `thread_info.cpu`); each step also searches the members of anonymous structs and unions.
    /// - Throws: `BTFError` naming the struct and the step not found.
    public func member(_ path: String, in structName: String) throws -> BTFMemberLocation {
        guard let id = structure(named: structName) else {
            throw BTFError(offset: nil, field: "struct \(structName)", message: "not in the kernel's BTF")
        }
        return try member(path, inType: id, typeName: structName)
    }

    /// `member(_:in:)` starting from a type id.
    public func member(_ path: String, inType id: UInt32, typeName: String? = nil) throws -> BTFMemberLocation {
        var location = BTFMemberLocation(bitOffset: 0, bitfieldSize: 0, type: id)
        for step in path.split(separator: ".") {
            let container = try resolved(location.type)
            guard let found = try find(String(step), in: container, depth: 0) else {
                let owner = typeName ?? name(of: id)
                throw BTFError(
                    offset: nil, field: "struct \(owner)",
                    message: "has no member '\(step)'\(path.contains(".") ? " (in '\(path)')" : "")")
            }
            location = BTFMemberLocation(
                bitOffset: location.bitOffset + found.bitOffset, bitfieldSize: found.bitfieldSize, type: found.type)
        }
        return location
    }

    private func find(_ name: String, in id: UInt32, depth: Int) throws -> BTFMemberLocation? {
        guard depth < BTFLimits.maxDepth else {
            throw BTFError(
                offset: nil, field: "type \(id)", message: "anonymous members nest deeper than \(BTFLimits.maxDepth)")
        }
        guard let type = type(id), type.kind == .structure || type.kind == .union else { return nil }
        for member in type.members where member.nameOffset != 0 && string(at: member.nameOffset) == name {
            var width = Int(member.bitfieldSize)
            // Without kind_flag a bitfield's width is its INT type's `bits` (pre-5.0 encoders).
            if !type.kindFlag, let base = self.type(try resolved(member.type)), base.kind == .int,
                Int(base.intBits) < Int(base.sizeOrType) * 8
            {
                width = Int(base.intBits)
            }
            return BTFMemberLocation(bitOffset: Int(member.bitOffset), bitfieldSize: width, type: member.type)
        }
        for member in type.members where member.nameOffset == 0 {
            if let inner = try find(name, in: try resolved(member.type), depth: depth + 1) {
                return BTFMemberLocation(
                    bitOffset: Int(member.bitOffset) + inner.bitOffset, bitfieldSize: inner.bitfieldSize,
                    type: inner.type)
            }
        }
        return nil
    }

    /// The value of enum constant `name` (searching every ENUM and ENUM64).
    public func enumValue(_ name: String) -> Int64? {
        for type in types where type.kind == .enumeration || type.kind == .enumeration64 {
            for enumerator in type.enumerators where string(at: enumerator.nameOffset) == name {
                return enumerator.value
            }
        }
        return nil
    }

    /// The constants of `enum name`, in declaration order.
    public func enumerators(ofEnumNamed name: String) -> [(name: String, value: Int64)] {
        guard let id = typeIDs(named: name, kinds: [.enumeration, .enumeration64]).first else { return [] }
        return types[Int(id)].enumerators.map { (string(at: $0.nameOffset), $0.value) }
    }
}

/// A member's place in its outermost struct: bit offset, bitfield width (0 when not a bitfield)
/// and the member's type id.
public struct BTFMemberLocation: Sendable, Equatable {
    public var bitOffset: Int
    public var bitfieldSize: Int
    public var type: UInt32
    /// Byte offset of the member (of the byte holding a bitfield's first bit).
    public var byteOffset: Int { bitOffset / 8 }
}
