import FuzzSupport

/// Mutations of one JSON document (a partial grouping, `group --format partial`) that keep it
/// JSON, where byte flips mostly break its first bracket or quote: a number set to an edge (the
/// 2^48 plausibility bound and one past it, `Int64.max`, a fraction, an exponent), an array
/// element or object member duplicated (a host twice in a set, a key twice) or deleted (a
/// required key missing), a string value or a member's value copied from another member with
/// the same key (two groups with one signature, one group's hosts in another), an escape put in
/// a string or key. A partial is one line, so ``LineMutator``'s line mutations do nothing useful
/// on it; these found the `events` overflow that 1.9 million byte mutations had not.
enum JSONDocumentMutation {
    static let numbers = [
        "0", "-1", "1", "281474976710656", "281474976710657", "9223372036854775807", "-9223372036854775808",
        "9223372036854775808", "4294967295", "4294967296", "1e3", "1.5", "-0", "00", "1E400",
    ]

    static func mutate(_ document: inout [UInt8], _ random: inout MutationRandom, maxSize: Int) -> Bool {
        let spans = JSONSpans(document)
        let room = maxSize - document.count
        switch random.below(8) {
        case 0, 1:
            guard let number = random.pick(spans.numbers) else { return false }
            var replacement = Array((random.pick(numbers) ?? "0").utf8)
            if random.chance(1, in: 3), let value = Int64(String(decoding: document[number], as: UTF8.self)) {
                let near = random.pick([value &+ 1, value &- 1, value &* 2, 0 &- value, value / 2]) ?? value
                replacement = Array(String(near).utf8)
            }
            guard replacement.count - number.count <= room else { return false }
            document.replaceSubrange(number, with: replacement)
        case 2:
            guard let element = random.pick(spans.elements) else { return false }
            return duplicate(element, in: &document, room: room)
        case 3:
            guard let member = random.pick(spans.members) else { return false }
            return duplicate(member.key.lowerBound..<member.value.upperBound, in: &document, room: room)
        case 4:
            let removable = spans.elements + spans.members.map { $0.key.lowerBound..<$0.value.upperBound }
            guard let span = random.pick(removable) else { return false }
            delete(span, from: &document)
        case 5:
            guard let into = random.pick(spans.strings), let from = random.pick(spans.strings), into != from else {
                return false
            }
            return replace(into, with: Array(document[from]), in: &document, room: room)
        case 6:
            guard let member = random.pick(spans.members) else { return false }
            let key = document[member.key]
            let others = spans.members.filter { $0.value != member.value && document[$0.key].elementsEqual(key) }
            guard let other = random.pick(others) else { return false }
            return replace(member.value, with: Array(document[other.value]), in: &document, room: room)
        default:
            let quoted = spans.strings + spans.members.map(\.key)
            guard let string = random.pick(quoted) else { return false }
            let escape = Array((random.pick(JSONLineMutation.escapes) ?? "").utf8)
            guard escape.count <= room else { return false }
            document.insert(contentsOf: escape, at: string.lowerBound + 1)
        }
        return true
    }

    /// A member of `first` given the value of a member with the same key in `second`.
    static func crossOver(_ first: [UInt8], _ second: [UInt8], _ random: inout MutationRandom, maxSize: Int)
        -> [UInt8]?
    {
        let mine = JSONSpans(first)
        let theirs = JSONSpans(second)
        var document = first
        for _ in 0..<8 {
            guard let member = random.pick(mine.members) else { return nil }
            let key = first[member.key]
            let donors = theirs.members.filter { second[$0.key].elementsEqual(key) }
            guard let donor = random.pick(donors) else { continue }
            if replace(member.value, with: Array(second[donor.value]), in: &document, room: maxSize - first.count) {
                return document
            }
        }
        return nil
    }

    private static func duplicate(_ span: Range<Int>, in document: inout [UInt8], room: Int) -> Bool {
        guard span.count + 1 <= room else { return false }
        document.insert(contentsOf: [UInt8(ascii: ",")] + document[span], at: span.upperBound)
        return true
    }

    private static func replace(_ span: Range<Int>, with bytes: [UInt8], in document: inout [UInt8], room: Int)
        -> Bool
    {
        guard bytes.count - span.count <= room else { return false }
        document.replaceSubrange(span, with: bytes)
        return true
    }

