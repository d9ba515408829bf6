/// Finds the kernel release (`6.1.0-56-amd64`) in the texts that carry it, to tell whether a map
/// and a log come from the same build.
public enum KernelRelease {
    /// From a `linux_banner` / boot line: `Linux version 6.1.0-56-amd64 (debian-kernel@…) …`.
    public static func fromBanner(_ text: some StringProtocol) -> String? {
        let line = String(text)
        guard let range = line.firstRange(of: "Linux version ") else { return nil }
        let rest = line[range.upperBound...]
        let release = rest.prefix { $0 != " " && $0 != "\n" && $0 != "\t" }
        return release.isEmpty ? nil : String(release)
    }

    /// The banner from `Linux version` to the end of the line, without trailing whitespace: what
    /// a boot log prints and `linux_banner` holds.
    public static func bannerText(_ text: some StringProtocol) -> String? {
        let line = String(text)
        guard let range = line.firstRange(of: "Linux version ") else { return nil }
        var banner = line[range.lowerBound...].prefix { $0 != "\n" && $0 != "\r" }
        while banner.last == " " || banner.last == "\t" { banner = banner.dropLast() }
        return String(banner)
    }

    /// From an oops header: `CPU: 0 PID: 107 Comm: init Tainted: G  OE  6.1.0-56-amd64 #1 …` or
    /// `… Not tainted 6.1.0-56-amd64 #1`. The release is the word before `#N`.
    public static func fromOopsHeader(_ text: some StringProtocol) -> String? {
        guard text.contains("PID: "), text.contains("Comm: ") else { return nil }
        guard text.contains("Tainted") || text.contains("tainted") else { return nil }
        let words = text.split(separator: " ", omittingEmptySubsequences: true)
        for (index, word) in words.enumerated() where index > 0 && word.hasPrefix("#") {
            let candidate = words[index - 1]
            if candidate.first?.isNumber == true, candidate.contains(".") { return String(candidate) }
        }
        return nil
    }

    /// Either form, whichever the line has.
    public static func fromLogLine(_ text: some StringProtocol) -> String? {
        fromBanner(text) ?? fromOopsHeader(text)
    }
}
