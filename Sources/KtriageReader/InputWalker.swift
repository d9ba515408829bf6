import KernelFacts

#if canImport(Glibc)
    @preconcurrency import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Expands command-line paths into the inputs to read.
///
/// A file is taken as given (even if it looks odd: reading it will say what is wrong); `-` is
/// stdin; a folder is walked recursively in byte order of names, so every run sees the same
/// order. Inside folders, hidden entries, symlinks to folders, and files that are neither text,
/// gzip nor dumps are skipped, each with a note for verbose mode.
public struct InputWalker {
    /// One input found.
    public struct Item: Sendable, Equatable {
        public var path: String
        /// What the first bytes say (`.text` for stdin, judged later).
        public var kind: InputKind
        /// The folder argument this file was found under, when it came from a walk.
        public var root: String?
        /// Further files that hold parts of the same pstore record (`Panic#1 Part2` …); they are
        /// read together with `path` so the parts can be joined in order.
        public var pstoreParts: [String] = []
        /// For a dump in a crash folder (kdump-tools, RHEL kdump): the text files of the same
        /// crash beside it (`dmesg.<stamp>`, `vmcore-dmesg.txt`, other tools' saved output). They
        /// are read only when the dump gives no crash report, so the crash counts once.
        public var companions: [String] = []

        public init(
            path: String, kind: InputKind, root: String? = nil, pstoreParts: [String] = [], companions: [String] = []
        ) {
            self.path = path
            self.kind = kind
            self.root = root
            self.pstoreParts = pstoreParts
            self.companions = companions
        }
    }

    /// A path that was skipped or could not be used, with the reason.
    public struct Note: Sendable, Equatable, CustomStringConvertible {
        public var path: String
        public var message: String
        /// An error (the argument itself is unusable) rather than a skipped file inside a folder.
        public var isError: Bool
        public var description: String { "\(path): \(message)" }
    }

    /// Cap on folder depth: a last guard against loops that identities cannot tell (a file
    /// system that numbers a folder differently each time it is listed).
    public static let maxDepth = 64

    /// A folder being walked: what `stat` identifies it by, and its path for notes.
    private struct FolderIdentity {
        var device: UInt64
        var inode: UInt64
        var path: String

        init(_ info: stat, path: String) {
            device = UInt64(truncatingIfNeeded: info.st_dev)
            inode = UInt64(truncatingIfNeeded: info.st_ino)
            self.path = path
        }
    }

    public private(set) var items: [Item] = []
    public private(set) var notes: [Note] = []
    /// The pstore record (`Panic#1`) each text file found in a folder starts with, read with its
    /// first bytes so grouping the parts opens no file twice.
    private var pstoreKeys: [String: String] = [:]
    /// Text files found in folders that are another crash tool's saved output.
    private var peerOutputs: Set<String> = []

    public init() {}

    /// Expands each argument in order.
    public mutating func add(_ paths: [String]) {
        for path in paths { add(path) }
    }

    public mutating func add(_ path: String) {
        if path == "-" {
            items.append(Item(path: path, kind: .text, root: nil))
            return
        }
        var info = stat()
        guard stat(path, &info) == 0 else {
            notes.append(Note(path: path, message: String(cString: strerror(errno)), isError: true))
            return
        }
        if (info.st_mode & S_IFMT) == S_IFDIR {
            let before = items.count
            walk(path, root: path, ancestors: [FolderIdentity(info, path: path)])
            groupPstoreParts(from: before)
            groupCrashFolders(from: before)
            if items.count == before {
                notes.append(Note(path: path, message: "no logs or dumps found in this folder", isError: true))
            }
        } else {
            items.append(Item(path: path, kind: InputWalker.sniff(path: path) ?? .text, root: nil))
        }
    }

