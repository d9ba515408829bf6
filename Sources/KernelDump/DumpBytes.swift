import KtriageBytes

/// The bytes of a dump container, addressed by offsets in the (logical) dump image.
///
/// For an ordinary file the logical image is the file. For a makedumpfile flattened stream it is
/// the seekable file that `makedumpfile -R` would rebuild: reads are served in place from the
/// stream's records through `FlattenedIndex`, nothing is rewritten to disk.
final class DumpBytes: @unchecked Sendable {
    let file: MappedFile
    let flattened: FlattenedIndex?

    init(file: MappedFile, flattened: FlattenedIndex?) {
        self.file = file
        self.flattened = flattened
    }

    var path: String { file.path }

    /// Size of the logical image (for a flattened stream: the end of its furthest record).
    var size: UInt64 {
        if let flattened { return flattened.logicalSize }
        return UInt64(file.bytes.count)
    }

    /// Whether all of `offset ..< offset + count` is present.
    func contains(_ offset: UInt64, count: Int) -> Bool {
        guard count >= 0 else { return false }
        let (end, overflow) = offset.addingReportingOverflow(UInt64(count))
        guard !overflow, end <= size else { return false }
        if let flattened { return flattened.covers(offset, count: count) }
        return true
    }

    /// The file offset that holds logical byte `offset` (for error messages).
    func fileOffset(of offset: UInt64) -> UInt64 {
        flattened?.fileOffset(of: offset) ?? offset
    }

    /// Copies `count` bytes at logical `offset`.
    /// - Throws: `VmcoreError` naming `field` when the range is not (completely) in the file.
    func read(at offset: UInt64, count: Int, field: String) throws -> [UInt8] {
        guard count >= 0, count <= VmcoreLimits.maxReadBytes else {
            throw VmcoreError(
                path: path, offset: fileOffset(of: offset), field: field,
                message: "size \(count) is out of range")
        }
        var result = [UInt8](repeating: 0, count: count)
        let ok = result.withUnsafeMutableBytes { copy(at: offset, into: $0) }
        guard ok else {
            throw VmcoreError(
                path: path, offset: fileOffset(of: offset), field: field,
                message:
                    "needs \(count) bytes at logical offset \(offset), the file (\(size) bytes) ends or has a hole there"
            )
        }
        return result
    }

    /// Copies into `buffer`; `false` if any byte is missing.
    func copy(at offset: UInt64, into buffer: UnsafeMutableRawBufferPointer) -> Bool {
        guard contains(offset, count: buffer.count) else { return false }
        if let flattened { return flattened.copy(from: file.bytes, at: offset, into: buffer) }
        guard let base = buffer.baseAddress, buffer.count > 0 else { return true }
        guard let source = file.bytes.baseAddress else { return false }
        base.copyMemory(from: source + Int(offset), byteCount: buffer.count)
        return true
    }

    /// Zero-copy access when the range is contiguous in the mapped file (always, for plain files).
    func contiguous(at offset: UInt64, count: Int) -> UnsafeRawBufferPointer? {
        guard contains(offset, count: count) else { return nil }
        if let flattened {
            guard let fileStart = flattened.contiguousFileOffset(offset, count: count) else { return nil }
            return UnsafeRawBufferPointer(rebasing: file.bytes[Int(fileStart)..<(Int(fileStart) + count)])
        }
        return UnsafeRawBufferPointer(rebasing: file.bytes[Int(offset)..<(Int(offset) + count)])
    }
}
