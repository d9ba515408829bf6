/// makedumpfile's flattened stream, taken apart and put back together so that the mutator can
/// change the dump inside it: a 4096-byte header (`makedumpfile`, type and version as big-endian
/// 64-bit numbers at 16 and 24), then records of (offset, size) big-endian and `size` bytes,
/// ending with (-1, -1). Same layout as `FlattenedIndex` in KernelDump.
enum FlattenedStream {
    static let headerSize = 4096
    /// The largest dump rebuilt from a stream (mutated offsets may point far away).
    static let maxImage = 1 << 20

    /// The record headers: their offsets in the stream.
    static func records(_ stream: DumpImage) -> [Int] {
        var positions: [Int] = []
        var position = headerSize
        while positions.count < 1024, let offset = stream.read(position, width: 8, bigEndian: true),
            let size = stream.read(position + 8, width: 8, bigEndian: true)
        {
            positions.append(position)
            guard offset != ~0, size <= UInt64(stream.bytes.count) else { break }
            position += 16 + Int(size)
        }
        return positions
    }

    /// The header fields and every record's offset and size.
    static func fields(_ stream: DumpImage) -> [DumpImage.Field] {
        [.init(offset: 16, width: 8, bigEndian: true), .init(offset: 24, width: 8, bigEndian: true)]
            + records(stream).flatMap {
                [
                    DumpImage.Field(offset: $0, width: 8, bigEndian: true),
                    .init(offset: $0 + 8, width: 8, bigEndian: true),
                ]
            }
    }

    /// The dump the records rebuild, or nil when they do not describe one of reasonable size.
    static func unflatten(_ stream: DumpImage) -> DumpImage? {
        var image: [UInt8] = []
        for position in records(stream) {
            guard let offset = stream.read(position, width: 8, bigEndian: true),
                let size = stream.read(position + 8, width: 8, bigEndian: true), offset != ~0
            else { break }
            guard offset < UInt64(maxImage), size < UInt64(maxImage), position + 16 + Int(size) <= stream.bytes.count
            else { return nil }
            let end = Int(offset) + Int(size)
            if end > image.count { image += [UInt8](repeating: 0, count: end - image.count) }
            image.replaceSubrange(Int(offset)..<end, with: stream.bytes[(position + 16)..<(position + 16 + Int(size))])
        }
        return image.isEmpty ? nil : DumpImage(bytes: image)
    }

    /// `image` as a stream with the header of `original`, in records of `chunk` bytes with the
    /// first one written last (as QEMU writes the dump header after the pages).
    static func flatten(_ image: DumpImage, header original: DumpImage, chunk: Int) -> DumpImage {
        var stream = DumpImage(bytes: Array(original.bytes.prefix(headerSize)))
        stream.bytes += [UInt8](repeating: 0, count: headerSize - stream.bytes.count)
        var starts = Array(stride(from: 0, to: image.bytes.count, by: chunk))
        if let first = starts.first { starts.removeFirst(); starts.append(first) }
        for start in starts {
            let end = min(start + chunk, image.bytes.count)
            appendRecord(&stream, offset: UInt64(start), size: UInt64(end - start))
            stream.bytes += image.bytes[start..<end]
        }
        appendRecord(&stream, offset: ~0, size: ~0)
        return stream
    }

    /// `image` in the records of `original` (same offsets, sizes and order), then records of
    /// `chunk` bytes for what the image has grown past the original's last byte.
    static func flatten(_ image: DumpImage, like original: DumpImage, chunk: Int) -> DumpImage {
        var stream = DumpImage(bytes: Array(original.bytes.prefix(headerSize)))
        stream.bytes += [UInt8](repeating: 0, count: headerSize - stream.bytes.count)
        var end = 0
        for position in records(original) {
            guard let offset = original.read(position, width: 8, bigEndian: true),
                let size = original.read(position + 8, width: 8, bigEndian: true), offset != ~0,
                offset < UInt64(image.bytes.count), size <= UInt64(image.bytes.count) - offset
            else { break }
            appendRecord(&stream, offset: offset, size: size)
            stream.bytes += image.bytes[Int(offset)..<Int(offset + size)]
            end = max(end, Int(offset + size))
        }
        for start in stride(from: end, to: image.bytes.count, by: chunk) {
            let stop = min(start + chunk, image.bytes.count)
            appendRecord(&stream, offset: UInt64(start), size: UInt64(stop - start))
            stream.bytes += image.bytes[start..<stop]
        }
        appendRecord(&stream, offset: ~0, size: ~0)
        return stream
    }

    private static func appendRecord(_ stream: inout DumpImage, offset: UInt64, size: UInt64) {
        let at = stream.bytes.count
        stream.bytes += [UInt8](repeating: 0, count: 16)
        stream.write(offset, at: at, width: 8, bigEndian: true)
        stream.write(size, at: at + 8, width: 8, bigEndian: true)
    }
}
