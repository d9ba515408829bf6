import KernelFacts
import KtriageBytes

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The per-line prefilter: finds whether any header literal occurs in a line, by bytes.
///
/// Literals of eight bytes or more: each has one 8-byte *anchor*, the window of the literal whose
/// 4-byte grams ordinary messages hold least: counted in the kernel's own format strings
/// (``GeneratedCommonGrams``; grams with a digit count as common, numbers being printed
/// everywhere), then the window least made of common letter pairs. An anchor holding `ing ` or
/// `nter` (`Booting the kernel.`, `Internal error:`) sent 30% of a console log's lines
/// to the closer look below; the kernel's counts cut that to about a tenth. A literal that
/// holds another (`Oops: 0000 [#` holds `Oops: `) needs no search of its own. An anchor
/// anywhere in a line covers exactly one of the 4-byte grams ending at positions 5k+7, so only
/// those grams are looked up, in a 32 KB bitmap of the grams inside anchors. The lookups do not
/// depend on each other (a Wu–Manber jump does, and waits on each load; byte pairs instead of
/// grams matched in ordinary text four times a line). Only where a gram is known are the
/// windows that could hold it in an anchor hashed against an 8 KB bitmap, and only then are
/// literals compared in full. Shorter literals (`BUG:`, `INFO:`, `int3:`, `panic:`, `Oops: `, `UBSAN:`)
/// all end in a colon after one of a few bytes: a line is first checked sixteen bytes at a time
/// for such a pair, and only then are the colons' preceding bytes compared in full.
/// Storage is flat: ordinary lines cost no allocation and no reference counting.
// `@unchecked`: the bitmaps behind the pointers are written in `init` only and read-only after.
final class HeaderPrefilter: @unchecked Sendable {
    static let window = 8
    /// Bitmap of the hashed 4-byte grams of all anchors (``gramHash(_:)``, 262,144 bits, 32 KB:
    /// 0.15% of it set, so an ordinary line rarely finds a gram it must look at more closely).
    /// Both bitmaps live in one allocation owned by the prefilter, so the per-line loop reads
    /// them through a plain pointer (no array bounds checks, no closures).
    private let gramBits: UnsafeMutablePointer<UInt64>
    static let gram = 4
    /// Where in an anchor each gram stands (bit k: it starts k bytes in), by the top 14 bits of
    /// its hash (16 KB; grams that share a slot share their bits): a line whose gram is known
    /// then has one or two windows to hash, not all five. Read only when a gram is known.
    private let gramPlaces: UnsafeMutablePointer<UInt8>
    static let placeShift = 4
    private let bitmap: UnsafeMutablePointer<UInt64>
    /// Anchor of each long literal, as loaded little-endian from memory, and its offset in it.
    private let anchors: [UInt64]
    private let anchorOffsets: [Int]
    /// Start of each long literal in `bytes`, and the end as the next start.
    private let starts: [Int]
    private let bytes: [UInt8]
    /// Short literals (all end in a colon, or a colon and a space), by the byte before their
    /// colon: bit k of entry b is set when short literal k has b there. Only those literals are
    /// compared at a colon, so most colons cost one lookup.
    private let shortByLastByte: UnsafeMutablePointer<UInt32>
    /// Per short literal: its bytes before the colon, loaded little-endian; their count; whether
    /// a space must follow the colon.
    private let shortWords: [ShortLiteral]
    /// The distinct bytes before the short literals' colons, each in all lanes (repeated to fill
    /// eight when there are fewer).
    private let shortEnds:
        (
            SIMD16<UInt8>, SIMD16<UInt8>, SIMD16<UInt8>, SIMD16<UInt8>,
            SIMD16<UInt8>, SIMD16<UInt8>, SIMD16<UInt8>, SIMD16<UInt8>
        )

    struct ShortLiteral {
        var word: UInt64
        var length: Int
        var needsSpace: Bool
    }

    @inline(__always) static func gramHash(_ gram: UInt32) -> Int {
        Int(truncatingIfNeeded: (UInt64(gram) &* 0x9E37_79B9_7F4A_7C15) >> 46)
    }

