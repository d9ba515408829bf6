/// The grouping key of a record: FNV-1a-64 of the normalised title, as 16 hex digits.
///
/// The title is already free of addresses, numbers and offsets, so the key is the same for the
/// same bug on other builds and hosts. Bump `version` whenever titles or this hash change.
public enum CrashSignature {
    public static let version = 1

    public static func of(title: String) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in "v\(version):".utf8 { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3 }
        for byte in title.utf8 { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3 }
        let hex = String(hash, radix: 16)
        return String(repeating: "0", count: max(0, 16 - hex.count)) + hex
    }
}
