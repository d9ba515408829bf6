#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Substring search on UTF-8 bytes, for checks run on every line of a report in progress:
/// Foundation's `contains` goes through CFString and costs thousands of instructions per call.
/// (`memmem` is a GNU extension that Glibc's module map hides; `memchr` on the first byte then a
/// compare is enough for these short needles.)
extension StringProtocol {
    func hasBytes(_ needle: StaticString) -> Bool {
        let needleBytes = UnsafeBufferPointer(start: needle.utf8Start, count: needle.utf8CodeUnitCount)
        let found = utf8.withContiguousStorageIfAvailable { haystack in
            utf8FirstRange(of: needleBytes, in: haystack) != nil
        }
        if let found { return found }
        return String(self).hasBytes(needle)
    }
}

/// The report code asks these of every line of a report. Foundation's `contains` and
/// `range(of:)` cross into CFString, and `Substring.hasPrefix` compares Character by Character
/// (about 10 million instructions to assemble one 30-line oops); these compare UTF-8 bytes, as
/// printk wrote them, with no Unicode normalisation. They have names of their own, so a reader
/// sees which search runs.
extension StringProtocol {
    func containsBytes(_ needle: String) -> Bool { utf8Range(of: needle) != nil }

    func hasBytePrefix(_ prefix: String) -> Bool {
        // One memcmp: the generic `starts(with:)` is a witness call per byte in a debug build.
        let found = utf8.withContiguousStorageIfAvailable { text in
            prefix.utf8.withContiguousStorageIfAvailable { wanted in
                guard wanted.count <= text.count else { return false }
                guard let textStart = text.baseAddress, let wantedStart = wanted.baseAddress else { return true }
                return memcmp(textStart, wantedStart, wanted.count) == 0
            }
        }
        if let found, let result = found { return result }
        return utf8.starts(with: prefix.utf8)
    }

    func byteRange(of needle: String) -> Range<String.Index>? {
        guard let found = utf8Range(of: needle) else { return nil }
        let lower = utf8.index(utf8.startIndex, offsetBy: found.lowerBound)
        let upper = utf8.index(lower, offsetBy: found.count)
        return lower..<upper
    }

    /// The last occurrence of `needle`, by bytes (Foundation's `.backwards` search crosses into
    /// CFString too).
    func lastByteRange(of needle: String) -> Range<String.Index>? {
        let needleBytes = Array(needle.utf8)
        let text = Array(utf8)
        guard !needleBytes.isEmpty, needleBytes.count <= text.count else { return nil }
        for start in stride(from: text.count - needleBytes.count, through: 0, by: -1)
        where text[start..<(start + needleBytes.count)].elementsEqual(needleBytes) {
            let lower = utf8.index(utf8.startIndex, offsetBy: start)
            return lower..<utf8.index(lower, offsetBy: needleBytes.count)
        }
        return nil
    }

    /// Byte offsets of the first occurrence of `needle` in the UTF-8 text.
    func utf8Range(of needle: String) -> Range<Int>? {
        // Native strings are contiguous UTF-8; the copies are for bridged or foreign ones.
        let found = utf8.withContiguousStorageIfAvailable { hay in
            needle.utf8.withContiguousStorageIfAvailable { needleBytes in utf8FirstRange(of: needleBytes, in: hay) }
        }
        if let found, let result = found { return result }
        return Array(utf8).withUnsafeBufferPointer { hay in utf8FirstRange(of: Array(needle.utf8)[...], in: hay) }
    }
}

/// Byte offsets of the first `needle` in `haystack`: `memchr` for its first byte, then a compare.
private func utf8FirstRange(
    of needle: UnsafeBufferPointer<UInt8>, in haystack: UnsafeBufferPointer<UInt8>
) -> Range<Int>? {
    guard let needleStart = needle.baseAddress, needle.count > 0 else { return 0..<0 }
    guard let haystackStart = haystack.baseAddress, haystack.count >= needle.count else { return nil }
    let firstByte = Int32(needleStart.pointee)
    let lastStart = haystack.count - needle.count
    var from = 0
    while from <= lastStart, let hit = memchr(haystackStart + from, firstByte, lastStart - from + 1) {
        let position = UnsafeRawPointer(haystackStart).distance(to: UnsafeRawPointer(hit))
        if memcmp(hit, needleStart, needle.count) == 0 { return position..<(position + needle.count) }
        from = position + 1
    }
    return nil
}

private func utf8FirstRange(of needle: ArraySlice<UInt8>, in hay: UnsafeBufferPointer<UInt8>) -> Range<Int>? {
    needle.withUnsafeBufferPointer { utf8FirstRange(of: $0, in: hay) }
}
