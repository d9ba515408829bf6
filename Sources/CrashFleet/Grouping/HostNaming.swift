#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Names the host of lines and records whose wrapper names none (plain dmesg, console, kdump
/// files), from the input's path. In order:
///
/// 1. the fleet folder above `var/crash` or `var/log` (`fleet/web01/var/crash/…` → `web01`),
///    as a fleet copied with its file system layout has it;
/// 2. `hostFrom`, a regular expression over the whole path (its first capture group, or the
///    whole match), for layouts of one's own (`--host-from`);
/// 3. the nearest file or folder name that is not generic (`logs/web01/dmesg.txt` → `web01`,
///    `logs/web02.log` → `web02`).
///
/// A generic name (see ``genericNames`` and ``genericPatterns``) is never a host: `dump`,
/// `vmcore`, `console`, `messages`, a kdump date stamp, RHEL's `127.0.0.1-2026-11-22-17:45:34`.
/// The host a log or dump names itself (`--host`, a syslog or journal host field, the dump's
/// nodename) comes before any of these and is not decided here.
public struct HostNaming: Sendable {
    /// `--host-from`: a regular expression over the path.
    public var hostFrom: String?

    public init(hostFrom: String? = nil) {
        self.hostFrom = hostFrom
    }

    /// File and folder names (extensions and rotation suffixes removed) that say nothing about the
    /// host, each with the reason.
    static let genericNames: [String: String] = [
        "dmesg": "dmesg output, kdump-tools' dmesg.<stamp>",
        "kern": "syslog's kern.log",
        "kernel": "kernel.log",
        "messages": "RHEL's /var/log/messages",
        "syslog": "Debian's /var/log/syslog",
        "console": "serial console captures",
        "vmcore": "RHEL kdump's vmcore",
        "vmcore-dmesg": "RHEL kdump's vmcore-dmesg.txt",
        "kexec-dmesg": "RHEL kdump's capture-kernel log",
        "dump": "kdump-tools' dump.<stamp>",
        "journal": "journal exports",
        "daemon": "syslog's daemon.log",
        "log": "a log folder or log.txt",
        "logs": "a folder of logs",
        "boot": "boot.log",
        "ramoops": "pstore's ramoops records",
        "dmesg-ramoops": "pstore's dmesg-ramoops-N",
        "pstore": "the pstore folder",
        "crash": "/var/crash, crash(8) session output",
        "var": "the /var of a copied file system",
        "kdump": "kdump folders",
        "makedumpfile": "makedumpfile's saved output",
        "makedumpfile-dump-dmesg": "makedumpfile --dump-dmesg output",
        "crash-vmlinux": "crash(8) session output",
        "tmp": "a scratch folder",
    ]

    /// Name shapes that are never hosts, each with the reason.
    static let genericPatterns: [(matches: @Sendable (Substring) -> Bool, reason: String)] = [
        ({ $0.count >= 8 && $0.allSatisfy(\.isNumber) }, "a date stamp: kdump-tools' /var/crash/202611221745"),
        (isAddressAndDate, "RHEL kdump's /var/crash/127.0.0.1-2026-11-22-17:45:34"),
        ({ $0.hasPrefix("dmesg") }, "dmesg output under any suffix"),
        ({ $0.hasPrefix("vmcore") }, "vmcore files"),
        ({ $0.hasPrefix("dump-") || $0.hasPrefix("dump_") }, "dump files"),
    ]

    /// `127.0.0.1-2026-11-22-17:45:34`, `[::1]-2026-…`, `web01-2026-11-22-17:45:34`: kdump's
    /// `<address>-<date>` folder; the address part is where the dump was saved from, not a name.
    static func isAddressAndDate(_ name: Substring) -> Bool {
        guard let dash = name.firstIndex(of: "-") else { return false }
        let address = name[..<dash]
        let date = name[name.index(after: dash)...]
        let isAddress =
            address.allSatisfy { $0.isNumber || $0 == "." } || address.contains(":") || address.hasPrefix("[")
        return isAddress && date.count >= 10 && date.prefix(4).allSatisfy(\.isNumber)
    }

    /// Whether `name` (extension already removed) cannot be a host.
    public static func isGeneric(_ name: Substring) -> Bool {
        genericNames[String(name)] != nil || genericPatterns.contains { $0.matches(name) }
    }

    /// The host for an input path with the default rules (no `--host-from`).
    public static func host(forPath path: String) -> String {
        HostNaming().host(forPath: path)
    }

    /// The host for an input path: `logs/web01/dmesg.txt` → `web01`, `logs/web02.log` → `web02`,
    /// `fleet/db1/var/crash/202611221745/dmesg.202611221745` → `db1`.
    public func host(forPath path: String) -> String {
        let parts = path.split(separator: "/", omittingEmptySubsequences: true)
        guard let last = parts.last else { return path.isEmpty ? "-" : path }
        // 1. The fleet folder above var/crash or var/log.
        for index in stride(from: parts.count - 2, through: 1, by: -1)
        where parts[index] == "var" && index + 1 < parts.count - 1
            && (parts[index + 1] == "crash" || parts[index + 1] == "log")
        {
            let fleet = parts[index - 1]
            if !Self.isGeneric(Self.stem(fleet)) { return String(fleet) }
        }
        // 2. --host-from.
        if let hostFrom, let host = Self.match(hostFrom, in: path) { return host }
        // 3. The nearest name that is not generic, the file's own first.
        let fileStem = Self.stem(last)
        // An apport report is named after the crashed program (`linux-image-…-<stamp>.crash`).
        let isApport = last.hasSuffix(".crash")
        if !isApport, !Self.isGeneric(fileStem) { return String(fileStem) }
        for folder in parts.dropLast().reversed() where !Self.isGeneric(Self.stem(folder)) {
            return String(folder)
        }
        // `/var/crash/…` or `/var/log/…` of the machine running ktriage: its own name.
        if path.hasPrefix("/"), parts.first == "var", let local = Self.localHostName() { return local }
        // Nothing else to go by: the name itself.
        return fileStem.isEmpty ? String(last) : String(fileStem)
    }

    static func localHostName() -> String? {
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count - 1) == 0 else { return nil }
        let name = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return name.isEmpty ? nil : name
    }

    /// The name without extensions and rotation suffixes: `kern.log.1.gz` → `kern`.
    static func stem(_ name: Substring) -> Substring {
        // RHEL's folder holds colons and dots in its time (`…-17:45:34`); it is judged whole.
        if isAddressAndDate(name) { return name }
        guard let dot = name.firstIndex(of: ".") else { return name }
        return name[..<dot]
    }

    /// The first capture group of `pattern` in `path`, or the whole match.
    static func match(_ pattern: String, in path: String) -> String? {
        guard let regex = try? Regex(pattern), let found = try? regex.firstMatch(in: path) else { return nil }
        let captured = found.output.count > 1 ? found.output[1].substring : found.output[0].substring
        guard let text = captured, !text.isEmpty else { return nil }
        return String(text)
    }
}
