/// One taint flag as printed by `print_tainted()` in kernel/panic.c.
public struct TaintFlag: Sendable, Equatable {
    public let letter: Character
    public let name: String
    public let bit: Int
}

/// Taint letters and their decoded names.
///
/// Format notes: `G` is printed in place of `P` when that flag is clear, so it decodes to no flag.
/// The letters follow `taint_flags[]` in kernel/panic.c (6.x: bits 0–19 plus
/// `T` randstruct since 5.11, `N` test since 5.19, `J` fwctl since 6.15, `A` ACPI override,
/// `X` auxiliary). `Not tainted` is printed when no flag is set; some kernels print the
/// letters with spaces for unset flags (`Tainted: G        W`), so spaces are ignored.
public struct Taint: Sendable, Codable, Equatable {
    /// The letters as printed (spaces removed).
    public var letters: String
    /// The decoded flag names, in letter order.
    public var flags: [String]

    public init(letters: String, flags: [String]) {
        self.letters = letters
        self.flags = flags
    }

    /// The taint table: data, so a new kernel letter is one entry.
    public static let table: [TaintFlag] = [
        TaintFlag(letter: "P", name: "proprietary_module", bit: 0),
        TaintFlag(letter: "F", name: "forced_module", bit: 1),
        TaintFlag(letter: "S", name: "cpu_out_of_spec", bit: 2),
        TaintFlag(letter: "R", name: "forced_rmmod", bit: 3),
        TaintFlag(letter: "M", name: "machine_check", bit: 4),
        TaintFlag(letter: "B", name: "bad_page", bit: 5),
        TaintFlag(letter: "U", name: "user", bit: 6),
        TaintFlag(letter: "D", name: "died", bit: 7),
        TaintFlag(letter: "A", name: "overridden_acpi_table", bit: 8),
        TaintFlag(letter: "W", name: "warn", bit: 9),
        TaintFlag(letter: "C", name: "crap", bit: 10),
        TaintFlag(letter: "I", name: "firmware_workaround", bit: 11),
        TaintFlag(letter: "O", name: "oot_module", bit: 12),
        TaintFlag(letter: "E", name: "unsigned_module", bit: 13),
        TaintFlag(letter: "L", name: "softlockup", bit: 14),
        TaintFlag(letter: "K", name: "livepatch", bit: 15),
        TaintFlag(letter: "X", name: "aux", bit: 16),
        TaintFlag(letter: "T", name: "randstruct", bit: 17),
        TaintFlag(letter: "N", name: "test", bit: 18),
        TaintFlag(letter: "J", name: "fwctl", bit: 19),
    ]

    /// Decodes printed letters (`"G    B   W  OE"`); unknown letters are kept as `unknown_<c>`.
    public static func decode(_ printed: Substring) -> Taint {
        var letters = ""
        var flags: [String] = []
        for ch in printed where ch != " " {
            guard ch.isLetter, letters.count < 32 else { continue }
            letters.append(ch)
            // `G` is what bit 0 prints when it is clear (only GPL modules): not a taint.
            if ch == "G" { continue }
            if let flag = table.first(where: { $0.letter == ch }) {
                flags.append(flag.name)
            } else {
                flags.append("unknown_\(ch)")
            }
        }
        return Taint(letters: letters, flags: flags)
    }

    public static let untainted = Taint(letters: "", flags: [])
}
