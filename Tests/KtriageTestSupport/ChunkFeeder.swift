/// Feeds the same bytes to a chunked consumer in several ways (NIO's drip-feed idea): whole, one
/// byte at a time, and in odd-sized pieces. A correct streaming parser gives identical output for
/// every way.
public enum ChunkFeeder {
    /// The chunk sizes used: whole input, 1 byte, and a few odd sizes.
    public static let sizes = [Int.max, 1, 2, 3, 7, 64, 4093]

    /// Calls `feed` with successive chunks of `bytes`, each at most `size` long.
    public static func feed(_ bytes: [UInt8], chunkSize size: Int, _ feed: (UnsafeRawBufferPointer) -> Void) {
        bytes.withUnsafeBytes { raw in
            var start = 0
            while start < raw.count {
                let end = size >= raw.count - start ? raw.count : start + size
                feed(UnsafeRawBufferPointer(rebasing: raw[start..<end]))
                start = end
            }
        }
    }
}
