import KtriageBytes

/// Parses a raw BTF blob (kernel `Documentation/bpf/btf.rst`, 6.1; the `.BTF` section between
/// `__start_BTF` and `__stop_BTF`): the header, then the type section (type id 1 first; id 0 is
/// `void`) and the string section, whose offsets are relative to the end of the header.
///
/// Header (little-endian on x86-64; a byte-swapped magic means the other order):
/// `u16 magic 0xeb9f, u8 version 1, u8 flags, u32 hdr_len, u32 type_off, u32 type_len,
/// u32 str_off, u32 str_len`. Each type is `u32 name_off, u32 info, u32 size_or_type` plus the
/// kind's trailing data (`BTFKind.trailingBytes`). `info`: bits 0–15 `vlen`, 24–28 kind, 31
/// `kind_flag`.
enum BTFParser {
    static let magic: UInt16 = 0xeb9f
    static let headerFields = [
        "magic", "version", "flags", "hdr_len", "type_off", "type_len", "str_off", "str_len",
    ]

    static func parse(_ blob: UnsafeRawBufferPointer) throws -> BTF {
        var cursor = ByteCursor(blob)
        guard let rawMagic = cursor.peekInteger(at: 0, as: UInt16.self) else {
            throw BTFError(offset: 0, field: "magic", message: "blob has \(blob.count) bytes, too short for a header")
        }
        if rawMagic == magic.byteSwapped {
            cursor.endianness = .big
        } else if rawMagic != magic {
            throw BTFError(
                offset: 0, field: "magic",
                message: "0x\(String(rawMagic, radix: 16)) is not BTF's 0xeb9f")
        }
        do {
            _ = try cursor.expectInteger("magic", as: UInt16.self)
            let version = try cursor.expectInteger("version", as: UInt8.self)
            guard version == 1 else {
                throw BTFError(offset: 2, field: "version", message: "version \(version), only 1 is known")
            }
            _ = try cursor.expectInteger("flags", as: UInt8.self)
            let headerLength = Int(try cursor.expectInteger("hdr_len", as: UInt32.self))
            let typeOffset = Int(try cursor.expectInteger("type_off", as: UInt32.self))
            let typeLength = Int(try cursor.expectInteger("type_len", as: UInt32.self))
            let stringOffset = Int(try cursor.expectInteger("str_off", as: UInt32.self))
            let stringLength = Int(try cursor.expectInteger("str_len", as: UInt32.self))
            guard headerLength >= 24, headerLength <= blob.count else {
                throw BTFError(offset: 4, field: "hdr_len", message: "\(headerLength) is outside 24…\(blob.count)")
            }
            guard headerLength + typeOffset + typeLength <= blob.count, typeOffset % 4 == 0 else {
                throw BTFError(
                    offset: 8, field: "type_off/type_len",
                    message: "type section \(typeOffset)+\(typeLength) runs past the \(blob.count)-byte blob")
            }
            guard headerLength + stringOffset + stringLength <= blob.count else {
                throw BTFError(
                    offset: 16, field: "str_off/str_len",
                    message: "string section \(stringOffset)+\(stringLength) runs past the \(blob.count)-byte blob")
            }
            let stringStart = headerLength + stringOffset
            let strings = Array(blob[stringStart..<(stringStart + stringLength)])
            let typeStart = headerLength + typeOffset
            let types = try parseTypes(
                cursor: cursor, from: typeStart, to: typeStart + typeLength, stringLength: stringLength)
            return BTF(types: types, strings: strings)
        } catch let error as ByteCursorError {
            throw BTFError(
                offset: error.offset, field: error.field,
                message: "needs \(error.needed) bytes, \(error.available) left")
        }
    }

