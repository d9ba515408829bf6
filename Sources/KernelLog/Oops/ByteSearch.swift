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
        let n = needle.utf8CodeUnitCount
        let found = utf8.withContiguousStorageIfAvailable { hay -> Bool in
            guard n > 0, let h = hay.baseAddress, hay.count >= n else { return n == 0 }
            let first = Int32(needle.utf8Start.pointee)
            var from = 0
            let lastStart = hay.count - n
            while from <= lastStart, let hit = memchr(h + from, first, lastStart - from + 1) {
                let at = UnsafeRawPointer(h).distance(to: UnsafeRawPointer(hit))
                if memcmp(hit, needle.utf8Start, n) == 0 { return true }
                from = at + 1
            }
            return false
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

    func hasBytePrefix(_ prefix: String) -> Bool { utf8.starts(with: prefix.utf8) }

    func byteRange(of needle: String) -> Range<String.Index>? {
        guard let found = utf8Range(of: needle) else { return nil }
        let lower = utf8.index(utf8.startIndex, offsetBy: found.lowerBound)
        let upper = utf8.index(lower, offsetBy: found.count)
        return lower..<upper
    }

    /// Byte offsets of the first occurrence of `needle` in the UTF-8 text.
    func utf8Range(of needle: String) -> Range<Int>? {
        // Native strings are contiguous UTF-8; the copies are for bridged or foreign ones.
        let found = utf8.withContiguousStorageIfAvailable { hay in
            needle.utf8.withContiguousStorageIfAvailable { n in utf8FirstRange(of: n, in: hay) }
        }
        if let found, let result = found { return result }
        return Array(utf8).withUnsafeBufferPointer { hay in utf8FirstRange(of: Array(needle.utf8)[...], in: hay) }
    }
}

private func utf8FirstRange(of needle: UnsafeBufferPointer<UInt8>, in hay: UnsafeBufferPointer<UInt8>) -> Range<Int>? {
    guard let nb = needle.baseAddress, needle.count > 0 else { return 0..<0 }
    guard let h = hay.baseAddress, hay.count >= needle.count else { return nil }
    let first = Int32(nb.pointee)
    let lastStart = hay.count - needle.count
    var from = 0
    while from <= lastStart, let hit = memchr(h + from, first, lastStart - from + 1) {
        let at = UnsafeRawPointer(h).distance(to: UnsafeRawPointer(hit))
        if memcmp(hit, nb, needle.count) == 0 { return at..<(at + needle.count) }
        from = at + 1
    }
    return nil
}

private func utf8FirstRange(of needle: ArraySlice<UInt8>, in hay: UnsafeBufferPointer<UInt8>) -> Range<Int>? {
    needle.withUnsafeBufferPointer { utf8FirstRange(of: $0, in: hay) }
}
