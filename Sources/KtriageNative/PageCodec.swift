/// A page compression method of kdump-compressed dumps.
public enum PageCodec: String, Sendable, CaseIterable, Codable {
    /// zlib stream (makedumpfile `-c`, QEMU `kdump-zlib`).
    case zlib
    /// LZO1X (makedumpfile `-l`, QEMU `kdump-lzo`; what RHEL's kdump writes).
    case lzo
    /// Raw snappy, not the framing format (makedumpfile `-p`, QEMU `kdump-snappy`).
    case snappy
    /// One or more zstd frames (makedumpfile `-z`, 1.7.0+).
    case zstd
}

/// A page that cannot be decompressed, keeping the library's own return code so unknown codes
/// survive (lzo `LZO_E_*`, `snappy_status`, `ZSTD_ErrorCode`, zlib `Z_*`).
public struct PageCodecError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The compression method.
    public var codec: PageCodec
    /// The library's return or error code (0 when the problem was found before calling it).
    public var code: Int
    /// What went wrong, in words.
    public var message: String

    public var description: String { "\(message) (\(codec.rawValue) code \(code))" }
}