    /// Walks `folder`, the last of `ancestors` (the folders it lies in, from the argument down).
    private mutating func walk(_ folder: String, root: String, ancestors: [FolderIdentity]) {
        guard ancestors.count <= InputWalker.maxDepth else {
            notes.append(
                Note(
                    path: folder, message: "folder nesting deeper than \(InputWalker.maxDepth): skipped", isError: false
                ))
            return
        }
        guard let directory = opendir(folder) else {
            notes.append(Note(path: folder, message: String(cString: strerror(errno)), isError: false))
            return
        }
        var names: [String] = []
        while let entry = readdir(directory) {
            let (name, isUTF8) = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                let bytes = raw.prefix { $0 != 0 }
                let decoded = String(decoding: bytes, as: UTF8.self)
                return (decoded, decoded.utf8.elementsEqual(bytes))
            }
            if name == "." || name == ".." { continue }
            // A path is a `String`: a name that is not UTF-8 decodes to another name, which
            // cannot be opened. Said, rather than dropped without a word.
            guard isUTF8 else {
                let path = folder.hasSuffix("/") ? folder + name : folder + "/" + name
                notes.append(Note(path: path, message: "name is not UTF-8, cannot be opened: skipped", isError: false))
                continue
            }
            names.append(name)
        }
        closedir(directory)
        names.sort { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        for name in names {
            let path = folder.hasSuffix("/") ? folder + name : folder + "/" + name
            if name.hasPrefix(".") {
                notes.append(Note(path: path, message: "hidden: skipped", isError: false))
                continue
            }
            var info = stat()
            guard lstat(path, &info) == 0 else { continue }
            let type = info.st_mode & S_IFMT
            if type == S_IFLNK {
                var target = stat()
                guard stat(path, &target) == 0, (target.st_mode & S_IFMT) == S_IFREG else {
                    notes.append(
                        Note(path: path, message: "symbolic link to a folder or nothing: skipped", isError: false))
                    continue
                }
                addFile(path, root: root)
            } else if type == S_IFDIR {
                // A bind mount of a folder inside itself (or a FUSE file system that shows its
                // own mount point) has the identity of a folder above it: walking on would list
                // the same files again, down to the depth cap.
                let identity = FolderIdentity(info, path: path)
                if let above = ancestors.first(where: { $0.device == identity.device && $0.inode == identity.inode }) {
                    notes.append(
                        Note(
                            path: path, message: "the same folder as \(above.path) (a mount loop): skipped",
                            isError: false))
                    continue
                }
                walk(path, root: root, ancestors: ancestors + [identity])
            } else if type == S_IFREG {
                addFile(path, root: root)
            }
        }
    }

    /// Files that are never logs, skipped inside folders without reading them.
    static let skippedExtensions: Set<String> = [
        "py", "sh", "swift", "c", "h", "go", "rs", "md", "rst", "html", "css", "js", "png", "jpg", "jpeg",
        "gif", "svg", "pdf", "zip", "tar", "o", "ko", "so", "a", "deb", "rpm", "iso", "img",
    ]

    private mutating func addFile(_ path: String, root: String) {
        let name = path.split(separator: "/").last ?? ""
        if let dot = name.lastIndex(of: "."),
            InputWalker.skippedExtensions.contains(String(name[name.index(after: dot)...]).lowercased())
        {
            notes.append(Note(path: path, message: "not a log (by its name): skipped", isError: false))
            return
        }
        if let reason = CrashFolder.skippedFiles[String(name)] {
            notes.append(Note(path: path, message: reason + ": skipped", isError: false))
            return
        }
        guard let head = InputWalker.readHead(path: path) else {
            notes.append(Note(path: path, message: "cannot be read: skipped", isError: false))
            return
        }
        let kind = head.withUnsafeBytes { InputKind.sniff($0) }
        if kind == .text, let key = InputWalker.pstoreRecordKey(head: head) { pstoreKeys[path] = key }
        if kind == .text, let peer = head.withUnsafeBytes({ PeerToolOutput.recognise($0) }) {
            if peer == .makedumpfileMessages {
                notes.append(Note(path: path, message: peer.rawValue + ", not a kernel log: skipped", isError: false))
                return
            }
            peerOutputs.insert(path)
        }
        switch kind {
        case .binary:
            notes.append(Note(path: path, message: "binary data, not a log: skipped", isError: false))
        case .empty:
            notes.append(Note(path: path, message: "empty: skipped", isError: false))
        case .otherCompression:
            notes.append(
                Note(
                    path: path, message: "compressed with xz, bzip2, zstd or lz4: decompress it first; skipped",
                    isError: false))
        default:
            items.append(Item(path: path, kind: kind, root: root))
        }
    }

