/// One taint flag: its bit in `/proc/sys/kernel/tainted`, the letter `print_tainted()` prints when
/// it is set, its name and what it means.
///
/// Source: `taint_flags[]` in `kernel/panic.c` (letters, bits) and
/// `Documentation/admin-guide/tainted-kernels.rst` (meanings), checked against 6.1. Only bit 0
/// prints a letter when clear (`G`: every module is GPL-compatible); the others print a space,
/// which some kernels keep (`Tainted: G        W`).
public struct TaintFlag: Sendable, Equatable {
    public let letter: Character
    public let bit: Int
    /// `TAINT_*` in lower case, without the prefix's noise (`oot_module`, `warn`).
    public let name: String
    /// What the flag says, in words for a bug report.
    public let meaning: String
    /// The first kernel that prints the letter, where known.
    public let since: String?

    /// The table, by bit: data, so a new kernel letter is one entry.
    public static let all: [TaintFlag] = [
        TaintFlag(letter: "P", bit: 0, name: "proprietary_module", meaning: "proprietary module loaded", since: nil),
        TaintFlag(letter: "F", bit: 1, name: "forced_module", meaning: "module loaded by force", since: nil),
        TaintFlag(
            letter: "S", bit: 2, name: "cpu_out_of_spec",
            meaning: "kernel running on an out-of-specification system", since: nil),
        TaintFlag(letter: "R", bit: 3, name: "forced_rmmod", meaning: "module unloaded by force", since: nil),
        TaintFlag(
            letter: "M", bit: 4, name: "machine_check", meaning: "processor reported a machine check exception",
            since: nil),
        TaintFlag(
            letter: "B", bit: 5, name: "bad_page", meaning: "bad page referenced or unexpected page flags seen",
            since: nil),
        TaintFlag(letter: "U", bit: 6, name: "user", meaning: "taint requested by user space", since: nil),
        TaintFlag(
            letter: "D", bit: 7, name: "died", meaning: "kernel died recently (an earlier oops or BUG)", since: nil),
        TaintFlag(
            letter: "A", bit: 8, name: "overridden_acpi_table", meaning: "ACPI table overridden by the user",
            since: nil),
        TaintFlag(letter: "W", bit: 9, name: "warn", meaning: "kernel issued a warning earlier", since: nil),
        TaintFlag(letter: "C", bit: 10, name: "crap", meaning: "staging driver loaded", since: nil),
        TaintFlag(letter: "I", bit: 11, name: "firmware_workaround", meaning: "firmware bug worked around", since: nil),
        TaintFlag(
            letter: "O", bit: 12, name: "oot_module", meaning: "externally built (out-of-tree) module loaded",
            since: "3.2"),
        TaintFlag(letter: "E", bit: 13, name: "unsigned_module", meaning: "unsigned module loaded", since: "3.15"),
        TaintFlag(letter: "L", bit: 14, name: "softlockup", meaning: "soft lockup occurred earlier", since: nil),
        TaintFlag(letter: "K", bit: 15, name: "livepatch", meaning: "kernel live-patched", since: "4.0"),
        TaintFlag(
            letter: "X", bit: 16, name: "aux", meaning: "auxiliary taint (distribution-defined)", since: "4.15"),
        TaintFlag(
            letter: "T", bit: 17, name: "randstruct",
            meaning: "kernel built with the struct randomization plugin", since: "5.11"),
        TaintFlag(letter: "N", bit: 18, name: "test", meaning: "in-kernel test run (e.g. KUnit)", since: "5.19"),
        // Not in 6.1's table: added with the fwctl subsystem.
        TaintFlag(
            letter: "J", bit: 19, name: "fwctl",
            meaning: "userspace used a mutating debug operation in fwctl", since: "6.15"),
    ]

    /// The letter bit 0 prints when it is clear: not a taint.
    public static let untaintedLetter: Character = "G"
    /// What ``untaintedLetter`` means.
    public static let untaintedMeaning = "only GPL-compatible modules loaded"

    /// The flag a letter stands for; `nil` for `G` and unknown letters.
    public static func flag(letter: Character) -> TaintFlag? {
        all.first { $0.letter == letter }
    }

    /// What a printed letter means, `G` included; `nil` for a letter no kernel prints.
    public static func meaning(ofLetter letter: Character) -> String? {
        letter == untaintedLetter ? untaintedMeaning : flag(letter: letter)?.meaning
    }
}
