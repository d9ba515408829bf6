internal import CKtriageLzo
internal import CKtriageSnappy
internal import CKtriageZlib
internal import CKtriageZstd

/// Compresses pages the way makedumpfile does, for the test writers and fuzz seeds that build
/// kdump-compressed dumps of every codec (ktriage itself only reads dumps).
///
/// The only place in ktriage that calls the compressors. The corresponding C calls are
/// `compress2` (level 1, `Z_BEST_SPEED`, as makedumpfile), `lzo1x_1_compress`, `snappy_compress`
/// and `ZSTD_compress` (level 1, as makedumpfile's `ZSTD_compressCCtx(…, 1)`).
public enum PageCompressor {
    /// `data` compressed with `codec`.
    /// - Throws: `PageCodecError` if the library fails (out of memory).
    public static func compress(_ codec: PageCodec, _ data: [UInt8]) throws(PageCodecError) -> [UInt8] {
        switch codec {
        case .zlib: return try compressZlib(data)
        case .lzo: return try compressLZO(data)
        case .snappy: return try compressSnappy(data)
        case .zstd: return try compressZstd(data)
        }
    }

    private static func compressZlib(_ data: [UInt8]) throws(PageCodecError) -> [UInt8] {
        var output = [UInt8](repeating: 0, count: Int(compressBound(uLong(data.count))))
        var produced = uLong(output.count)
        let result = output.withUnsafeMutableBufferPointer { target in
            data.withUnsafeBufferPointer { source in
                compress2(target.baseAddress, &produced, source.baseAddress, uLong(source.count), Z_BEST_SPEED)
            }
        }
        guard result == Z_OK else { throw PageCodecError(codec: .zlib, code: Int(result), message: "compress2 failed") }
        return Array(output.prefix(Int(produced)))
    }

    private static func compressLZO(_ data: [UInt8]) throws(PageCodecError) -> [UInt8] {
        let initResult = cktriage_lzo_init()
        guard initResult == LZO_E_OK else {
            throw PageCodecError(codec: .lzo, code: Int(initResult), message: "lzo_init failed")
        }
        // LZO's documented worst case: input + input/16 + 64 + 3.
        var output = [UInt8](repeating: 0, count: data.count + data.count / 16 + 64 + 3)
        var workMemory = [UInt8](repeating: 0, count: Int(cktriage_lzo1x_1_mem_compress()))
        var produced = lzo_uint(output.count)
        let result = output.withUnsafeMutableBufferPointer { target in
            data.withUnsafeBufferPointer { source in
                workMemory.withUnsafeMutableBytes { work in
                    lzo1x_1_compress(
                        source.baseAddress, lzo_uint(source.count), target.baseAddress, &produced,
                        work.baseAddress)
                }
            }
        }
        guard result == LZO_E_OK else {
            throw PageCodecError(codec: .lzo, code: Int(result), message: "lzo1x_1_compress failed")
        }
        return Array(output.prefix(Int(produced)))
    }

    private static func compressSnappy(_ data: [UInt8]) throws(PageCodecError) -> [UInt8] {
        var output = [UInt8](repeating: 0, count: snappy_max_compressed_length(data.count))
        var produced = output.count
        let status = output.withUnsafeMutableBytes { target in
            data.withUnsafeBytes { source in
                snappy_compress(
                    source.baseAddress?.assumingMemoryBound(to: CChar.self), source.count,
                    target.baseAddress?.assumingMemoryBound(to: CChar.self), &produced)
            }
        }
        guard status == SNAPPY_OK else {
            throw PageCodecError(codec: .snappy, code: Int(status.rawValue), message: "snappy_compress failed")
        }
        return Array(output.prefix(produced))
    }

    private static func compressZstd(_ data: [UInt8]) throws(PageCodecError) -> [UInt8] {
        var output = [UInt8](repeating: 0, count: ZSTD_compressBound(data.count))
        let result = output.withUnsafeMutableBytes { target in
            data.withUnsafeBytes { source in
                ZSTD_compress(target.baseAddress, target.count, source.baseAddress, source.count, 1)
            }
        }
        guard ZSTD_isError(result) == 0 else {
            throw PageCodecError(
                codec: .zstd, code: Int(ZSTD_getErrorCode(result).rawValue),
                message: String(cString: ZSTD_getErrorName(result)))
        }
        return Array(output.prefix(result))
    }
}