    /// Merges files of one folder whose first line is a header of the same pstore record
    /// (`Panic#1 Part1`, `Panic#1 Part2`, … as efi-pstore writes them) into one item.
    private mutating func groupPstoreParts(from start: Int) {
        var merged: [Item] = []
        var recordIndex: [String: Int] = [:]
        for item in items[start...] {
            guard let key = pstoreKeys[item.path] else {
                merged.append(item)
                continue
            }
            let folder = item.path.split(separator: "/", omittingEmptySubsequences: false).dropLast()
                .joined(separator: "/")
            let fullKey = folder + "\u{0}" + key
            if let index = recordIndex[fullKey] {
                merged[index].pstoreParts.append(item.path)
            } else {
                recordIndex[fullKey] = merged.count
                merged.append(item)
            }
        }
        items.replaceSubrange(start..., with: merged)
    }

    /// Attaches the text files of a crash folder to the one dump in it (see ``Item/companions``):
    /// a folder with exactly one dump whose name is a kdump one (`202611221745`,
    /// `127.0.0.1-2026-11-22-17:45:34`), or text files named as kdump names them
    /// (`dmesg.<stamp>`, `vmcore-dmesg.txt`), or another tool's saved output.
    private mutating func groupCrashFolders(from start: Int) {
        var byFolder: [String: [Int]] = [:]
        for index in start..<items.count {
            byFolder[CrashFolder.folder(of: items[index].path), default: []].append(index)
        }
        var absorbed: Set<Int> = []
        for (folder, indices) in byFolder {
            let dumps = indices.filter { items[$0].kind.isDump }
            guard dumps.count == 1, let dump = dumps.first else { continue }
            let folderIsCrash = CrashFolder.isCrashFolderName(folder)
            for index in indices where index != dump && !items[index].kind.isDump {
                let path = items[index].path
                guard folderIsCrash || CrashFolder.isKdumpLogName(path) || peerOutputs.contains(path) else { continue }
                items[dump].companions.append(path)
                absorbed.insert(index)
            }
        }
        guard !absorbed.isEmpty else { return }
        items = items.enumerated().filter { !absorbed.contains($0.offset) }.map(\.element)
    }

    /// `Panic#1` for a file whose first line is `Panic#1 Part2`; `nil` otherwise.
    static func pstoreRecordKey(head: [UInt8]) -> String? {
        let line = head.prefix(64).prefix { $0 != 0x0A && $0 != 0x0D }
        guard let space = line.lastIndex(of: 0x20), line.firstIndex(of: 0x23) != nil,
            line[space...].starts(with: Array(" Part".utf8)), let first = line.first, first >= 0x41, first <= 0x5A
        else { return nil }
        return String(decoding: line[..<space], as: UTF8.self)
    }

    /// Reads the first 4 KiB of `path` and judges them; `nil` when it cannot be read.
    public static func sniff(path: String) -> InputKind? {
        readHead(path: path).map { head in head.withUnsafeBytes { InputKind.sniff($0) } }
    }

    /// The first 4 KiB of `path` (fewer for a shorter file); `nil` when it cannot be read.
    static func readHead(path: String) -> [UInt8]? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var head = [UInt8](repeating: 0, count: 4096)
        let count = head.withUnsafeMutableBytes { pread(fd, $0.baseAddress, $0.count, 0) }
        guard count >= 0 else { return nil }
        head.removeSubrange(count...)
        return head
    }
}
