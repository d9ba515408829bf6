internal import CKtriageLzo
internal import CKtriageSnappy
internal import CKtriageZstd

/// Decompresses single pages, never writing past the output buffer.
///
/// The only place in ktriage that calls the LZO, snappy and zstd decompressors (zlib goes through
/// `Inflater`). Every method is bounded by the output buffer: input that would decompress to more
/// (a decompression bomb) is an error, not a larger allocation. Keeps one zstd context for reuse,
/// and one zlib state for reuse, so an instance is for one thread at a time.
/// The corresponding C calls are `lzo1x_decompress_safe`, `snappy_uncompressed_length`,
/// `snappy_uncompress`, `ZSTD_decompressDCtx`.
public final class PageDecompressor {
    private var zstdContext: OpaquePointer?
    /// One zlib state for every page, reset between them.
    private var zlibInflater: Inflater?

    /// Creates a decompressor; the zstd context is made on first use.
    public init() {}

    deinit {
        if let zstdContext { ZSTD_freeDCtx(zstdContext) }
    }

    /// Decompresses one complete compressed page into `output`.
    ///
    /// - Returns: the number of bytes produced (at most `output.count`; callers check it is the
    ///   page size).
    /// - Throws: `PageCodecError` when the data is corrupt or truncated, or would decompress past
    ///   `output.count` bytes.
    public func decompress(
        _ codec: PageCodec, _ input: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer
    ) throws(PageCodecError) -> Int {
        guard let source = input.baseAddress, input.count > 0 else {
            throw PageCodecError(codec: codec, code: 0, message: "no compressed data")
        }
        guard let target = output.baseAddress, output.count > 0 else {
            throw PageCodecError(codec: codec, code: 0, message: "no room for the output")
        }
        switch codec {
        case .zlib:
            do {
                let inflater: Inflater
                if let reused = zlibInflater {
                    inflater = reused
                } else {
                    inflater = try Inflater(.zlib)
                    zlibInflater = inflater
                }
                return try inflater.inflateWhole(input, into: output)
            } catch {
                throw PageCodecError(codec: .zlib, code: Int(error.code), message: error.message)
            }
        case .lzo:
            return try decompressLZO(source, input.count, into: target, capacity: output.count)
        case .snappy:
            return try decompressSnappy(source, input.count, into: target, capacity: output.count)
        case .zstd:
            return try decompressZstd(source, input.count, into: target, capacity: output.count)
        }
    }

    /// lzo's global self-check (`lzo_init`), run once per process before the first LZO call.
    private static let lzoInitResult: Int32 = cktriage_lzo_init()

    private func decompressLZO(
        _ source: UnsafeRawPointer, _ count: Int, into target: UnsafeMutableRawPointer, capacity: Int
    ) throws(PageCodecError) -> Int {
        guard Self.lzoInitResult == LZO_E_OK else {
            throw PageCodecError(codec: .lzo, code: Int(Self.lzoInitResult), message: "lzo_init failed")
        }
        var produced = lzo_uint(capacity)
        // The `_safe` decoder checks every read and write against the two lengths; no work memory.
        let result = lzo1x_decompress_safe(
            source.assumingMemoryBound(to: UInt8.self), lzo_uint(count),
            target.assumingMemoryBound(to: UInt8.self), &produced, nil)
        switch result {
        case LZO_E_OK:
            return Int(produced)
        case LZO_E_OUTPUT_OVERRUN:
            throw PageCodecError(codec: .lzo, code: Int(result), message: "decompresses past \(capacity) bytes")
        case LZO_E_INPUT_OVERRUN:
            throw PageCodecError(codec: .lzo, code: Int(result), message: "compressed data ends early")
        case LZO_E_INPUT_NOT_CONSUMED:
            throw PageCodecError(
                codec: .lzo, code: Int(result), message: "bytes left over after the end of the stream")
        case LZO_E_LOOKBEHIND_OVERRUN:
            throw PageCodecError(codec: .lzo, code: Int(result), message: "match refers before the start")
        default:
            throw PageCodecError(codec: .lzo, code: Int(result), message: "corrupt data")
        }
    }

    private func decompressSnappy(
        _ source: UnsafeRawPointer, _ count: Int, into target: UnsafeMutableRawPointer, capacity: Int
    ) throws(PageCodecError) -> Int {
        let input = source.assumingMemoryBound(to: CChar.self)
        // The stream starts with its uncompressed length: refuse a bomb before decoding.
        var announced = 0
        let lengthStatus = snappy_uncompressed_length(input, count, &announced)
        guard lengthStatus == SNAPPY_OK else {
            throw PageCodecError(
                codec: .snappy, code: Int(lengthStatus.rawValue), message: "no valid uncompressed length")
        }
        guard announced <= capacity else {
            throw PageCodecError(
                codec: .snappy, code: Int(SNAPPY_BUFFER_TOO_SMALL.rawValue),
                message: "decompresses past \(capacity) bytes (announces \(announced))")
        }
        var produced = capacity
        let status = snappy_uncompress(input, count, target.assumingMemoryBound(to: CChar.self), &produced)
        guard status == SNAPPY_OK else {
            throw PageCodecError(codec: .snappy, code: Int(status.rawValue), message: "corrupt or truncated data")
        }
        return produced
    }

    private func decompressZstd(
        _ source: UnsafeRawPointer, _ count: Int, into target: UnsafeMutableRawPointer, capacity: Int
    ) throws(PageCodecError) -> Int {
        if zstdContext == nil { zstdContext = ZSTD_createDCtx() }
        guard let context = zstdContext else {
            throw PageCodecError(codec: .zstd, code: 0, message: "ZSTD_createDCtx failed")
        }
        // Decodes straight into `target`; a frame that needs more room fails with dstSize_tooSmall.
        let result = ZSTD_decompressDCtx(context, target, capacity, source, count)
        guard ZSTD_isError(result) == 0 else {
            let code = ZSTD_getErrorCode(result)
            let name = String(cString: ZSTD_getErrorName(result))
            if code == ZSTD_error_dstSize_tooSmall {
                throw PageCodecError(
                    codec: .zstd, code: Int(code.rawValue), message: "decompresses past \(capacity) bytes (\(name))")
            }
            throw PageCodecError(codec: .zstd, code: Int(code.rawValue), message: name)
        }
        return result
    }
}
