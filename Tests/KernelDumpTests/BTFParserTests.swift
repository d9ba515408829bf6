import Testing

@testable import KernelDump

@Suite("BTF parser on a synthetic blob")
struct BTFParserTests {
    /// One type of every kind; `struct task` has an anonymous union and a bitfield.
    static func sample() -> BTFBlobBuilder {
        var builder = BTFBlobBuilder()
        builder.type("int", .int, sizeOrType: 4)  // 1
        builder.words(1 << 24 | 32)  // signed, 32 bits
        builder.type("", .pointer, sizeOrType: 5)  // 2: char *
        builder.type("", .array, sizeOrType: 0)  // 3: char[16]
        builder.words(5, 1, 16)
        let pid = builder.name("pid")
        let comm = builder.name("comm")
        let flags = builder.name("flags")
        builder.type("task", .structure, vlen: 4, kindFlag: true, sizeOrType: 40)  // 4
        builder.words(pid, 1, 0)
        builder.words(comm, 3, 32)
        builder.words(0, 6, 160)  // anonymous union at byte 20
        builder.words(flags, 1, 3 << 24 | 288)  // 3-bit field at bit 288
        builder.type("char", .int, sizeOrType: 1)  // 5
        builder.words(2 << 24 | 8)
        let first = builder.name("a")
        let second = builder.name("b")
        builder.type("", .union, vlen: 2, sizeOrType: 8)  // 6
        builder.words(first, 7, 0)
        builder.words(second, 2, 0)
        builder.type("u64_t", .typedef, sizeOrType: 8)  // 7
        builder.type("unsigned long long", .int, sizeOrType: 8)  // 8
        builder.words(64)
        let live = builder.name("LIVE")
        let going = builder.name("GOING")
        builder.type("state", .enumeration, vlen: 2, sizeOrType: 4)  // 9
        builder.words(live, 0, going, 2)
        let huge = builder.name("HUGE")
        builder.type("big", .enumeration64, vlen: 1, sizeOrType: 8)  // 10
        builder.words(huge, 0, 1 << 8)
        builder.type("", .const, sizeOrType: 1)  // 11
        builder.type("", .volatile, sizeOrType: 11)  // 12
        builder.type("task", .forward, sizeOrType: 0)  // 13
        let parameter = builder.name("x")
        builder.type("", .functionPrototype, vlen: 1, sizeOrType: 1)  // 14
        builder.words(parameter, 1)
        builder.type("do_it", .function, vlen: 1, sizeOrType: 14)  // 15
        builder.type("counter", .variable, sizeOrType: 1)  // 16
        builder.words(1)
        builder.type(".data", .dataSection, vlen: 1, sizeOrType: 4)  // 17
        builder.words(16, 0, 4)
        builder.type("double", .float, sizeOrType: 8)  // 18
        builder.type("tag", .declarationTag, sizeOrType: 15)  // 19
        builder.words(UInt32(bitPattern: -1))
        builder.type("user", .typeTag, sizeOrType: 2)  // 20
        builder.type("", .restrict, sizeOrType: 20)  // 21
        return builder
    }

    @Test("every kind parses; members through anonymous unions, bitfields, sizes, enums")
    func parsesEveryKind() throws {
        let btf = try BTF(blob: Self.sample().blob())
        #expect(btf.types.count == 22)
        #expect(Set(btf.types.dropFirst().map(\.kind)) == Set(BTFKind.allCases.filter { $0 != .unknown }))
        #expect(btf.structure(named: "task") == 4)
        #expect(try btf.member("pid", in: "task") == BTFMemberLocation(bitOffset: 0, bitfieldSize: 0, type: 1))
        #expect(try btf.member("comm", in: "task").byteOffset == 4)
        #expect(try btf.size(of: btf.member("comm", in: "task").type) == 16)
        let inUnion = try btf.member("b", in: "task")
        #expect(inUnion.byteOffset == 20)
        #expect(try btf.size(of: inUnion.type) == 8)
        #expect(try btf.size(of: btf.member("a", in: "task").type) == 8)  // typedef → u64
        #expect(try btf.member("flags", in: "task") == BTFMemberLocation(bitOffset: 288, bitfieldSize: 3, type: 1))
        #expect(try btf.size(ofTypeNamed: "task") == 40)
        #expect(try btf.size(of: 12) == 4)  // volatile const int
        #expect(try btf.size(of: 21) == 8)  // restrict → type tag → pointer
        #expect(try btf.size(of: 16) == 4)  // var int
        #expect(btf.enumValue("GOING") == 2)
        #expect(btf.enumValue("HUGE") == 1 << 40)
        #expect(btf.enumerators(ofEnumNamed: "state").map(\.name) == ["LIVE", "GOING"])
        #expect(btf.types[14].parameters.map { btf.string(at: $0.nameOffset) } == ["x"])
        #expect(btf.types[15].linkage == 1)
        #expect(btf.types[17].sectionVariables == [BTFType.SectionVariable(type: 16, offset: 0, size: 4)])
        #expect(btf.types[19].componentIndex == -1)
        #expect(btf.types[5].intEncoding == 2)
        #expect(btf.name(of: 18) == "double")
    }

    @Test("big-endian blobs read with the swapped magic")
    func bigEndian() throws {
        var builder = BTFBlobBuilder()
        builder.bigEndian = true
        builder.types.bigEndian = true
        builder.type("long", .int, sizeOrType: 8)
        builder.words(1 << 24 | 64)
        let btf = try BTF(blob: builder.blob())
        #expect(try btf.size(ofTypeNamed: "long") == 8)
    }

    @Test("a missing member or struct names the struct and the member")
    func missingMember() throws {
        let btf = try BTF(blob: Self.sample().blob())
        #expect(throws: BTFError(offset: nil, field: "struct task", message: "has no member 'nope'")) {
            try btf.member("nope", in: "task")
        }
        #expect(throws: BTFError(offset: nil, field: "struct module", message: "not in the kernel's BTF")) {
            try btf.member("list", in: "module")
        }
    }

    @Test("damaged blobs give errors naming the offset and field")
    func damaged() {
        #expect(throws: BTFError(offset: 0, field: "magic", message: "0x1234 is not BTF's 0xeb9f")) {
            try BTF(blob: Self.sample().blob(magic: 0x1234))
        }
        // The type section claims 20 bytes: type 1 (16 bytes) fits, type 2's header does not.
        #expect(
            throws: BTFError(
                offset: 40, field: "type 2", message: "a type record needs 12 bytes, the type section has 4 left")
        ) {
            try BTF(blob: Self.sample().blob(typeLengthOverride: 20))
        }
        var unknown = BTFBlobBuilder()
        unknown.words(0, 25 << 24, 0)
        #expect(throws: BTFError(offset: 28, field: "type 1 info", message: "kind 25 is unknown")) {
            try BTF(blob: unknown.blob())
        }
        var badName = BTFBlobBuilder()
        badName.words(999, UInt32(BTFKind.typedef.rawValue) << 24, 0)
        #expect(throws: BTFError.self) { try BTF(blob: badName.blob()) }
        var members = BTFBlobBuilder()
        members.type("s", .structure, vlen: 1000, sizeOrType: 8)
        #expect(throws: BTFError.self) { try BTF(blob: members.blob()) }
    }

    @Test("an alias loop is cut at the depth limit")
    func aliasLoop() throws {
        var builder = BTFBlobBuilder()
        builder.type("loop", .typedef, sizeOrType: 1)
        let btf = try BTF(blob: builder.blob())
        #expect(throws: BTFError.self) { try btf.size(of: 1) }
    }
}
