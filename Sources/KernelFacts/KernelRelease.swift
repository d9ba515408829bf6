/// Finds the kernel release (`6.1.0-56-amd64`) in the lines where the kernel prints it, and only
/// there: the boot banner and the lines that print `print_tainted()` next to `utsname()->release`.
/// An unrelated number on a line (an editor's line number, an offset, another program's version)
/// is never taken: the word must stand where the kernel puts the release and have a release's shape.
///
/// Where the kernel prints it (format, kernel versions, source):
///
/// | line | versions | source |
/// |---|---|---|
/// | `Linux version <release> (…) #<build> …` | all | `init/version.c` `linux_banner` |
/// | `CPU: 0 PID: 1 Comm: x Not tainted <release> #<build> …` (`Tainted: G  W  <release> …`) | 3.10+ | `lib/dump_stack.c` `dump_stack_print_info()` |
/// | `Pid: 1, comm: x Not tainted <release> #<build> <board>` | 2.6.2x–3.9 x86-64 | `arch/x86/kernel/process_64.c` `__show_regs()`, `dump_stack()` |
/// | `Pid: 1, comm: x Not tainted (<release> #<build>) <board>` | 2.6.2x–3.9 i386 | `arch/x86/kernel/process_32.c` |
/// | `CPU: 0    Not tainted  (<release> #<build>)` | 2.6–3.9 arm | `arch/arm/kernel/process.c` `__show_regs()` |
/// | `REGS: c000… TRAP: 0300   Not tainted  (<release>)` (no build) | ppc, all | `arch/powerpc/kernel/process.c` `show_regs()` |
/// | `      Not tainted <release> #<build>` (indented) | 4.x+ hung task | `kernel/hung_task.c` `check_hung_task()` |
/// | `<release> #<build> Not tainted` / `… Tainted: G  W` | lockdep | `kernel/locking/lockdep.c` `print_kernel_ident()` |
///
/// `UTS_VERSION` is printed up to its first space (`%.*s` with `strcspn(version, " ")`), so the
/// build is one word starting with `#`; Debian's 3.16 and 4.x kernels append their package
/// version after it (`#1 Debian 3.16.7-ckt11-1`).
public enum KernelRelease {
    /// A release word and what the kernel printed after it (`#1 SMP Debian 6.1.192-2`).
    public struct Found: Sendable, Equatable {
        public var release: String
        public var buildInfo: String?
    }

    /// From a boot banner or `linux_banner`: `Linux version 6.1.0-56-amd64 (debian-kernel@…) …`.
    public static func fromBanner(_ text: some StringProtocol) -> String? {
        guard let banner = KernelBanner(text), isPlausible(banner.release) else { return nil }
        return banner.release
    }

    /// From any line that prints the taint next to the release (see the table above). `nil` when
    /// the line is none of them, or the word where the release stands does not look like one.
    public static func fromTaintLine(_ text: some StringProtocol) -> Found? {
        let words = text.split(separator: " ", omittingEmptySubsequences: true)
        guard !words.isEmpty else { return nil }
        // After `Not tainted` or `Tainted: <letters>`.
        var index = 0
        while index < words.count {
            let word = words[index]
            if word == "Not", index + 1 < words.count, words[index + 1] == "tainted" {
                if let found = releaseAt(words, index + 2) { return found }
                break
            }
            if word == "Tainted:" {
                // Letters up to the release. RHEL 7 appends its support marker to the letters:
                // `Tainted: GF          O--------------   3.10.0-54.0.1.el7.s390x`.
                var letterEnd = index + 1
                while letterEnd < words.count, !words[letterEnd].isEmpty,
                    words[letterEnd].allSatisfy({ $0.isLetter || $0 == "-" })
                {
                    letterEnd += 1
                }
                if let found = releaseAt(words, letterEnd) { return found }
                break
            }
            index += 1
        }
        // Lockdep's banner: the release first, then the build, then the taint.
        if words.count >= 3, words[1].hasPrefix("#"), words[2] == "Tainted:" || words[2] == "Not" {
            return releaseAt(words, 0)
        }
        return nil
    }

    /// From an oops header: `CPU: 0 PID: 107 Comm: init Tainted: G  OE  6.1.0-56-amd64 #1 …`,
    /// `… Not tainted 6.1.0-56-amd64 #1`, or 2.6's `Pid: 1, comm: swapper Not tainted 2.6.32 #1`.
    public static func fromOopsHeader(_ text: some StringProtocol) -> String? {
        fromTaintLine(text)?.release
    }

    /// Either form, whichever the line has.
    public static func fromLogLine(_ text: some StringProtocol) -> String? {
        fromBanner(text) ?? fromOopsHeader(text)
    }

    /// The release at `words[index]` (2.6 i386 and arm put it in parentheses with the build:
    /// `(2.6.27.9-159.fc10.i686 #1)`, ppc alone: `(3.10.0-123.el7.ppc64)`), and what follows it.
    static func releaseAt(_ words: [some StringProtocol], _ index: Int) -> Found? {
        guard index < words.count else { return nil }
        var word = Substring(words[index])
        let parenthesised = word.first == "("
        if parenthesised { word = word.dropFirst() }
        if parenthesised, word.last == ")" { word = word.dropLast() }
        guard isPlausible(word) else { return nil }
        var info: String?
        if index + 1 < words.count {
            info = words[(index + 1)...].joined(separator: " ")
        }
        // Outside parentheses the build must follow (`#1`), unless the line ends at the release.
        if !parenthesised, let next = info, !next.hasPrefix("#") { return nil }
        return Found(release: String(word), buildInfo: info)
    }

    /// Whether `word` has a release's shape: `major.minor` with major 2–9 (2.6 to today's 6.x and
    /// the next few), then letters, digits and `.-_+~` only, at most `__NEW_UTS_LEN` (64) bytes.
    /// `12`, `0x1f0`, `1.2` (a line number, an offset, another program's version) are not.
    public static func isPlausible(_ word: some StringProtocol) -> Bool {
        let utf8 = Array(word.utf8)
        guard utf8.count >= 3, utf8.count <= KernelBanner.maxReleaseLength else { return false }
        guard utf8[0] >= UInt8(ascii: "2"), utf8[0] <= UInt8(ascii: "9"), utf8[1] == UInt8(ascii: "."),
            isDigit(utf8[2])
        else { return false }
        return utf8.allSatisfy { byte in
            isDigit(byte) || (byte | 0x20 >= UInt8(ascii: "a") && byte | 0x20 <= UInt8(ascii: "z"))
                || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "_")
                || byte == UInt8(ascii: "+") || byte == UInt8(ascii: "~")
        }
    }

    @inline(__always) private static func isDigit(_ byte: UInt8) -> Bool {
        byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
    }
}
