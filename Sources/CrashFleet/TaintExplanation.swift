import KernelLog

/// What each taint letter means, in words for a bug report (kernel `Documentation/admin-guide/
/// tainted-kernels.rst`). Data, like the letter table in `Taint`.
public enum TaintExplanation {
    public static let meanings: [Character: String] = [
        "P": "proprietary module loaded",
        "G": "only GPL-compatible modules loaded",
        "F": "module loaded by force",
        "S": "kernel running on an out-of-specification system",
        "R": "module unloaded by force",
        "M": "processor reported a machine check exception",
        "B": "bad page referenced or unexpected page flags seen",
        "U": "taint requested by user space",
        "D": "kernel died recently (an earlier oops or BUG)",
        "A": "ACPI table overridden by the user",
        "W": "kernel issued a warning earlier",
        "C": "staging driver loaded",
        "I": "firmware bug worked around",
        "O": "externally built (out-of-tree) module loaded",
        "E": "unsigned module loaded",
        "L": "soft lockup occurred earlier",
        "K": "kernel live-patched",
        "X": "auxiliary taint (distribution-defined)",
        "T": "kernel built with the struct randomization plugin",
        "N": "in-kernel test run (e.g. KUnit)",
        "J": "userspace used a mutating debug operation in fwctl",
    ]

    /// `W: kernel issued a warning earlier` for each letter set (spaces and `G` skipped when
    /// other letters are set).
    public static func explain(_ taint: Taint) -> [String] {
        var lines: [String] = []
        for letter in taint.letters where letter != " " {
            if letter == "G" && taint.letters.contains(where: { $0 != "G" && $0 != " " }) { continue }
            lines.append("\(letter): " + (meanings[letter] ?? "unknown taint letter"))
        }
        return lines
    }
}
