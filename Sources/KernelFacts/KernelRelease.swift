/// Finds the kernel release (`6.1.0-56-amd64`) in the texts that carry it, to tell whether a map
/// and a log come from the same build.
public enum KernelRelease {
    /// From a boot banner or `linux_banner`: `Linux version 6.1.0-56-amd64 (debian-kernel@…) …`.
    public static func fromBanner(_ text: some StringProtocol) -> String? {
        KernelBanner(text)?.release
    }

    /// From an oops header: `CPU: 0 PID: 107 Comm: init Tainted: G  OE  6.1.0-56-amd64 #1 …` or
    /// `… Not tainted 6.1.0-56-amd64 #1`. The release is the word before `#N` (`UTS_VERSION`
    /// starts with the build counter, `dump_stack_print_info()` in `lib/dump_stack.c`).
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
