internal import CKtriageZlib

/// A streaming zlib/gzip decompressor.
///
/// The only place in ktriage that calls zlib's inflate API. Input is fed in chunks and output is
/// produced in bounded pieces, so a gzip file is never fully decompressed into memory.
/// The corresponding zlib calls are `inflateInit2_`, `inflate`, `inflateReset`, `inflateEnd`.
public final class Inflater {
    /// Which container the compressed bytes are in.
    public enum Container: Sendable {
        /// A gzip member stream (RFC 1952); concatenated members are decoded one after another.
        case gzip
        /// A zlib stream (RFC 1950), as in kdump-compressed pages.
        case zlib
        /// Raw deflate (RFC 1951).
        case raw
    }

    /// Progress of one `inflate(_:into:)` call.
    public struct Step: Sendable, Equatable {
        /// Compressed bytes consumed from the input.
        public var consumed: Int
        /// Decompressed bytes written to the output.
        public var produced: Int
        /// The (last) compressed stream ended.
        public var streamEnded: Bool
    }

    private var stream = z_stream()
    private let container: Container
    private var initialised = false

    /// Creates a decompressor.
    /// - Throws: `InflateError` if zlib cannot set up its state.
    public init(_ container: Container) throws(InflateError) {
        self.container = container
        let windowBits: Int32
        switch container {
        case .gzip: windowBits = 15 + 16
        case .zlib: windowBits = 15
        case .raw: windowBits = -15
        }
        let rc = inflateInit2_(&stream, windowBits, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size))
        guard rc == Z_OK else { throw InflateError(code: rc, message: "inflateInit2 failed") }
        initialised = true
    }

    deinit {
        if initialised { inflateEnd(&stream) }
    }

    /// Total compressed bytes consumed since creation or the last `reset()`.
    public var totalIn: UInt64 { UInt64(stream.total_in) }

    /// Decompresses from `input` into `output`.
    ///
    /// Stops when the input is used up, the output is full, or the stream ends.
    /// - Throws: `InflateError` for corrupt data (`Z_DATA_ERROR`) and similar failures.
    public func inflate(
        _ input: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer
    ) throws(InflateError) -> Step {
        guard let outBase = output.baseAddress, output.count > 0 else {
            return Step(consumed: 0, produced: 0, streamEnded: false)
        }
        stream.next_in = UnsafeMutablePointer(
            mutating: input.baseAddress?.assumingMemoryBound(to: Bytef.self))
        stream.avail_in = uInt(input.count)
        stream.next_out = outBase.assumingMemoryBound(to: Bytef.self)
        stream.avail_out = uInt(output.count)
        let rc = CKtriageZlib.inflate(&stream, Z_NO_FLUSH)
        let consumed = input.count - Int(stream.avail_in)
        let produced = output.count - Int(stream.avail_out)
        stream.next_in = nil
        stream.next_out = nil
        switch rc {
        case Z_OK:
            return Step(consumed: consumed, produced: produced, streamEnded: false)
        case Z_STREAM_END:
            return Step(consumed: consumed, produced: produced, streamEnded: true)
        case Z_BUF_ERROR:
            // No progress possible: needs more input or more output space. Not an error.
            return Step(consumed: consumed, produced: produced, streamEnded: false)
        default:
            let message = stream.msg.map { String(cString: $0) } ?? "inflate failed"
            throw InflateError(code: rc, message: message)
        }
    }

    /// Prepares for a new stream (the next gzip member, the next kdump page).
    public func reset() throws(InflateError) {
        let rc = inflateReset(&stream)
        guard rc == Z_OK else { throw InflateError(code: rc, message: "inflateReset failed") }
    }

    /// Decompresses one complete zlib stream into `output` (a kdump page).
    ///
    /// - Returns: the number of bytes produced.
    /// - Throws: `InflateError` when the data is corrupt, the stream is incomplete, or it would
    ///   inflate past `output.count` bytes.
    public static func inflateWhole(
        zlib input: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer
    ) throws(InflateError) -> Int {
        try Inflater(.zlib).inflateWhole(input, into: output)
    }

    /// `inflateWhole(zlib:into:)` on this decompressor (a zlib one), reset first: a dump's pages
    /// reuse one zlib state instead of allocating and freeing one per page.
    public func inflateWhole(
        _ input: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer
    ) throws(InflateError) -> Int {
        try reset()
        let step = try inflate(input, into: output)
        guard step.streamEnded else {
            if step.produced == output.count {
                throw InflateError(code: Z_BUF_ERROR, message: "inflates past \(output.count) bytes")
            }
            throw InflateError(code: Z_BUF_ERROR, message: "compressed data ends early")
        }
        return step.produced
    }
}

/// A zlib failure, keeping zlib's own return code so unknown codes survive.
public struct InflateError: Error, Sendable, Equatable, CustomStringConvertible {
    /// zlib's return code (`Z_DATA_ERROR` is -3, `Z_BUF_ERROR` -5, `Z_MEM_ERROR` -4).
    public var code: Int32
    /// zlib's message or ours.
    public var message: String

    public var description: String { "\(message) (zlib code \(code))" }
}
