/// A BTF type kind: bits 24–28 of `btf_type.info` (kernel `include/uapi/linux/btf.h`,
/// `Documentation/bpf/btf.rst`, 6.1). Each kind says how many bytes follow the 12-byte
/// `btf_type` record (`trailingBytes(vlen:)`).
public enum BTFKind: UInt8, Sendable, CaseIterable {
    case unknown = 0
    case int = 1
    case pointer = 2
    case array = 3
    case structure = 4
    case union = 5
    case enumeration = 6
    case forward = 7
    case typedef = 8
    case volatile = 9
    case const = 10
    case restrict = 11
    case function = 12
    case functionPrototype = 13
    case variable = 14
    case dataSection = 15
    /// 5.13+.
    case float = 16
    /// 5.16+.
    case declarationTag = 17
    /// 5.17+.
    case typeTag = 18
    /// 6.0+.
    case enumeration64 = 19

    /// Bytes after the `btf_type` record: one `u32` for INT, `btf_array` (12) for ARRAY,
    /// `vlen` × `btf_member` (12) for STRUCT/UNION, `vlen` × `btf_enum` (8) for ENUM,
    /// `vlen` × `btf_param` (8) for FUNC_PROTO, `btf_var` (4) for VAR, `vlen` ×
    /// `btf_var_secinfo` (12) for DATASEC, `btf_decl_tag` (4) for DECL_TAG, `vlen` ×
    /// `btf_enum64` (12) for ENUM64; nothing for the others.
    func trailingBytes(vlen: Int) -> Int {
        switch self {
        case .int, .variable, .declarationTag: return 4
        case .array: return 12
        case .structure, .union, .dataSection, .enumeration64: return 12 * vlen
        case .enumeration, .functionPrototype: return 8 * vlen
        case .unknown, .pointer, .forward, .typedef, .volatile, .const, .restrict, .function, .float, .typeTag:
            return 0
        }
    }

    /// Kinds whose `size_type` field is a size in bytes (the others refer to another type).
    var hasSize: Bool {
        switch self {
        case .int, .structure, .union, .enumeration, .enumeration64, .float, .dataSection: return true
        default: return false
        }
    }

    /// Qualifiers and aliases that name another type without changing its layout.
    var isAlias: Bool {
        switch self {
        case .typedef, .volatile, .const, .restrict, .typeTag: return true
        default: return false
        }
    }
}
