import KtriageBytes

/// A group's sorted, duplicate-free record ids, at most a limit of them, read as strings.
///
/// A million records make a million ids of 16 hex digits, one byte too many for Swift's inline
/// strings: kept as `String`s they cost a heap object each (about 80 bytes with the list slot).
/// While every id has `RecordIdentity`'s form they are kept as their 64-bit values (8 bytes;
/// hex order is numeric order) and spelled out only when read. An id of any other form (from a
/// partial or a test) turns the list into strings for good, in the same order.
///
/// Ids are added unsorted (`insert`; an insertion in place moved half the list for each record)
/// and sorted, duplicates dropped and the list cut to its limit in one go: when the backlog
/// reaches the limit, and for reading (`sorted()`, which is what a group shows).
public struct RecordIDList: RandomAccessCollection, Equatable, Sendable, Codable, ExpressibleByArrayLiteral {
    /// Sorted and duplicate-free, but for the `backlog` last ones.
    private var numbers: [UInt64] = []
    private var backlog = 0
    private var limit = Int.max
    private var strings: [String]?

    public init() {}

    /// Ids already sorted and duplicate-free.
    public init(sorted ids: [String]) {
        for id in ids { append(id) }
    }

    /// Ids of `RecordIdentity`'s form, as their values, already sorted and duplicate-free:
    /// `init(sorted:)` of their spellings.
    init(sortedNumbers: [UInt64]) {
        numbers = sortedNumbers
    }

    public init(arrayLiteral ids: String...) {
        self.init(sorted: ids)
    }

    // Read as a collection, a list is in order once its backlog is sorted in: lists handed out
    // (`GroupAggregate.recordIDs`, decoded, literal) have none.
    public var startIndex: Int { 0 }
    public var endIndex: Int { strings?.count ?? numbers.count }

    public subscript(position: Int) -> String {
        if let strings { return strings[position] }
        return RecordIdentity.hex(numbers[position])
    }

    public static func == (a: RecordIDList, b: RecordIDList) -> Bool {
        let a = a.sorted()
        let b = b.sorted()
        if a.strings == nil, b.strings == nil { return a.numbers == b.numbers }
        return a.elementsEqual(b)
    }

    public init(from decoder: Decoder) throws {
        self.init(sorted: try [String](from: decoder))
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.unkeyedContainer()
        for id in sorted() { try container.encode(id) }
    }

    /// Adds `id` unless present; the list keeps the `limit` smallest.
    mutating func insert(_ id: String, limit: Int) {
        self.limit = limit
        if strings == nil, let number = RecordIdentity.number(id) {
            numbers.append(number)
            backlog += 1
            if backlog >= Swift.max(limit, 1024) { sortBacklog() }
            return
        }
        sortBacklog()
        switchToStrings()
        let count = strings?.count ?? 0
        if count >= limit, let last = strings?.last, id >= last { return }
        let index = Self.lowerBound(strings ?? [], id)
        if index < count, strings?[index] == id { return }
        strings?.insert(id, at: index)
        if count + 1 > limit { strings?.removeLast() }
    }

    /// The list with its backlog sorted in.
    func sorted() -> RecordIDList {
        guard backlog > 0 else { return self }
        var list = self
        list.sortBacklog()
        return list
    }

    private mutating func sortBacklog() {
        guard backlog > 0 else { return }
        numbers.sort()
        var unique = 0
        for number in numbers where unique == 0 || numbers[unique - 1] != number {
            numbers[unique] = number
            unique += 1
        }
        numbers.removeSubrange(Swift.min(unique, limit)...)
        backlog = 0
    }

    /// The `limit` smallest of two lists, and how many ids both held among those compared (a
    /// lower bound of the ids the two have in common; exact when the union fits the limit).
    static func smallest(_ a: RecordIDList, _ b: RecordIDList, limit: Int) -> (list: RecordIDList, shared: Int) {
        let a = a.sorted()
        let b = b.sorted()
        var result = RecordIDList()
        var shared = 0
        if a.strings == nil, b.strings == nil {
            result.numbers = merged(a.numbers, b.numbers, limit: limit, shared: &shared)
        } else {
            result.strings = merged(a.spelledOut(), b.spelledOut(), limit: limit, shared: &shared)
        }
        return (result, shared)
    }

    private mutating func append(_ id: String) {
        if strings == nil, let number = RecordIdentity.number(id) {
            numbers.append(number)
        } else {
            switchToStrings()
            strings?.append(id)
        }
    }

    private mutating func switchToStrings() {
        guard strings == nil else { return }
        strings = numbers.map(RecordIdentity.hex)
        numbers = []
    }

    private func spelledOut() -> [String] {
        strings ?? numbers.map(RecordIdentity.hex)
    }

    private static func merged<Element: Comparable>(_ a: [Element], _ b: [Element], limit: Int, shared: inout Int)
        -> [Element]
    {
        var result: [Element] = []
        result.reserveCapacity(Swift.min(limit, a.count + b.count))
        var i = 0
        var j = 0
        while result.count < limit, i < a.count || j < b.count {
            if j >= b.count || (i < a.count && a[i] < b[j]) {
                result.append(a[i]); i += 1
            } else if i >= a.count || b[j] < a[i] {
                result.append(b[j]); j += 1
            } else {
                result.append(a[i]); i += 1; j += 1
                shared += 1
            }
        }
        return result
    }

    private static func lowerBound<Element: Comparable>(_ list: [Element], _ value: Element) -> Int {
        SortedSearch.partitionPoint(in: list.indices) { list[$0] < value }
    }
}