    /// Decodes the type section; `types[0]` is `void`.
    static func parseTypes(cursor: ByteCursor, from start: Int, to end: Int, stringLength: Int) throws -> [BTFType] {
        var cursor = cursor
        cursor.position = start
        var types = [BTFType(kind: .unknown, nameOffset: 0, kindFlag: false, vlen: 0, sizeOrType: 0)]
        func checkName(_ offset: UInt32, _ field: @autoclosure () -> String, at position: Int) throws {
            guard Int(offset) < max(stringLength, 1) else {
                throw BTFError(
                    offset: position, field: field(),
                    message: "name offset \(offset) is past the \(stringLength)-byte string section")
            }
        }
        // Every read below is inside a record whose length was checked against `end` first, so
        // it cannot run short; field names are built only for errors (building them for each of
        // a kernel's half a million fields cost more than the parse).
        func next32() -> UInt32 { cursor.readInteger(as: UInt32.self) ?? 0 }
        while cursor.position < end {
            guard types.count <= BTFLimits.maxTypes else {
                throw BTFError(
                    offset: cursor.position, field: "type \(types.count)",
                    message: "more than \(BTFLimits.maxTypes) types")
            }
            let recordStart = cursor.position
            let id = types.count
            guard end - recordStart >= 12 else {
                throw BTFError(
                    offset: recordStart, field: "type \(id)",
                    message: "a type record needs 12 bytes, the type section has \(end - recordStart) left")
            }
            let nameOffset = next32()
            let info = next32()
            let sizeOrType = next32()
            try checkName(nameOffset, "type \(id) name_off", at: recordStart)
            let rawKind = UInt8((info >> 24) & 0x1f)
            guard let kind = BTFKind(rawValue: rawKind), kind != .unknown else {
                throw BTFError(offset: recordStart + 4, field: "type \(id) info", message: "kind \(rawKind) is unknown")
            }
            let vlen = Int(info & 0xffff)
            var type = BTFType(
                kind: kind, nameOffset: nameOffset, kindFlag: info >> 31 != 0, vlen: kind == .function ? 0 : vlen,
                sizeOrType: sizeOrType)
            let trailing = kind.trailingBytes(vlen: vlen)
            guard trailing <= end - cursor.position else {
                throw BTFError(
                    offset: cursor.position, field: "type \(id) data",
                    message:
                        "\(kind) with vlen \(vlen) needs \(trailing) bytes, the type section has \(end - cursor.position) left"
                )
            }
            switch kind {
            case .int:
                let encoding = next32()
                type.intEncoding = UInt8((encoding >> 24) & 0x0f)
                type.intBitOffset = UInt8((encoding >> 16) & 0xff)
                type.intBits = UInt8(encoding & 0xff)
            case .array:
                type.arrayElement = next32()
                type.arrayIndex = next32()
                type.arrayCount = next32()
            case .structure, .union:
                type.members.reserveCapacity(vlen)
                for index in 0..<vlen {
                    let memberStart = cursor.position
                    let name = next32()
                    let memberType = next32()
                    let offset = next32()
                    try checkName(name, "type \(id) member \(index) name_off", at: memberStart)
                    type.members.append(
                        BTFType.Member(
                            nameOffset: name, type: memberType,
                            bitOffset: type.kindFlag ? offset & 0xff_ffff : offset,
                            bitfieldSize: type.kindFlag ? offset >> 24 : 0))
                }
            case .enumeration:
                for _ in 0..<vlen {
                    let name = next32()
                    let value = next32()
                    // kind_flag set: the enum is signed (6.0+); before, values were always signed.
                    let signed = Int64(Int32(bitPattern: value))
                    type.enumerators.append(
                        BTFType.Enumerator(
                            nameOffset: name, value: type.kindFlag || signed >= 0 ? signed : Int64(value)))
                }
            case .enumeration64:
                for _ in 0..<vlen {
                    let name = next32()
                    let low = next32()
                    let high = next32()
                    type.enumerators.append(
                        BTFType.Enumerator(
                            nameOffset: name, value: Int64(bitPattern: UInt64(high) << 32 | UInt64(low))))
                }
            case .functionPrototype:
                for _ in 0..<vlen {
                    let name = next32()
                    let paramType = next32()
                    type.parameters.append(BTFType.Parameter(nameOffset: name, type: paramType))
                }
            case .variable:
                type.linkage = next32()
            case .dataSection:
                for _ in 0..<vlen {
                    let varType = next32()
                    let offset = next32()
                    let size = next32()
                    type.sectionVariables.append(BTFType.SectionVariable(type: varType, offset: offset, size: size))
                }
            case .declarationTag:
                type.componentIndex = Int32(bitPattern: next32())
            case .function:
                type.linkage = UInt32(vlen)
            case .unknown, .pointer, .forward, .typedef, .volatile, .const, .restrict, .float, .typeTag:
                break
            }
            types.append(type)
        }
        return types
    }
}