    /// Removes an element or member and the comma that separated it from a neighbour.
    private static func delete(_ span: Range<Int>, from document: inout [UInt8]) {
        var end = span.upperBound
        while end < document.count, JSONSpans.isSpace(document[end]) { end += 1 }
        if end < document.count, document[end] == UInt8(ascii: ",") {
            document.removeSubrange(span.lowerBound..<(end + 1))
            return
        }
        var start = span.lowerBound
        while start > 0, JSONSpans.isSpace(document[start - 1]) { start -= 1 }
        if start > 0, document[start - 1] == UInt8(ascii: ",") { start -= 1 }
        document.removeSubrange(start..<span.upperBound)
    }
}

/// Where a JSON document's values are: numbers, string values, array elements, object members
/// (key and value). Read by a lenient descent that stops at the first byte that is not JSON,
/// keeping what it found before; nesting deeper than 64 is not entered.
struct JSONSpans {
    var numbers: [Range<Int>] = []
    var strings: [Range<Int>] = []
    var elements: [Range<Int>] = []
    var members: [(key: Range<Int>, value: Range<Int>)] = []
    private let bytes: [UInt8]

    init(_ bytes: [UInt8]) {
        self.bytes = bytes
        _ = value(at: 0, depth: 0)
    }

    static func isSpace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09
    }

    private func skipSpace(_ index: Int) -> Int {
        var index = index
        while index < bytes.count, Self.isSpace(bytes[index]) { index += 1 }
        return index
    }

    /// The end of the value starting at `start` (after blanks), or nil.
    private mutating func value(at start: Int, depth: Int) -> Int? {
        let index = skipSpace(start)
        guard index < bytes.count, depth < 64 else { return nil }
        switch bytes[index] {
        case UInt8(ascii: "{"): return container(from: index, close: UInt8(ascii: "}"), depth: depth, members: true)
        case UInt8(ascii: "["): return container(from: index, close: UInt8(ascii: "]"), depth: depth, members: false)
        case UInt8(ascii: "\""):
            guard let end = stringEnd(from: index) else { return nil }
            strings.append(index..<end)
            return end
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            var end = index + 1
            while end < bytes.count, "0123456789.eE+-".utf8.contains(bytes[end]) { end += 1 }
            numbers.append(index..<end)
            return end
        default:
            var end = index
            while end < bytes.count, bytes[end] >= UInt8(ascii: "a"), bytes[end] <= UInt8(ascii: "z") { end += 1 }
            return end > index ? end : nil
        }
    }

    private mutating func container(from open: Int, close: UInt8, depth: Int, members isObject: Bool) -> Int? {
        var index = skipSpace(open + 1)
        if index < bytes.count, bytes[index] == close { return index + 1 }
        while index < bytes.count {
            let itemStart = skipSpace(index)
            var valueStart = itemStart
            var key: Range<Int>?
            if isObject {
                guard itemStart < bytes.count, bytes[itemStart] == UInt8(ascii: "\""),
                    let keyEnd = stringEnd(from: itemStart)
                else { return nil }
                key = itemStart..<keyEnd
                let colon = skipSpace(keyEnd)
                guard colon < bytes.count, bytes[colon] == UInt8(ascii: ":") else { return nil }
                valueStart = skipSpace(colon + 1)
            }
            guard let valueEnd = value(at: valueStart, depth: depth + 1) else { return nil }
            if let key {
                members.append((key, valueStart..<valueEnd))
            } else {
                elements.append(itemStart..<valueEnd)
            }
            index = skipSpace(valueEnd)
            guard index < bytes.count else { return nil }
            if bytes[index] == close { return index + 1 }
            guard bytes[index] == UInt8(ascii: ",") else { return nil }
            index += 1
        }
        return nil
    }

    /// The index after the closing quote of the string opening at `quote`.
    private func stringEnd(from quote: Int) -> Int? {
        var index = quote + 1
        while index < bytes.count {
            switch bytes[index] {
            case UInt8(ascii: "\""): return index + 1
            case UInt8(ascii: "\\"): index += 2
            default: index += 1
            }
        }
        return nil
    }
}
