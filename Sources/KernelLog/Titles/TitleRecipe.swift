import KernelFacts

/// One row of the title recipe table (`TitleRecipes.table`): which reports it titles (a header
/// family and a test of the header's text after its literal), the title template (`{F}` marks
/// the guilty frame), the kind, how the guilty frame is found, alternative titles, whether a
/// stack is due (its absence makes the report `corrupted`), and the kernel versions whose format
/// it reads.
struct TitleRecipe: Sendable {
    /// A test of the header text after the literal (`detail`).
    enum Match: Sendable {
        /// Any text (the family alone decides).
        case always
        /// Nothing after the literal.
        case empty
        /// Starts with one of the strings.
        case prefix([String])
        /// Starts with one of the strings, ignoring ASCII case (lockdep's banners changed case
        /// across versions: `BUG: held lock freed!` became `WARNING: held lock freed!`).
        case prefixIgnoringCase([String])
        /// Contains the string.
        case contains(String)
        /// Contains one of the strings.
        case containsAny([String])
        /// Every test holds.
        case all([Match])

        func matches(_ detail: Substring) -> Bool {
            switch self {
            case .always: return true
            case .empty: return detail.isEmpty
            case .prefix(let prefixes): return prefixes.contains { detail.hasBytePrefix($0) }
            case .prefixIgnoringCase(let prefixes):
                let lowered = detail.prefix(64).lowercased()
                return prefixes.contains { lowered.hasPrefix($0.lowercased()) }
            case .contains(let text): return detail.containsBytes(text)
            case .containsAny(let texts): return texts.contains { detail.containsBytes($0) }
            case .all(let tests): return tests.allSatisfy { $0.matches(detail) }
            }
        }
    }

    /// How the title is made.
    enum Build: Sendable {
        /// The template with the guilty frame the rule finds (`corrupted` when there is none).
        case frame(GuiltyFrameRule)
        /// The template as it is: the header alone names the bug.
        case fixed
        /// The template as it is, marked corrupted for the reason given.
        case corrupted(String)
        /// The header line itself (no recipe knows more about it).
        case headerLine
        /// A format with its own structure (KASAN's access line, lockdep's chain, a WARN's file
        /// and function): the title rule written out in `TitleEngine`.
        case custom(@Sendable (TitleEngine, Substring) -> TitleResult)
    }

    var family: HeaderFamily
    var match: Match = .always
    var template = ""
    var kind: CrashKind
    var build: Build
    var alts: [String] = []
    var expectsStack = true
    /// Where the format comes from: the kernel versions and printk sites it reads.
    var formats: String
}

extension TitleEngine {
    /// Titles the report with the first recipe of the table whose family and text match.
    func make() -> TitleResult {
        let detail = afterLiteral
        for recipe in TitleRecipes.table where recipe.family == header.family && recipe.match.matches(detail) {
            return apply(recipe, detail: detail)
        }
        return TitleResult(rawTitle, kind: .other, expectsStack: false)
    }

    func apply(_ recipe: TitleRecipe, detail: Substring) -> TitleResult {
        switch recipe.build {
        case .frame(let rule):
            return titled(
                recipe.template, kind: recipe.kind, pick: guilty(rule), alts: recipe.alts,
                expectsStack: recipe.expectsStack)
        case .fixed:
            return TitleResult(recipe.template, kind: recipe.kind, expectsStack: recipe.expectsStack)
        case .corrupted(let reason):
            return TitleResult(recipe.template, kind: recipe.kind, corrupted: reason)
        case .headerLine:
            return TitleResult(rawTitle, kind: recipe.kind, expectsStack: recipe.expectsStack)
        case .custom(let rule):
            return rule(self, detail)
        }
    }
}
