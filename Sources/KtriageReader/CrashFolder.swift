/// The folders kdump tools leave one crash in, and the files in them:
///
/// - Debian/Ubuntu kdump-tools: `/var/crash/202611221745/` with `dmesg.202611221745` (the
///   kernel log, read by makedumpfile `--dump-dmesg`) and `dump.202611221745` (the dump);
/// - RHEL/Fedora kdump: `/var/crash/127.0.0.1-2026-11-22-17:45:34/` with `vmcore`,
///   `vmcore-dmesg.txt` and `kexec-dmesg.log` (the capture kernel's own log, not the crash).
///
/// The dump and the log beside it are the same crash: ``InputWalker`` reads the dump and keeps
/// the log as its companion, read only when the dump gives no report.
enum CrashFolder {
    /// Files that are never a crash's log, each with the reason.
    static let skippedFiles: [String: String] = [
        "kexec-dmesg.log": "the kdump capture kernel's own log (RHEL kdump), not the crash",
        "makedumpfile.log": "makedumpfile's messages (kdump), not a kernel log",
    ]

    /// The folder part of a path.
    static func folder(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return String(path[..<slash])
    }

    /// kdump-tools' `202611221745` or RHEL's `127.0.0.1-2026-11-22-17:45:34` as the folder's last name.
    static func isCrashFolderName(_ folder: String) -> Bool {
        let name = folder.split(separator: "/").last ?? Substring(folder)
        if name.count == 12, name.allSatisfy(\.isNumber) { return true }
        guard let dash = name.firstIndex(of: "-") else { return false }
        let date = name[name.index(after: dash)...]
        return date.count == 19 && date.prefix(4).allSatisfy(\.isNumber) && date.filter { $0 == ":" }.count == 2
    }

    /// `dmesg.202611221745`, `vmcore-dmesg.txt`, `dmesg.txt`: names kdump gives the crash's log.
    static func isKdumpLogName(_ path: String) -> Bool {
        let name = path.split(separator: "/").last ?? Substring(path)
        return name.hasPrefix("dmesg") || name.hasPrefix("vmcore-dmesg")
    }
}
