import KernelFacts

/// Taint letters and their decoded names.
///
/// Format notes: `G` is printed in place of `P` when that flag is clear, so it decodes to no flag.
/// The letters are ``TaintFlag/all``. `Not tainted` is printed when no flag is set; some kernels
/// print the letters with spaces for unset flags (`Tainted: G        W`), so spaces are ignored.
public struct Taint: Sendable, Codable, Equatable {
    /// The letters as printed (spaces removed).
    public var letters: String
    /// The decoded flag names, in letter order.
    public var flags: [String]

    public init(letters: String, flags: [String]) {
        self.letters = letters
        self.flags = flags
    }

    /// The taint table (KernelFacts' ``TaintFlag/all``).
    public static var table: [TaintFlag] { TaintFlag.all }

    /// Decodes printed letters (`"G    B   W  OE"`); unknown letters are kept as `unknown_<c>`.
    public static func decode(_ printed: Substring) -> Taint {
        var letters = ""
        var flags: [String] = []
        for letter in printed where letter != " " {
            guard letter.isLetter, letters.count < 32 else { continue }
            letters.append(letter)
            // `G` is what bit 0 prints when it is clear (only GPL modules): not a taint.
            if letter == TaintFlag.untaintedLetter { continue }
            flags.append(TaintFlag.flag(letter: letter)?.name ?? "unknown_\(letter)")
        }
        return Taint(letters: letters, flags: flags)
    }

    public static let untainted = Taint(letters: "", flags: [])

    /// `W: kernel issued a warning earlier` for each letter set (spaces skipped, and `G` when
    /// other letters are set).
    public var explanations: [String] {
        var lines: [String] = []
        for letter in letters where letter != " " {
            if letter == TaintFlag.untaintedLetter
                && letters.contains(where: { $0 != TaintFlag.untaintedLetter && $0 != " " })
            {
                continue
            }
            lines.append("\(letter): " + (TaintFlag.meaning(ofLetter: letter) ?? "unknown taint letter"))
        }
        return lines
    }
}
