import KernelFacts
import KtriageBytes

/// An index over makedumpfile's flattened stream, so the dump can be read in place.
///
/// Format notes (makedumpfile `IMPLEMENTATION`, "The flattened format"; `makedumpfile.h`
/// `MAKEDUMPFILE_SIGNATURE`, `TYPE_FLAT_HEADER`, `VERSION_FLAT_HEADER`, `END_FLAG_FLAT_HEADER`):
/// a 4096-byte header starting with the 16-byte signature `makedumpfile` (NUL padded), then
/// big-endian `int64 type` (1) and `int64 version` (1); then records of big-endian
/// `int64 offset`, `int64 size` followed by `size` bytes that belong at `offset` of the rebuilt
/// (seekable) file; a record with offset and size −1 ends the stream. QEMU 7.2 writes every
/// `kdump-*` format this way; `makedumpfile -F` does too.
///
/// Records are kept sorted by their target offset. Overlapping records (later ones would
/// overwrite earlier ones when replayed) are rejected: neither QEMU nor makedumpfile writes them.
struct FlattenedIndex: Sendable {
    static let headerSize = 4096

    /// Target (logical) offsets, sorted.
    private var logical: [UInt64] = []
    /// Where each record's data starts in the stream.
    private var data: [UInt64] = []
    private var sizes: [UInt32] = []
    /// End of the furthest record.
    private(set) var logicalSize: UInt64 = 0
    /// The stream had no end marker (it was cut short).
    private(set) var truncated = false
    private(set) var recordCount = 0

    /// Whether `bytes` start with the flattened signature.
    static func matches(_ bytes: UnsafeRawBufferPointer) -> Bool {
        DumpMagic.isFlattened(bytes)
    }

    /// Indexes the stream.
    /// - Throws: `VmcoreError` for a bad header, a record that runs past the end (unless it is the
    ///   last one: then the stream is marked truncated), overlapping records or too many records.
    init(bytes: UnsafeRawBufferPointer, path: String) throws {
        var cursor = ByteCursor(bytes, endianness: .big)
        cursor.position = 16
        let type: Int64? = cursor.peekInteger(at: 16)
        let version: Int64? = cursor.peekInteger(at: 24)
        guard bytes.count >= Self.headerSize, let type, let version else {
            throw VmcoreError(
                path: path, offset: 0, field: "flattened header",
                message: "file is shorter than the 4096-byte header")
        }
        guard type == 1 else {
            throw VmcoreError(
                path: path, offset: 16, field: "flattened header field 'type'",
                message: "is \(type), expected 1")
        }
        guard version == 1 else {
            throw VmcoreError(
                path: path, offset: 24, field: "flattened header field 'version'",
                message: "is \(version), expected 1")
        }
        var entries: [(logical: UInt64, data: UInt64, size: UInt32)] = []
        var position = Self.headerSize
        var ended = false
        while position < bytes.count {
            guard let offset: Int64 = cursor.peekInteger(at: position),
                let size: Int64 = cursor.peekInteger(at: position + 8)
            else { break }  // a partial record header: truncated
            if offset == -1 && size == -1 {
                ended = true
                break
            }
            guard offset >= 0 else {
                throw VmcoreError(
                    path: path, offset: UInt64(position), field: "flattened record 'offset'",
                    message: "is negative (\(offset))")
            }
            guard size >= 0, size <= Int64(UInt32.max) else {
                throw VmcoreError(
                    path: path, offset: UInt64(position + 8), field: "flattened record 'size'",
                    message: "is out of range (\(size))")
            }
            guard entries.count < VmcoreLimits.maxFlattenedRecords else {
                throw VmcoreError(
                    path: path, offset: UInt64(position), field: "flattened record",
                    message: "more than \(VmcoreLimits.maxFlattenedRecords) records")
            }
            let dataStart = position + 16
            let available = bytes.count - dataStart
            let (_, overflow) = UInt64(offset).addingReportingOverflow(UInt64(size))
            guard !overflow else {
                throw VmcoreError(
                    path: path, offset: UInt64(position), field: "flattened record",
                    message: "offset + size overflows")
            }
            if Int64(available) < size {
                // The last record is cut: keep what is there and stop.
                if available > 0 {
                    entries.append((UInt64(offset), UInt64(dataStart), UInt32(available)))
                }
                truncated = true
                break
            }
            entries.append((UInt64(offset), UInt64(dataStart), UInt32(size)))
            position = dataStart + Int(size)
        }
        if !ended { truncated = true }
        entries.sort { $0.logical < $1.logical }
        var previousEnd: UInt64 = 0
        for (index, entry) in entries.enumerated() {
            if index > 0, entry.logical < previousEnd {
                throw VmcoreError(
                    path: path, offset: entry.data - 16, field: "flattened record",
                    message:
                        "overlaps an earlier record (target offset \(entry.logical)); overlapping records are not supported"
                )
            }
            previousEnd = entry.logical + UInt64(entry.size)
        }
        logical = entries.map(\.logical)
        data = entries.map(\.data)
        sizes = entries.map(\.size)
        logicalSize = previousEnd
        recordCount = entries.count
    }

    /// Index of the record holding logical `offset`, if any.
    private func record(holding offset: UInt64) -> Int? {
        let index = SortedSearch.partitionPoint(in: logical.indices) { logical[$0] <= offset } - 1
        guard index >= 0, offset - logical[index] < UInt64(sizes[index]) else { return nil }
        return index
    }

    func fileOffset(of offset: UInt64) -> UInt64? {
        guard let index = record(holding: offset) else { return nil }
        return data[index] + (offset - logical[index])
    }

    /// Whether every byte of the range is in some record.
    func covers(_ offset: UInt64, count: Int) -> Bool {
        var position = offset
        var left = UInt64(count)
        while left > 0 {
            guard let index = record(holding: position) else { return false }
            let inRecord = UInt64(sizes[index]) - (position - logical[index])
            let step = min(inRecord, left)
            position += step
            left -= step
        }
        return true
    }

    /// The stream offset of the range when one record holds all of it.
    func contiguousFileOffset(_ offset: UInt64, count: Int) -> UInt64? {
        guard let index = record(holding: offset) else { return nil }
        let inRecord = UInt64(sizes[index]) - (offset - logical[index])
        guard UInt64(count) <= inRecord else { return nil }
        return data[index] + (offset - logical[index])
    }

    /// Copies a range that may span records; `false` if a byte is missing.
    func copy(
        from bytes: UnsafeRawBufferPointer, at offset: UInt64, into buffer: UnsafeMutableRawBufferPointer
    ) -> Bool {
        guard let destination = buffer.baseAddress, let source = bytes.baseAddress else {
            return buffer.isEmpty
        }
        var position = offset
        var written = 0
        while written < buffer.count {
            guard let index = record(holding: position) else { return false }
            let within = position - logical[index]
            let inRecord = Int(UInt64(sizes[index]) - within)
            let step = min(inRecord, buffer.count - written)
            let from = Int(data[index] + within)
            guard from + step <= bytes.count else { return false }
            (destination + written).copyMemory(from: source + from, byteCount: step)
            written += step
            position += UInt64(step)
        }
        return true
    }
}
