import KtriageTestSupport
import Testing

@testable import KernelDump

/// The index over `PT_LOAD`s: its run-merging sort must give what a stable sort gives, and a
/// lookup must find what a scan of the sorted segments finds, overlapping or not.
@Suite("ELF segment index")
struct ELFSegmentIndexTests {
    /// Starts in the shapes tables come in: ascending, one long descending run between short
    /// ones (QEMU paging=true), ties, and noise.
    static func starts(_ shape: Int, count: Int, generator: inout SplitMix) -> [UInt64] {
        switch shape {
        case 0: return (0..<count).map { UInt64($0) * 4096 }
        case 1:
            let head = (0..<(count / 10)).map { _ in generator.next() % 64 * 4096 }
            let run = (0..<(count / 2)).reversed().map { 0x10_0000 + UInt64($0) * 4096 }
            let tail = (0..<(count - head.count - run.count)).map { _ in generator.next() % 0x20_0000 }
            return head + run + tail
        case 2: return (0..<count).map { _ in generator.next() % 8 * 4096 }
        default: return (0..<count).map { _ in generator.next() % 0x10_0000 }
        }
    }

    @Test("sorted equals a stable sort by start", arguments: 0..<4)
    func sortedIsStable(shape: Int) {
        var generator = SplitMix(seed: UInt64(shape) + 7)
        for count in [0, 1, 2, 3, 17, 300, 2000] {
            let entries = Self.starts(shape, count: count, generator: &generator).enumerated().map {
                ELFSegmentIndex.Entry(start: $0.element, header: UInt32($0.offset))
            }
            let expected = entries.sorted { $0.start < $1.start }
            let got = ELFSegmentIndex.sorted(entries)
            #expect(got.map(\.start) == expected.map(\.start))
            #expect(got.map(\.header) == expected.map(\.header))
        }
    }

    @Test("find returns the last holder in address order, with and without overlaps", arguments: 0..<4)
    func findMatchesScan(shape: Int) {
        var generator = SplitMix(seed: UInt64(shape) + 99)
        let starts = Self.starts(shape, count: 500, generator: &generator)
        // Page-sized segments (no overlap unless starts repeat), then random sizes (overlaps).
        for sized in [false, true] {
            let sizes = starts.map { _ in sized ? generator.next() % 0x3000 : 4096 }
            let end = { (header: UInt32) in starts[Int(header)] &+ sizes[Int(header)] }
            let entries = starts.enumerated().map {
                ELFSegmentIndex.Entry(start: $0.element, header: UInt32($0.offset))
            }
            let index = ELFSegmentIndex(entries, end: end)
            let order = entries.sorted { $0.start < $1.start }
            for _ in 0..<2000 {
                let address = generator.next() % 0x21_0000
                let scan = order.last { $0.start <= address && end($0.header) > address }?.header
                #expect(index.find(address, end: end) == scan)
            }
            #expect(index.highestEnd == starts.indices.map { end(UInt32($0)) }.max())
        }
    }
}
