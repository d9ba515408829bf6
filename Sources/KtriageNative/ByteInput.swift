import KtriageBytes

#if canImport(Glibc)
    @preconcurrency import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// One input as a stream of byte chunks: a regular file (mmap, one chunk), a pipe or stdin
/// (`read(2)` in 1 MiB chunks), either of them gzip-compressed (detected by magic and inflated
/// through zlib in bounded pieces, never whole).
public final class ByteInput {
    /// Size of the chunks read from pipes and produced by gzip inflation.
    public static let chunkSize = 1 << 20
    /// Size of the windows in which a mapped file is handed out.
    public static let mappedWindow = 64 << 20

    /// The path as given (`-` for stdin).
    public let path: String
    /// The input starts with the gzip magic (`1f 8b`).
    public let isGzip: Bool
    /// The mapping, when the input is a regular file.
    public let mappedFile: MappedFile?

    private let fd: Int32
    private let ownsDescriptor: Bool
    /// Bytes already read from a pipe to sniff the magic; replayed first.
    private var pending: [UInt8]
    private var consumed = false

    /// Opens `path`, or standard input for `-`.
    /// - Throws: `InputError` when the file cannot be opened or read.
    public init(path: String) throws(InputError) {
        self.path = path
        var descriptor: Int32 = 0
        if path == "-" {
            descriptor = 0
            ownsDescriptor = false
        } else {
            descriptor = open(path, O_RDONLY | O_CLOEXEC)
            guard descriptor >= 0 else { throw InputError.system(path: path, operation: "open", errno: errno) }
            ownsDescriptor = true
        }
        var info = stat()
        guard fstat(descriptor, &info) == 0 else {
            let code = errno
            if ownsDescriptor { close(descriptor) }
            throw InputError.system(path: path, operation: "stat", errno: code)
        }
        if (info.st_mode & S_IFMT) == S_IFDIR {
            if ownsDescriptor { close(descriptor) }
            throw InputError(path: path, offset: nil, message: "is a directory")
        }
        fd = descriptor
        if (info.st_mode & S_IFMT) == S_IFREG && path != "-" {
            let mapped: MappedFile
            do { mapped = try MappedFile(path: path) } catch {
                if ownsDescriptor { close(descriptor) }
                throw error
            }
            mappedFile = mapped
            pending = []
            isGzip = mapped.bytes.count >= 2 && mapped.bytes[0] == 0x1F && mapped.bytes[1] == 0x8B
        } else {
            mappedFile = nil
            var head: [UInt8] = []
            do { head = try ByteInput.readSome(fd: descriptor, path: path, count: ByteInput.chunkSize) } catch {
                if ownsDescriptor { close(descriptor) }
                throw error
            }
            pending = head
            isGzip = head.count >= 2 && head[0] == 0x1F && head[1] == 0x8B
        }
    }

    deinit {
        if ownsDescriptor { close(fd) }
    }

    /// The first bytes of the raw (still compressed, if gzip) input, for format sniffing.
    public var rawHead: UnsafeRawBufferPointer? {
        if let mappedFile { return UnsafeRawBufferPointer(rebasing: mappedFile.bytes.prefix(4096)) }
        return nil
    }

    /// Calls `body` with successive chunks of the (decompressed) content.
    ///
    /// An input can be read once. Errors raised by `body` propagate unchanged.
    /// - Throws: `InputError` for read failures, corrupt or truncated gzip data (with the byte
    ///   offset in the compressed file), or a second read.
    public func forEachChunk(_ body: (UnsafeRawBufferPointer) throws -> Void) throws {
        guard !consumed else { throw InputError(path: path, offset: nil, message: "input already read") }
        consumed = true
        if isGzip {
            try inflateChunks(body)
        } else {
            try rawChunks(body)
        }
    }

