#if canImport(Glibc)
    @preconcurrency import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A whole regular file mapped read-only into memory.
///
/// Used for vmcores and System.map (random access) and for large logs (sequential scan).
/// An empty file maps to an empty buffer. The corresponding C calls are `open`, `fstat`, `mmap`,
/// `munmap`.
public final class MappedFile: @unchecked Sendable {
    /// The path as given.
    public let path: String
    /// The file's bytes; valid while this object lives.
    public let bytes: UnsafeRawBufferPointer
    private let mapping: UnsafeMutableRawPointer?
    private let length: Int

    /// Maps `path`.
    /// - Throws: `InputError` with the `errno` text when the file cannot be opened or mapped, or
    ///   is not a regular file.
    public init(path: String) throws(InputError) {
        self.path = path
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw InputError.system(path: path, operation: "open", errno: errno) }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else {
            throw InputError.system(path: path, operation: "stat", errno: errno)
        }
        guard (info.st_mode & S_IFMT) == S_IFREG else {
            throw InputError(path: path, offset: nil, message: "not a regular file")
        }
        length = Int(info.st_size)
        if length == 0 {
            mapping = nil
            bytes = UnsafeRawBufferPointer(start: nil, count: 0)
            return
        }
        guard let pointer = mmap(nil, length, PROT_READ, MAP_PRIVATE, fd, 0), pointer != MAP_FAILED else {
            throw InputError.system(path: path, operation: "mmap", errno: errno)
        }
        _ = madvise(pointer, length, MADV_SEQUENTIAL)
        mapping = pointer
        bytes = UnsafeRawBufferPointer(start: pointer, count: length)
    }

    /// Tells the kernel that access will be random (vmcores), not sequential.
    public func adviseRandomAccess() {
        if let mapping { _ = madvise(mapping, length, MADV_RANDOM) }
    }

    /// Tells the kernel the pages of `range` are no longer needed, so a sequential scan of a huge
    /// file keeps a flat resident size; touching them again re-reads them from the file.
    public func dropPages(_ range: Range<Int>) {
        guard let mapping, range.lowerBound >= 0, range.upperBound <= length else { return }
        let pageSize = Int(sysconf(Int32(_SC_PAGESIZE)))
        let start = range.lowerBound / pageSize * pageSize
        let end = range.upperBound / pageSize * pageSize
        guard end > start else { return }
        _ = madvise(mapping + start, end - start, MADV_DONTNEED)
    }

    deinit {
        if let mapping { munmap(mapping, length) }
    }
}
