internal import CKtriageMappingGuard

#if canImport(Glibc)
    @preconcurrency import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A whole regular file mapped read-only into memory, or bytes already in memory standing in for
/// one (a dump received over the network, a fuzzer's input).
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
    /// The bytes were copied into memory this object allocated (freed, not unmapped).
    private let isCopy: Bool
    /// The mapping's slot in the SIGBUS guard (-1: none).
    private var guardSlot: Int32 = -1
    /// The mapped file, open while mapped (-1: none).
    private var descriptor: Int32 = -1

    /// Maps `path`.
    /// - Throws: `InputError` with the `errno` text when the file cannot be opened or mapped, or
    ///   is not a regular file.
    public init(path: String) throws(InputError) {
        self.path = path
        isCopy = false
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw InputError.system(path: path, operation: "open", errno: errno) }
        var info = stat()
        guard fstat(fd, &info) == 0 else {
            let code = errno
            close(fd)
            throw InputError.system(path: path, operation: "stat", errno: code)
        }
        guard (info.st_mode & S_IFMT) == S_IFREG else {
            close(fd)
            throw InputError(path: path, offset: nil, message: "not a regular file")
        }
        length = Int(info.st_size)
        if length == 0 {
            close(fd)
            mapping = nil
            bytes = UnsafeRawBufferPointer(start: nil, count: 0)
            return
        }
        guard let pointer = mmap(nil, length, PROT_READ, MAP_PRIVATE, fd, 0), pointer != MAP_FAILED else {
            let code = errno
            close(fd)
            throw InputError.system(path: path, operation: "mmap", errno: code)
        }
        // Kept open to ask the file's size later (`cutShortError`): the path may name another
        // file by then (a log rotated by renaming), this descriptor still names this one.
        descriptor = fd
        _ = madvise(pointer, length, MADV_SEQUENTIAL)
        mapping = pointer
        bytes = UnsafeRawBufferPointer(start: pointer, count: length)
        guardSlot = cktriage_guard_mapping(pointer, length)
    }

    /// Pages past the file's end that were read as zeros: the file was cut short (truncated,
    /// rewritten) after it was mapped. Reading past a mapped file's end raises SIGBUS, which
    /// would kill the process; the guard (`CKtriageMappingGuard`) maps zeros there instead and
    /// counts it, and readers say the input changed while it was read.
    public var pagesPastEnd: Int { Int(cktriage_guard_faults(guardSlot)) }

    /// The file was cut short while it was read (see ``pagesPastEnd``).
    public var shrankWhileRead: Bool { pagesPastEnd > 0 }

    /// The error a reader gives once it is done with a file cut short under it, naming its size
    /// now (`nil` when it was not). Asked of the file as well as of the guard: a page the kernel
    /// was cutting while it was read may have read as zeros without a fault.
    public func cutShortError() -> InputError? {
        var info = stat()
        let size: Int64? = descriptor >= 0 && fstat(descriptor, &info) == 0 ? Int64(info.st_size) : nil
        guard shrankWhileRead || (size.map { $0 < Int64(length) } ?? false) else { return nil }
        return InputError(
            path: path, offset: size,
            message:
                "the file was cut short while it was read (\(length) bytes when opened): another program "
                + "truncated or rewrote it; what was read before is kept, the rest read as zeros")
    }

    /// Holds a copy of `bytes` under the name `path` (used in messages), so code that reads files
    /// reads memory the same way.
    public init(copying bytes: UnsafeRawBufferPointer, path: String) {
        self.path = path
        isCopy = true
        length = bytes.count
        guard let source = bytes.baseAddress, !bytes.isEmpty else {
            mapping = nil
            self.bytes = UnsafeRawBufferPointer(start: nil, count: 0)
            return
        }
        let copy = UnsafeMutableRawPointer.allocate(byteCount: bytes.count, alignment: 16)
        copy.copyMemory(from: source, byteCount: bytes.count)
        mapping = copy
        self.bytes = UnsafeRawBufferPointer(start: copy, count: bytes.count)
    }

    /// Tells the kernel that access will be random (vmcores), not sequential.
    public func adviseRandomAccess() {
        if let mapping, !isCopy { _ = madvise(mapping, length, MADV_RANDOM) }
    }

    /// Tells the kernel the pages of `range` are no longer needed, so a sequential scan of a huge
    /// file keeps a flat resident size; touching them again re-reads them from the file.
    public func dropPages(_ range: Range<Int>) {
        guard let mapping, !isCopy, range.lowerBound >= 0, range.upperBound <= length else { return }
        let pageSize = Int(sysconf(Int32(_SC_PAGESIZE)))
        let start = range.lowerBound / pageSize * pageSize
        let end = range.upperBound / pageSize * pageSize
        guard end > start else { return }
        _ = madvise(mapping + start, end - start, MADV_DONTNEED)
    }

    deinit {
        guard let mapping else { return }
        cktriage_unguard_mapping(guardSlot)
        if isCopy { mapping.deallocate() } else { munmap(mapping, length) }
        if descriptor >= 0 { close(descriptor) }
    }
}
