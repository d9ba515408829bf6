import KtriageNative

/// The four kdump page compressions, for tests that run the same checks over each: the header
/// and page-descriptor bit, the writer encodings, and a compressor for hand-made pages.
public enum DumpCodec: String, CaseIterable, Sendable, CustomStringConvertible {
    case zlib, lzo, snappy, zstd

    public var description: String { rawValue }

    /// The `status` / `page_desc.flags` bit (makedumpfile `DUMP_DH_COMPRESSED_*`).
    public var bit: UInt32 {
        switch self {
        case .zlib: 0x1
        case .lzo: 0x2
        case .snappy: 0x4
        case .zstd: 0x20
        }
    }

    /// The `KdumpWriter` encoding that compresses pages with this codec.
    public var encoding: KdumpWriter.PageEncoding {
        switch self {
        case .zlib: .zlib
        case .lzo: .lzo
        case .snappy: .snappy
        case .zstd: .zstd
        }
    }

    /// `data` compressed as a kdump page would be (zlib through the test `ZlibEncoder`, the
    /// others through the real libraries).
    public func compress(_ data: [UInt8]) -> [UInt8] {
        switch self {
        case .zlib: ZlibEncoder.compress(data)
        case .lzo: (try? PageCompressor.compress(.lzo, data)) ?? []
        case .snappy: (try? PageCompressor.compress(.snappy, data)) ?? []
        case .zstd: (try? PageCompressor.compress(.zstd, data)) ?? []
        }
    }
}
