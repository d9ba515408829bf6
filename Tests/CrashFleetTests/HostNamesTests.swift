import Testing

@testable import CrashFleet

/// Host numbers are one per name, whichever way the name comes: as a `String` or as the bytes
/// a partial holds it in, ASCII or not, before and after the byte table grows.
@Suite struct HostNamesTests {
    @Test func aNameHasOneNumberFromItsStringAndItsBytes() {
        let names = HostNames()
        var spellings = (0..<3_000).map { "host-\($0)-\(String(repeating: "x", count: $0 % 19))" }
        spellings += ["", "a", "12345678", "123456789", "h\u{E9}te", "e\u{301}", "\u{E9}"]
        let fromStrings = names.numbers(of: spellings)
        #expect(Set(fromStrings).count == Set(spellings).count, "distinct names, distinct numbers")
        let ascii = spellings.filter { $0.utf8.allSatisfy { $0 < 0x80 } }
        let storage = ascii.map { Array($0.utf8) }
        let fromBytes = storage.withUnsafeBufferPointers { names.numbers(ofASCII: $0) }
        #expect(fromBytes == ascii.map { names.number(of: $0) })
        for (number, name) in zip(fromStrings, spellings) {
            #expect(names.name(of: number) == name)
        }
        // Canonically equal spellings are one name, as `String` compares them.
        #expect(names.number(of: "\u{E9}") == names.number(of: "e\u{301}"))
        let accented = Array("h\u{E9}te".utf8)
        #expect(accented.withUnsafeBytes { names.numbers(ofASCII: [$0]) } == nil)
    }

    /// Names the byte table has not seen get new numbers there, and the `String` path finds them.
    @Test func bytesFirstThenStrings() {
        let names = HostNames()
        let storage = (0..<2_000).map { Array("node\($0).example.com".utf8) }
        let numbers = storage.withUnsafeBufferPointers { names.numbers(ofASCII: $0) }
        #expect(numbers == (0..<2_000).map(UInt32.init))
        #expect(names.number(of: "node1999.example.com") == 1_999)
        #expect(names.number(of: "node2000.example.com") == 2_000)
    }
}

extension Array where Element == [UInt8] {
    /// The arrays' bytes, laid one after another, as buffers valid during `body`.
    fileprivate func withUnsafeBufferPointers<Result>(_ body: ([UnsafeRawBufferPointer]) -> Result) -> Result {
        let joined = self.flatMap { $0 }
        return joined.withUnsafeBytes { all in
            var start = 0
            var buffers: [UnsafeRawBufferPointer] = []
            for bytes in self {
                buffers.append(UnsafeRawBufferPointer(rebasing: all[start..<(start + bytes.count)]))
                start += bytes.count
            }
            return body(buffers)
        }
    }
}
