import KtriageTestSupport

@testable import KernelDump

/// Builds a BTF blob type by type (kernel `Documentation/bpf/btf.rst`), for parser tests that
/// need no dump.
struct BTFBlobBuilder {
    var types = ByteBuilder()
    var strings: [UInt8] = [0]
    var bigEndian = false

    /// Adds `name` to the string section; 0 for anonymous.
    mutating func name(_ text: String) -> UInt32 {
        guard !text.isEmpty else { return 0 }
        let offset = UInt32(strings.count)
        strings += Array(text.utf8) + [0]
        return offset
    }

    /// Appends a `btf_type` header: `info` packs vlen, kind and kind_flag.
    mutating func type(_ name: String, _ kind: BTFKind, vlen: Int = 0, kindFlag: Bool = false, sizeOrType: UInt32) {
        let nameOffset = self.name(name)
        types.put(nameOffset)
        types.put(UInt32(vlen) | UInt32(kind.rawValue) << 24 | (kindFlag ? 1 << 31 : 0))
        types.put(sizeOrType)
    }

    mutating func words(_ values: UInt32...) {
        for value in values { types.put(value) }
    }

    /// The blob: 24-byte header, types, strings.
    func blob(typeLengthOverride: Int? = nil, magic: UInt16 = 0xeb9f) -> [UInt8] {
        var out = ByteBuilder(bigEndian: bigEndian)
        out.put(magic)
        out.put(UInt8(1))
        out.put(UInt8(0))
        out.put(UInt32(24))
        out.put(UInt32(0))
        out.put(UInt32(typeLengthOverride ?? types.count))
        out.put(UInt32(types.count))
        out.put(UInt32(strings.count))
        out.put(types.bytes)
        out.put(strings)
        return out.bytes
    }
}
