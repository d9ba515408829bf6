import KernelFacts
import KtriageTestSupport
import Testing

@testable import KernelLog

/// The title recipe table: every header family has a recipe, and every row says what it reads.
@Suite struct TitleRecipeTests {
    @Test("every header family of the header table has a recipe whose test takes any text")
    func everyFamilyHasACatchAll() {
        let families = Set(CrashHeaders.table.map { "\($0.family)" })
        let caughtAll = Set(
            TitleRecipes.table.filter {
                if case .always = $0.match { return true }
                return false
            }.map { "\($0.family)" })
        let uncaught = families.subtracting(caughtAll)
        #expect(uncaught.isEmpty, "families without a catch-all row: \(uncaught.sorted())")
    }

    @Test("frame rows have a {F} slot, fixed rows none, and every row names its format")
    func rowsAreWellFormed() {
        for recipe in TitleRecipes.table {
            #expect(!recipe.formats.isEmpty, "\(recipe.family) \(recipe.template)")
            switch recipe.build {
            case .frame: #expect(recipe.template.contains("{F}"), "\(recipe.template)")
            case .fixed, .corrupted: #expect(!recipe.template.isEmpty && !recipe.template.contains("{F}"))
            case .headerLine, .custom: #expect(recipe.template.isEmpty, "\(recipe.template)")
            }
            #expect(recipe.alts.allSatisfy { $0.contains("{F}") })
        }
    }

    @Test(
        "a header takes the first matching row of its family",
        arguments: [
            (
                "BUG: unable to handle kernel NULL pointer dereference at 0000000000000008",
                "BUG: unable to handle kernel NULL pointer dereference in corrupted"
            ),
            ("BUG: unable to handle kernel", "BUG: unable to handle kernel"),
            ("BUG: Bad rss-counter state mm:ffff8880 idx:1 val:2", "BUG: Bad rss-counter state"),
            (
                "WARNING: kernel stack frame pointer at ffffc900 in a:1 has bad value 0",
                "WARNING: kernel stack frame pointer has bad value"
            ),
            ("INFO: something new happened", "INFO: something new happened"),
        ])
    func firstMatchingRow(_ header: String, _ title: String) throws {
        let found = try #require(CrashHeaders.table.first { header.contains($0.literal) })
        let result = TitleEngine(lines: [header], header: found).make()
        #expect(result.title == title)
    }

    /// The literals a row's test looks for.
    static func literals(of match: TitleRecipe.Match) -> [String] {
        switch match {
        case .always, .empty: []
        case .prefix(let texts), .prefixIgnoringCase(let texts), .containsAny(let texts): texts
        case .contains(let text): [text]
        case .all(let tests): tests.flatMap(literals(of:))
        }
    }

    @Test("every row titles texts made of its own literals, overlapped and cut, without trapping")
    func rowsTakeTheirOwnLiterals() {
        var titled = 0
        for recipe in TitleRecipes.table {
            guard let header = CrashHeaders.table.first(where: { $0.family == recipe.family }) else { continue }
            // `using ` + ` in preemptible` overlapped (`using in preemptible`): a range found on
            // the shared space once ended before it began.
            for detail in MarkerTexts.texts(Self.literals(of: recipe.match)) + ["(", ")", ":"] {
                let lines = [header.literal + " " + detail, "Call Trace:", " foo_bar+0x1/0x2", " baz+0x3/0x4"]
                let engine = TitleEngine(lines: lines, header: header)
                let made = engine.make()
                #expect(!made.title.isEmpty, "\(lines[0])")
                if recipe.match.matches(engine.afterLiteral) {
                    _ = engine.apply(recipe, detail: engine.afterLiteral)
                    titled += 1
                }
            }
        }
        #expect(titled > 500)
    }

    /// Templates put log text before the frame marker; the marker was replaced everywhere, so a
    /// log line holding `{F}` got the frame's name inside its own text.
    @Test("a report whose text holds {F} keeps it; only the template's own marker takes the frame")
    func markerInLogText() throws {
        let header = try #require(CrashHeaders.table.first { $0.literal == "BUG:" })
        let lines = [
            "BUG: spinlock {F} wrong owner on CPU#0, swapper/0/1", "Call Trace:", " <TASK>",
            " do_raw_spin_unlock+0x1c/0x70", " tty_write+0x10/0x20", " </TASK>",
        ]
        let title = TitleEngine(lines: lines, header: header).make().title
        #expect(title.hasPrefix("BUG: spinlock {F} wrong owner in "), "\(title)")
        #expect(!title.hasSuffix("{F}"))
        #expect(TitleEngine.fill("WARNING in {F}/usb_submit_urb", with: "f") == "WARNING in f/usb_submit_urb")
        #expect(TitleEngine.fill("a {F} in {F}", with: "f") == "a {F} in f")
    }
}
