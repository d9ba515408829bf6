/// One BTF type record, decoded: the 12-byte `btf_type` header plus the data that follows it.
public struct BTFType: Sendable, Equatable {
    /// A STRUCT or UNION member. With `kind_flag` set the member's `offset` field holds the bit
    /// offset in bits 0–23 and the bitfield size in bits 24–31; without it, the bit offset only
    /// (and a bitfield's size is then in its INT type's encoding).
    public struct Member: Sendable, Equatable {
        /// Offset of the name in the string section (0: anonymous); `BTF.string(at:)` decodes it.
        public var nameOffset: UInt32
        public var type: UInt32
        /// Offset from the start of the enclosing struct, in bits.
        public var bitOffset: UInt32
        /// Bitfield width in bits; 0 for an ordinary member.
        public var bitfieldSize: UInt32
    }

    /// One ENUM or ENUM64 constant.
    public struct Enumerator: Sendable, Equatable {
        public var nameOffset: UInt32
        public var value: Int64
    }

    /// One FUNC_PROTO parameter (`type` 0 with no name marks `...`).
    public struct Parameter: Sendable, Equatable {
        public var nameOffset: UInt32
        public var type: UInt32
    }

    /// One DATASEC entry: a VAR and where it lies in the section.
    public struct SectionVariable: Sendable, Equatable {
        public var type: UInt32
        public var offset: UInt32
        public var size: UInt32
    }

    public var kind: BTFKind
    /// Offset of the name in the string section (0: anonymous); names are decoded on demand
    /// because a distribution kernel's BTF has hundreds of thousands of them.
    public var nameOffset: UInt32
    public var kindFlag: Bool
    /// `vlen`: members, enumerators, parameters or section entries.
    public var vlen: Int
    /// `size` for sized kinds, else the referenced type id (`type`).
    public var sizeOrType: UInt32
    /// INT: bit 0 signed, bit 1 char, bit 2 bool (`BTF_INT_ENCODING`).
    public var intEncoding: UInt8 = 0
    /// INT: bit offset and width (`BTF_INT_OFFSET`, `BTF_INT_BITS`).
    public var intBitOffset: UInt8 = 0
    public var intBits: UInt8 = 0
    /// ARRAY: element type, index type, element count.
    public var arrayElement: UInt32 = 0
    public var arrayIndex: UInt32 = 0
    public var arrayCount: UInt32 = 0
    public var members: [Member] = []
    public var enumerators: [Enumerator] = []
    public var parameters: [Parameter] = []
    public var sectionVariables: [SectionVariable] = []
    /// VAR: 0 static, 1 global allocated, 2 global extern. FUNC: linkage in `vlen`.
    public var linkage: UInt32 = 0
    /// DECL_TAG: -1 for the whole declaration, else the member/parameter index.
    public var componentIndex: Int32 = 0
}