    @inline(__always) static func hash(_ word: UInt64) -> Int {
        Int(truncatingIfNeeded: (word &* 0x9E37_79B9_7F4A_7C15) >> 48)
    }

    /// Letter pairs frequent in English and kernel chatter; anchors avoid them.
    static let commonPairs: Set<String> = [
        "th", "he", "in", "er", "an", "re", "on", "at", "en", "nd", "ti", "es", "or", "te", "of", "ed", "is", "it",
        "al", "ar", "st", "to", "nt", "ng", "se", "ha", "as", "ou", "io", "le", "ve", "co", "me", "de", "hi", "ri",
        "ro", "ic", "ne", "ea", "ra", "ce", "li", "ch", "ll", "be", "ma", "si", "om", "ur", "ta", "ec", "ct", "ul",
        "ke", "rn", "el", "ge", "ac", "pa", "ni", "un", "us", "ag", "ca", "ai", "ad", "et", "em", "il", "tr",
        "ev", "vi", "ss", "ns", "ow", "fa", "au", "lt", "ol", "mo", "ry", "no", "so", "ut", "pe", "la", "ue",
    ]

    static func commonness(_ first: UInt8, _ second: UInt8) -> Int {
        func letter(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z") }
        let space = UInt8(ascii: " ")
        if first == space || second == space {
            return (letter(first) || letter(second) || ByteScanning.isDigit(first) || ByteScanning.isDigit(second))
                ? 2 : 3
        }
        if ByteScanning.isDigit(first) || ByteScanning.isDigit(second) { return 2 }
        guard letter(first), letter(second) else { return 0 }
        return commonPairs.contains(String(decoding: [first, second], as: UTF8.self)) ? 2 : 1
    }

    /// How many of the kernel's format pieces hold each common gram (loaded as ``gramHash(_:)``
    /// loads it); the most frequent count for grams with a digit.
    static func gramCounts() -> (counts: [UInt32: Int], digits: Int) {
        let grams = Array(GeneratedCommonGrams.gramRows.joined().utf8)
        var counts: [UInt32: Int] = [:]
        for (index, pieces) in GeneratedCommonGrams.pieces.enumerated() where index * gram + gram <= grams.count {
            counts[gramValue(grams, at: index * gram)] = pieces
        }
        return (counts, GeneratedCommonGrams.pieces.max() ?? 0)
    }

    static func gramValue(_ bytes: [UInt8], at start: Int) -> UInt32 {
        (0..<gram).reduce(0) { $0 | UInt32(bytes[start + $1]) << UInt32(8 * $1) }
    }

    /// The start of `literal`'s anchor: the window whose grams the kernel prints least, then the
    /// one least made of common letter pairs, then the first.
    static func anchorStart(_ literal: [UInt8], counts: [UInt32: Int], digitCount: Int) -> Int {
        func cost(_ start: Int) -> (grams: Int, pairs: Int) {
            let grams = (0...(window - gram)).reduce(0) { sum, offset in
                let piece = literal[(start + offset)..<(start + offset + gram)]
                if piece.contains(where: ByteScanning.isDigit) { return sum + digitCount }
                return sum + (counts[gramValue(literal, at: start + offset)] ?? 0)
            }
            let pairs = (1..<window).reduce(0) { $0 + commonness(literal[start + $1 - 1], literal[start + $1]) }
            return (grams, pairs)
        }
        return (0...(literal.count - window)).min { cost($0) < cost($1) } ?? 0
    }

    init(literals: [String]) {
        let window = Self.window
        let distinct = Set(literals).sorted().map { Array($0.utf8) }
        // A line holding a literal that holds another holds that other one too. Compared as
        // bytes: `String.contains` went through Foundation's locale-aware search, and these
        // 80 × 80 searches were a third of a small log's scan.
        let all = distinct.filter { literal in
            !distinct.contains { other in
                other != literal && literal.withUnsafeBytes { ByteScanning.firstIndex(of: other, in: $0) != nil }
            }
        }
        let long = all.filter { $0.count >= window }
        let (counts, digitCount) = Self.gramCounts()
        let anchorOffsets = long.map { Self.anchorStart($0, counts: counts, digitCount: digitCount) }
        var gramBits = [UInt64](repeating: 0, count: 4096)
        gramPlaces = .allocate(capacity: 1 << (18 - Self.placeShift))
        gramPlaces.initialize(repeating: 0, count: 1 << (18 - Self.placeShift))
        var anchors: [UInt64] = []
        var bitmap = [UInt64](repeating: 0, count: 1024)
        for (literal, anchorStart) in zip(long, anchorOffsets) {
            for gramStart in 0...(window - Self.gram) {
                var gram: UInt32 = 0
                for byteIndex in 0..<Self.gram {
                    gram |= UInt32(literal[anchorStart + gramStart + byteIndex]) << UInt32(8 * byteIndex)
                }
                let hash = Self.gramHash(gram)
                gramBits[hash >> 6] |= 1 << UInt64(hash & 63)
                gramPlaces[hash >> Self.placeShift] |= 1 << UInt8(gramStart)
            }
            var word: UInt64 = 0
            for byteIndex in 0..<window { word |= UInt64(literal[anchorStart + byteIndex]) << UInt64(8 * byteIndex) }
            anchors.append(word)
            let hash = Self.hash(word)
            bitmap[hash >> 6] |= 1 << UInt64(hash & 63)
        }
        var starts: [Int] = []
        var flat: [UInt8] = []
        for literal in long {
            starts.append(flat.count)
            flat.append(contentsOf: literal)
        }
        starts.append(flat.count)
        var shortWords: [ShortLiteral] = []
        shortByLastByte = .allocate(capacity: 256)
        shortByLastByte.initialize(repeating: 0, count: 256)
        for literal in all where literal.count < window {
            // Every short literal ends in `:` or `: ` (checked by the header table's tests).
            guard let colon = literal.lastIndex(of: UInt8(ascii: ":")), colon > 0 else { continue }
            precondition(shortWords.count < 32, "more short header literals than the colon table holds")
            let word = literal[..<colon].reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
            shortByLastByte[Int(literal[colon - 1])] |= 1 << UInt32(shortWords.count)
            shortWords.append(ShortLiteral(word: word, length: colon, needsSpace: colon + 1 < literal.count))
        }
        self.shortWords = shortWords
        let endTable = shortByLastByte
        let endBytes = (0..<256).filter { endTable[$0] != 0 }.map { UInt8($0) }
        precondition(!endBytes.isEmpty && endBytes.count <= 8, "short literals must end in one to eight distinct bytes")
        let ends = (0..<8).map { SIMD16<UInt8>(repeating: endBytes[min($0, endBytes.count - 1)]) }
        shortEnds = (ends[0], ends[1], ends[2], ends[3], ends[4], ends[5], ends[6], ends[7])
        let storage = UnsafeMutablePointer<UInt64>.allocate(capacity: gramBits.count + bitmap.count)
        storage.initialize(from: gramBits, count: gramBits.count)
        (storage + gramBits.count).initialize(from: bitmap, count: bitmap.count)
        self.gramBits = storage
        self.bitmap = storage + gramBits.count
        self.anchors = anchors
        self.anchorOffsets = anchorOffsets
        self.starts = starts
        self.bytes = flat
    }

    static let shared = HeaderPrefilter(literals: CrashHeaders.literals)

    func mayContainHeader(_ line: UnsafeRawBufferPointer) -> Bool {
        guard line.count >= 4, let base = line.baseAddress else { return false }
        return hasShortLiteral(base, line.count) || hasLongLiteral(base, line.count)
    }

    private func hasShortLiteral(_ base: UnsafeRawPointer, _ count: Int) -> Bool {
        // Most lines hold no colon after one of the few bytes that end a short literal's word:
        // one pass without a branch per block says so (each block compared with the block one
        // byte behind it), and only a line where such a pair occurs gets the exact look.
        guard count > 16 else { return exactShortLiteral(base, count) }
        let colonLanes = SIMD16<UInt8>(repeating: UInt8(ascii: ":"))
        var pairs = SIMDMask<SIMD16<Int8>>(repeating: false)
        var index = 1  // a colon at 0 ends no literal
        while true {
            // The last block overlaps the one before it rather than running past the line.
            let start = Swift.min(index, count &- 16)
            let block = base.loadUnaligned(fromByteOffset: start, as: SIMD16<UInt8>.self)
            let before = base.loadUnaligned(fromByteOffset: start &- 1, as: SIMD16<UInt8>.self)
            pairs .|= (block .== colonLanes) .& endsShortWord(before)
            index &+= 16
            if start == count &- 16 { break }
        }
        // Lanes are all ones or all zeros; `any` is compiled to a call here.
        let lanes = unsafeBitCast(pairs, to: SIMD2<UInt64>.self)
        return lanes[0] | lanes[1] != 0 && exactShortLiteral(base, count)
    }

    /// Lanes of `bytes` that are the last byte before the colon of some short literal.
    @inline(__always)
    private func endsShortWord(_ bytes: SIMD16<UInt8>) -> SIMDMask<SIMD16<Int8>> {
        let ends = shortEnds
        var found = bytes .== ends.0
        found .|= bytes .== ends.1
        found .|= bytes .== ends.2
        found .|= bytes .== ends.3
        found .|= bytes .== ends.4
        found .|= bytes .== ends.5
        found .|= bytes .== ends.6
        found .|= bytes .== ends.7
        return found
    }

    /// Whether a short literal ends at one of the line's colons.
    private func exactShortLiteral(_ base: UnsafeRawPointer, _ count: Int) -> Bool {
        // Colons sixteen bytes at a time (one compare, and a test of the whole mask, per block),
        // then eight: a `memchr` call per colon cost more than the search on lines with several
        // (`pci 0000:00:1f.2: …`); sixteen instead of eight measured 1–3% less on whole scans.
        var index = 0
        let colonLanes = SIMD16<UInt8>(repeating: UInt8(ascii: ":"))
        while index &+ 16 <= count {
            let block = base.loadUnaligned(fromByteOffset: index, as: SIMD16<UInt8>.self)
            let found = block .== colonLanes
            if any(found) {
                // Lanes are all ones or all zeros: one high bit per colon.
                let lanes = unsafeBitCast(found, to: SIMD2<UInt64>.self)
                if colonEndsShortLiteral(lanes[0] & 0x8080_8080_8080_8080, from: index, base, count)
                    || colonEndsShortLiteral(lanes[1] & 0x8080_8080_8080_8080, from: index &+ 8, base, count)
                {
                    return true
                }
            }
            index &+= 16
        }
        let ones: UInt64 = 0x0101_0101_0101_0101
        let colons = ones &* UInt64(UInt8(ascii: ":"))
        if index &+ 8 <= count {
            let word = UInt64(littleEndian: base.loadUnaligned(fromByteOffset: index, as: UInt64.self)) ^ colons
            // The zero-byte test may also flag a byte just above a colon: each is checked.
            if colonEndsShortLiteral((word &- ones) & ~word & 0x8080_8080_8080_8080, from: index, base, count) {
                return true
            }
            index &+= 8
        }
        while index < count {
            if base.load(fromByteOffset: index, as: UInt8.self) == UInt8(ascii: ":"),
                shortLiteralEnds(at: index, base, count)
            {
                return true
            }
            index &+= 1
        }
        return false
    }

    /// Whether a colon flagged in `hits` (the high bit of each byte of the eight at `start` that
    /// may be one) is one that ends a short literal.
    @inline(__always)
    private func colonEndsShortLiteral(_ hits: UInt64, from start: Int, _ base: UnsafeRawPointer, _ count: Int)
        -> Bool
    {
        var hits = hits
        while hits != 0 {
            let colon = start &+ hits.trailingZeroBitCount &>> 3
            if base.load(fromByteOffset: colon, as: UInt8.self) == UInt8(ascii: ":"),
                shortLiteralEnds(at: colon, base, count)
            {
                return true
            }
            hits &= hits &- 1
        }
        return false
    }

    /// Whether a short literal ends with the colon at `colon`.
    @inline(__always)
    private func shortLiteralEnds(at colon: Int, _ base: UnsafeRawPointer, _ count: Int) -> Bool {
        guard colon > 0 else { return false }
        var candidates = shortByLastByte[Int(base.load(fromByteOffset: colon &- 1, as: UInt8.self))]
        while candidates != 0 {
            let short = shortWords.withUnsafeBufferPointer { $0[candidates.trailingZeroBitCount] }
            candidates &= candidates &- 1
            guard colon >= short.length else { continue }
            if short.needsSpace,
                colon &+ 1 >= count || base.load(fromByteOffset: colon &+ 1, as: UInt8.self) != UInt8(ascii: " ")
            {
                continue
            }
            var word: UInt64 = 0
            for offset in 1...short.length {
                word = word << 8 | UInt64(base.load(fromByteOffset: colon &- offset, as: UInt8.self))
            }
            if word == short.word { return true }
        }
        return false
    }

    deinit {
        gramBits.deallocate()
        gramPlaces.deallocate()
        shortByLastByte.deallocate()
    }

    private func hasLongLiteral(_ base: UnsafeRawPointer, _ count: Int) -> Bool {
        // Window 8, gram 4: grams are looked up every 5 bytes; wrapping arithmetic is safe as
        // every offset stays within `count`.
        guard count >= 8 else { return false }
        let grams = gramBits
        @inline(__always) func known(_ end: Int) -> Bool {
            let gram = UInt32(littleEndian: base.loadUnaligned(fromByteOffset: end &- 3, as: UInt32.self))
            let hash = Self.gramHash(gram)
            return grams[hash &>> 6] & (1 &<< UInt64(truncatingIfNeeded: hash & 63)) != 0
        }
        var end = 7  // last byte of the gram looked up
        while end < count {
            // Four independent lookups per round; almost every line finds nothing.
            if end &+ 15 < count {
                if !(known(end) || known(end &+ 5) || known(end &+ 10) || known(end &+ 15)) {
                    end &+= 20
                    continue
                }
            }
            if known(end), anchorEndsAround(end, base, count) { return true }
            end &+= 5
        }
        return false
    }

    /// Whether an anchor holding the gram that ends at `end` starts 3…7 bytes before it, and
    /// its literal is there in full: only the windows where the gram stands in some anchor.
    private func anchorEndsAround(_ end: Int, _ base: UnsafeRawPointer, _ count: Int) -> Bool {
        let window = Self.window
        let gram = UInt32(littleEndian: base.loadUnaligned(fromByteOffset: end - (Self.gram - 1), as: UInt32.self))
        var places = gramPlaces[Self.gramHash(gram) >> Self.placeShift]
        while places != 0 {
            let start = end - (Self.gram - 1) - places.trailingZeroBitCount
            places &= places &- 1
            guard start >= 0, start + window <= count else { continue }
            let word = UInt64(littleEndian: base.loadUnaligned(fromByteOffset: start, as: UInt64.self))
            let hash = Self.hash(word)
            if bitmap[hash >> 6] & (1 << UInt64(hash & 63)) != 0, matches(base, count, window: start, word) {
                return true
            }
        }
        return false
    }

    private func matches(_ base: UnsafeRawPointer, _ count: Int, window: Int, _ word: UInt64) -> Bool {
        for literal in anchors.indices where anchors[literal] == word {
            let start = window - anchorOffsets[literal]
            let length = starts[literal + 1] - starts[literal]
            guard start >= 0, start + length <= count else { continue }
            var matched = 0
            let from = starts[literal]
            while matched < length, bytes[from + matched] == base.load(fromByteOffset: start + matched, as: UInt8.self)
            {
                matched += 1
            }
            if matched == length { return true }
        }
        return false
    }
}
