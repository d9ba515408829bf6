#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A long pattern list (the global skip list holds about 470) made ready to test many frame
/// names: each pattern is filed under its first two bytes, so a name is compared only with the
/// patterns that start (prefix, exact) or occur (contains) where its own bytes do, instead of
/// with every pattern in turn. Answers exactly as ``FramePattern/matches(_:)`` over the list.
///
/// ASCII names are matched by bytes. `String`'s `hasPrefix`, `hasSuffix` and `==` compare by
/// canonical equivalence, which for a name with other characters can differ from its bytes
/// (`"\u{212A}"` equals `"K"`), so such names take the list's own path.
struct FramePatternSet: Sendable {
    let patterns: [FramePattern]
    /// Pattern bytes, flat; an entry's bytes are `bytes[start..<start + length]`.
    private let bytes: [UInt8]
    private let entries: [Entry]
    /// Entry indexes by bucket (``bucket(_:_:)`` of the pattern's first two bytes), flat:
    /// bucket b's are `bucketed[bucketStarts[b]..<bucketStarts[b + 1]]`.
    private let bucketStarts: [Int]
    private let bucketed: [Int]
    /// Patterns too short to file (fewer than two bytes), and suffixes: tried on every name.
    private let unfiled: [Int]

    private struct Entry: Sendable {
        enum Kind: Sendable { case prefix, exact, contains, suffix }
        var kind: Kind
        var start: Int
        var length: Int
    }

    private static let bucketCount = 1024

    @inline(__always)
    private static func bucket(_ first: UInt8, _ second: UInt8) -> Int {
        (Int(first) &* 31 &+ Int(second)) & (bucketCount - 1)
    }

    init(_ patterns: [FramePattern]) {
        self.patterns = patterns
        var bytes: [UInt8] = []
        var entries: [Entry] = []
        for pattern in patterns {
            let (kind, text): (Entry.Kind, String) =
                switch pattern {
                case .prefix(let text): (.prefix, text)
                case .exact(let text): (.exact, text)
                case .contains(let text): (.contains, text)
                case .suffix(let text): (.suffix, text)
                }
            entries.append(Entry(kind: kind, start: bytes.count, length: text.utf8.count))
            bytes.append(contentsOf: text.utf8)
        }
        var buckets = [[Int]](repeating: [], count: Self.bucketCount)
        var unfiled: [Int] = []
        for (index, entry) in entries.enumerated() {
            if entry.kind == .suffix || entry.length < 2 {
                unfiled.append(index)
            } else {
                buckets[Self.bucket(bytes[entry.start], bytes[entry.start + 1])].append(index)
            }
        }
        var starts = [0]
        for bucket in buckets { starts.append(starts[starts.count - 1] + bucket.count) }
        self.bytes = bytes
        self.entries = entries
        self.bucketStarts = starts
        self.bucketed = buckets.flatMap { $0 }
        self.unfiled = unfiled
    }

    /// Whether any pattern matches `name`.
    func matchesAny(_ name: String) -> Bool {
        var name = name
        guard name.utf8.allSatisfy({ $0 < 0x80 }) else { return patterns.matchesAny(name) }
        return name.withUTF8 { matches(UnsafeRawBufferPointer($0)) }
    }

    private func matches(_ name: UnsafeRawBufferPointer) -> Bool {
        bytes.withUnsafeBytes { patternBytes in
            for index in unfiled where matches(entries[index], at: nil, name, patternBytes) { return true }
            guard name.count >= 2 else { return false }
            var position = 0
            while position + 1 < name.count {
                let bucket = Self.bucket(name[position], name[position + 1])
                for slot in bucketStarts[bucket]..<bucketStarts[bucket + 1]
                where matches(entries[bucketed[slot]], at: position, name, patternBytes) {
                    return true
                }
                position += 1
            }
            return false
        }
    }

    /// Whether `entry` matches `name` with its bytes at `position` (`nil`: wherever it must be).
    private func matches(
        _ entry: Entry, at position: Int?, _ name: UnsafeRawBufferPointer, _ patternBytes: UnsafeRawBufferPointer
    ) -> Bool {
        let start: Int
        switch entry.kind {
        case .prefix:
            guard position ?? 0 == 0 else { return false }
            start = 0
        case .exact:
            guard position ?? 0 == 0, name.count == entry.length else { return false }
            start = 0
        case .suffix:
            start = name.count - entry.length
        case .contains:
            guard let position else {
                // An unfiled (one-byte or empty) pattern: anywhere.
                return entry.length == 0 || name.contains(patternBytes[entry.start])
            }
            start = position
        }
        guard start >= 0, start + entry.length <= name.count else { return false }
        guard entry.length > 0, let nameBase = name.baseAddress, let patternBase = patternBytes.baseAddress else {
            return true
        }
        return memcmp(nameBase + start, patternBase + entry.start, entry.length) == 0
    }
}
