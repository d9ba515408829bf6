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
