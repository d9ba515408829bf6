#if canImport(Glibc)
    import Glibc
#endif

/// zlib's `compress2` and `uncompress`, looked up at run time in the `libz.so.1` the dump reader
/// already links (no C module in the fuzz package): the mutator changes a word of a zlib page
/// and stores the page compressed again, so a dump of 64 KiB blocks (QEMU) stays small.
enum ZlibPage {
    private typealias Compress =
        @convention(c) (
            UnsafeMutablePointer<UInt8>?, UnsafeMutablePointer<UInt>?, UnsafePointer<UInt8>?, UInt, Int32
        ) -> Int32
    private typealias Uncompress =
        @convention(c) (
            UnsafeMutablePointer<UInt8>?, UnsafeMutablePointer<UInt>?, UnsafePointer<UInt8>?, UInt
        ) -> Int32

    nonisolated(unsafe) private static let library = dlopen("libz.so.1", RTLD_NOW)
    private static let compress2 = library.flatMap { dlsym($0, "compress2") }.map {
        unsafeBitCast($0, to: Compress.self)
    }
    private static let uncompress = library.flatMap { dlsym($0, "uncompress") }.map {
        unsafeBitCast($0, to: Uncompress.self)
    }

    /// The `size`-byte page `stream` holds, or nil when it does not inflate to exactly that.
    static func inflate(_ stream: ArraySlice<UInt8>, size: Int) -> [UInt8]? {
        guard let uncompress else { return nil }
        var page = [UInt8](repeating: 0, count: size)
        var length = UInt(size)
        let source = Array(stream)
        let status = page.withUnsafeMutableBufferPointer { out in
            source.withUnsafeBufferPointer { uncompress(out.baseAddress, &length, $0.baseAddress, UInt($0.count)) }
        }
        return status == 0 && length == UInt(size) ? page : nil
    }

    /// `page` compressed (level 1, as fast as makedumpfile's default).
    static func deflate(_ page: [UInt8]) -> [UInt8]? {
        guard let compress2 else { return nil }
        var out = [UInt8](repeating: 0, count: page.count + page.count / 100 + 64)
        var length = UInt(out.count)
        let status = out.withUnsafeMutableBufferPointer { buffer in
            page.withUnsafeBufferPointer { compress2(buffer.baseAddress, &length, $0.baseAddress, UInt($0.count), 1) }
        }
        return status == 0 ? Array(out.prefix(Int(length))) : nil
    }
}
