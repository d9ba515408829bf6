/// Texts made of the very literals a parser searches for, to run the parser on. Where a parser
/// finds one marker and slices up to another, a marker found inside the one before (`INFO: task
/// blocked for more than`: the second marker on the first one's own space) or a count of
/// characters mixed with a count of bytes once gave a range that ended before it began.
public enum MarkerTexts {
    /// A combining acute accent: after an ASCII marker it joins the marker's last character, so
    /// the text's character and byte counts disagree from there on.
    public static let combiningMark = "\u{301}"

    /// What is put after a marker: a word, a digit, a field, the combining mark alone and before a word.
    public static let tails = ["x", "1", " a:1", combiningMark, combiningMark + "x"]

    /// Each marker alone, cut short at either end, followed by each tail, and each pair joined:
    /// end to end, with the combining mark between, and overlapping where one ends as the other
    /// begins (up to 3 characters).
    public static func texts(_ markers: [String]) -> [String] {
        var texts: [String] = ["", " ", combiningMark]
        for marker in markers {
            texts += [marker, String(marker.dropLast()), String(marker.dropFirst()), combiningMark + marker]
            texts += tails.map { marker + $0 }
            for other in markers {
                texts += [marker + other, marker + combiningMark + other]
                for overlap in 1...3 where marker.hasSuffix(other.prefix(overlap)) && other.count > overlap {
                    texts.append(marker + other.dropFirst(overlap))
                }
            }
        }
        return texts
    }
}