    private func rawChunks(_ body: (UnsafeRawBufferPointer) throws -> Void) throws {
        if let mappedFile {
            // Windows of the mapping, each dropped after use: resident memory stays flat.
            var start = 0
            let total = mappedFile.bytes.count
            while start < total {
                let end = min(total, start + ByteInput.mappedWindow)
                try body(UnsafeRawBufferPointer(rebasing: mappedFile.bytes[start..<end]))
                mappedFile.dropPages(start..<end)
                start = end
            }
            if let error = mappedFile.cutShortError() { throw error }
            return
        }
        if !pending.isEmpty {
            try pending.withUnsafeBytes { try body($0) }
            pending = []
        }
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: ByteInput.chunkSize, alignment: 16)
        defer { buffer.deallocate() }
        while true {
            let count = try ByteInput.readInto(fd: fd, path: path, buffer: buffer)
            if count == 0 { return }
            try body(UnsafeRawBufferPointer(rebasing: buffer[0..<count]))
        }
    }

    private func inflateChunks(_ body: (UnsafeRawBufferPointer) throws -> Void) throws {
        let inflater: Inflater
        do { inflater = try Inflater(.gzip) } catch { throw InputError(path: path, offset: 0, message: "\(error)") }
        let output = UnsafeMutableRawBufferPointer.allocate(byteCount: ByteInput.chunkSize, alignment: 16)
        defer { output.deallocate() }
        var compressedOffset: Int64 = 0
        var streamEnded = false
        var sawMember = false

        func pump(_ input: UnsafeRawBufferPointer) throws {
            var rest = input
            while !rest.isEmpty {
                if streamEnded {
                    // Another gzip member may follow; trailing zero padding is ignored.
                    if rest.allSatisfy({ $0 == 0 }) { return }
                    do { try inflater.reset() } catch {
                        throw InputError(path: path, offset: compressedOffset, message: "gzip: \(error)")
                    }
                    streamEnded = false
                }
                let step: Inflater.Step
                do { step = try inflater.inflate(rest, into: output) } catch {
                    throw InputError(
                        path: path, offset: compressedOffset, message: "corrupt gzip data: \(error.message)")
                }
                sawMember = true
                if step.produced > 0 { try body(UnsafeRawBufferPointer(rebasing: output[0..<step.produced])) }
                compressedOffset += Int64(step.consumed)
                rest = UnsafeRawBufferPointer(rebasing: rest[step.consumed...])
                if step.streamEnded { streamEnded = true }
                if step.consumed == 0 && step.produced == 0 && !step.streamEnded { break }
            }
            // Drain output that zlib still holds for the consumed input.
            while !streamEnded {
                let empty = UnsafeRawBufferPointer(start: nil, count: 0)
                let step: Inflater.Step
                do { step = try inflater.inflate(empty, into: output) } catch {
                    throw InputError(
                        path: path, offset: compressedOffset, message: "corrupt gzip data: \(error.message)")
                }
                if step.produced > 0 { try body(UnsafeRawBufferPointer(rebasing: output[0..<step.produced])) }
                if step.streamEnded { streamEnded = true }
                if step.produced == 0 { break }
            }
        }

        try rawChunks { try pump($0) }
        if !streamEnded || !sawMember {
            throw InputError(
                path: path, offset: compressedOffset, message: "truncated gzip data: the stream ends early")
        }
    }

    static func readSome(fd: Int32, path: String, count: Int) throws(InputError) -> [UInt8] {
        var result = [UInt8](repeating: 0, count: count)
        var filled = 0
        while filled < count {
            let got = result.withUnsafeMutableBytes { buffer -> Int in
                guard let base = buffer.baseAddress else { return 0 }
                return read(fd, base + filled, count - filled)
            }
            if got < 0 {
                if errno == EINTR { continue }
                throw InputError.system(path: path, operation: "read", errno: errno)
            }
            if got == 0 { break }
            filled += got
        }
        result.removeSubrange(filled...)
        return result
    }

    static func readInto(fd: Int32, path: String, buffer: UnsafeMutableRawBufferPointer) throws(InputError) -> Int {
        while true {
            let got = read(fd, buffer.baseAddress, buffer.count)
            if got < 0 {
                if errno == EINTR { continue }
                throw InputError.system(path: path, operation: "read", errno: errno)
            }
            return got
        }
    }
}
