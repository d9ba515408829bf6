@testable import KernelDump

/// `BTFBlobBuilder` with type ids counted, for tests that lay out kernel structs by name.
struct BTFTypeTable {
    var builder = BTFBlobBuilder()
    private(set) var lastID: UInt32 = 0

    /// One struct member: name, type id, bit offset, bitfield width (0: none).
    typealias Member = (name: String, type: UInt32, bit: UInt32, width: UInt32)

    mutating func integer(_ name: String, bytes: UInt32, signed: Bool = false) -> UInt32 {
        builder.type(name, .int, sizeOrType: bytes)
        builder.words((signed ? 1 << 24 : 0) | bytes * 8)
        return next()
    }

    mutating func pointer(to target: UInt32) -> UInt32 {
        builder.type("", .pointer, sizeOrType: target)
        return next()
    }

    mutating func array(of element: UInt32, count: UInt32, index: UInt32) -> UInt32 {
        builder.type("", .array, sizeOrType: 0)
        builder.words(element, index, count)
        return next()
    }

    /// A struct; members with a width set it as a bitfield (`kind_flag`).
    mutating func structure(_ name: String, size: UInt32, _ members: [Member]) -> UInt32 {
        let bitfields = members.contains { $0.width > 0 }
        let names = members.map { builder.name($0.name) }
        builder.type(name, .structure, vlen: members.count, kindFlag: bitfields, sizeOrType: size)
        for (index, member) in members.enumerated() {
            builder.words(names[index], member.type, member.bit | member.width << 24)
        }
        return next()
    }

    /// A 4-byte enum.
    mutating func enumeration(_ name: String, _ values: [(String, Int32)]) -> UInt32 {
        let names = values.map { builder.name($0.0) }
        builder.type(name, .enumeration, vlen: values.count, sizeOrType: 4)
        for (index, value) in values.enumerated() { builder.words(names[index], UInt32(bitPattern: value.1)) }
        return next()
    }

    /// The id the next type will get (for a pointer to a struct declared after it).
    var nextID: UInt32 { lastID + 1 }

    private mutating func next() -> UInt32 {
        lastID += 1
        return lastID
    }

    func blob() -> [UInt8] { builder.blob() }
}
