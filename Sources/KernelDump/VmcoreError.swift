/// A vmcore that cannot be read (or read further): one line naming the file, the byte offset and
/// the field, like `vmcore.kdump: at byte 4104: sub-header field 'offset_note': points past the end`.
///
/// Offsets are offsets in the file as stored on disk. For a makedumpfile flattened stream they are
/// offsets in the stream (the record that holds the byte), not in the rebuilt image.
public struct VmcoreError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The dump's path as given.
    public var path: String
    /// Byte offset in the file, when the problem is tied to one.
    public var offset: UInt64?
    /// The structure or field being read (`kdump header field 'block_size'`, `page 0x1234`).
    public var field: String
    /// What is wrong with it.
    public var message: String

    public init(path: String, offset: UInt64?, field: String, message: String) {
        self.path = path
        self.offset = offset
        self.field = field
        self.message = message
    }

    public var description: String {
        if let offset { return "\(path): at byte \(offset): \(field): \(message)" }
        return "\(path): \(field): \(message)"
    }
}

/// Resource limits applied to values taken from a dump, so that a corrupt or hostile file cannot
/// make the reader loop forever or allocate without bound.
public enum VmcoreLimits {
    /// Most ELF notes accepted from one dump (a 8192-CPU machine has 2 notes per CPU plus a few).
    public static let maxNotes = 65_536
    /// Largest VMCOREINFO text accepted (the kernel reserves one page; 64 KiB allows 64 KiB pages).
    public static let maxVmcoreinfoBytes = 65_536
    /// Largest note blob (kdump `size_note`) read at once.
    public static let maxNoteBlobBytes = 64 << 20
    /// Most records accepted in a makedumpfile flattened stream index (16 bytes each in memory).
    public static let maxFlattenedRecords = 2_000_000
    /// Largest page (block) size accepted.
    public static let maxPageSize = 1 << 20
    /// Largest printk text data ring (`2^size_bits`) or `log_buf_len` accepted (the kernel's
    /// `CONFIG_LOG_BUF_SHIFT` tops out at 25).
    public static let maxLogBufferBytes = 1 << 25
    /// Most descriptors (`2^count_bits`) in a printk descriptor ring (one per 32 text bytes by default).
    public static let maxDescriptorCount = 1 << 21
    /// Most log records produced from one dump (bounds every ring walk, with cycle detection).
    public static let maxLogRecords = 1 << 20
    /// Most physical pages kept decompressed in the page cache.
    public static let pageCacheCapacity = 512
    /// Physical memory scanned for the VMCOREINFO page when a dump has no VMCOREINFO note.
    public static let maxVmcoreinfoScanBytes = 256 << 20
    /// Largest single virtual read (descriptor arrays are read record by record instead).
    public static let maxReadBytes = 64 << 20
}

extension VmcoreError {
    /// `value`, or the error that names the missing VMCOREINFO `key` and what needed it.
    static func required<T>(_ value: T?, _ key: String, path: String, for purpose: String) throws -> T {
        guard let value else {
            throw VmcoreError(
                path: path, offset: nil, field: "VMCOREINFO \(key)", message: "missing (needed for \(purpose))")
        }
        return value
    }
}
