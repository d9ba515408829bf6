/// Names the host of lines and records whose wrapper names none (plain dmesg, console, kdump
/// files): fleets keep such logs as `<host>/dmesg.txt`, so a generic file name takes its folder's
/// name, any other file its own name without extensions.
public enum HostNaming {
    /// File names (extensions and rotation suffixes removed) that say nothing about the host.
    static let genericNames: Set<String> = [
        "dmesg", "kern", "kernel", "messages", "syslog", "console", "vmcore-dmesg", "journal",
        "daemon", "log", "boot", "ramoops", "dmesg-ramoops", "vmcore",
    ]

    /// The host for an input path: `logs/web01/dmesg.txt` → `web01`, `logs/web02.log` → `web02`.
    public static func host(forPath path: String) -> String {
        let parts = path.split(separator: "/", omittingEmptySubsequences: true)
        guard let last = parts.last else { return path.isEmpty ? "-" : path }
        var stem = Substring(last)
        // Strip `.gz`, rotation numbers and extensions: kern.log.1.gz → kern.
        if let dot = stem.firstIndex(of: ".") { stem = stem[..<dot] }
        let generic = genericNames.contains(String(stem)) || stem.hasPrefix("dmesg")
        if generic, parts.count >= 2 { return String(parts[parts.count - 2]) }
        return stem.isEmpty ? String(last) : String(stem)
    }
}
