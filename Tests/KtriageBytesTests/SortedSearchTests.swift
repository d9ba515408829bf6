import KtriageBytes
import Testing

@Suite("SortedSearch: the partition point of sorted tables")
struct SortedSearchTests {
    @Test("the first index where the predicate fails, at the ends and inside a sub-range")
    func partitionPoints() {
        let values = [1, 3, 3, 5, 8, 13]
        func atOrBelow(_ wanted: Int, in range: Range<Int>) -> Int {
            SortedSearch.partitionPoint(in: range) { values[$0] <= wanted }
        }
        #expect(atOrBelow(0, in: values.indices) == 0)
        #expect(atOrBelow(3, in: values.indices) == 3)
        #expect(atOrBelow(4, in: values.indices) == 3)
        #expect(atOrBelow(13, in: values.indices) == 6)
        #expect(atOrBelow(100, in: values.indices) == 6)
        #expect(atOrBelow(6, in: 2..<4) == 4)
        #expect(atOrBelow(0, in: 2..<4) == 2)
        #expect(SortedSearch.partitionPoint(in: 0..<0) { _ in true } == 0)
        // Every answer agrees with a walk from the start, for every value between the entries.
        for wanted in -1...14 {
            #expect(atOrBelow(wanted, in: values.indices) == (values.firstIndex { $0 > wanted } ?? values.count))
        }
    }
}
