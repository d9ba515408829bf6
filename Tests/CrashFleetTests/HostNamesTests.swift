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

/// A partial's host tables come back as they were written, whether the group's hosts are
/// numbered densely or are a few of a large fleet (renumbered for the group: `global`).
@Suite struct PartialHostTableTests {
    static func roundTrip(hosts: [String]) {
        let names = HostNames.shared
        let counts = Dictionary(uniqueKeysWithValues: hosts.enumerated().map { ($1, $0 + 1) })
        var attributeHosts: [String: [String: Set<String>]] = [
            "kernel": ["6.1": Set(hosts.prefix(2)), "6.12": Set(hosts.dropFirst(2))],
            "module": ["m1": Set(hosts), "m2": [hosts[0]]],
            "not_a_category": ["x": Set(hosts)],
        ]
        let categoryHosts: [String: Set<String>] = ["kernel": Set(hosts), "module": Set(hosts.dropLast())]
        let table = GroupHostTable(
            registry: HostAttributeSets(),
            hostCounts: counts.map { (names.number(of: $0.key), $0.value) },
            attributeHosts: attributeHosts.flatMap { category, values in
                // Each host twice under one value: read as once.
                values.map { (category, $0.key, names.numbers(of: Array($0.value) + Array($0.value))) }
            },
            categoryHosts: categoryHosts.map { ($0.key, names.numbers(of: Array($0.value))) })
        attributeHosts["not_a_category"] = nil
        #expect(table.crashesPerHost == counts)
        #expect(table.attributeHosts == attributeHosts)
        #expect(table.categoryHosts == categoryHosts)
    }

    @Test func denseHostNumbers() {
        Self.roundTrip(hosts: ["dense-a", "dense-b", "dense-c", "dense-d"])
    }

    @Test func fewHostsOfALargeFleet() {
        _ = HostNames.shared.numbers(of: (0..<3_000).map { "fleet-host-\($0)" })
        Self.roundTrip(hosts: ["sparse-a", "sparse-b", "sparse-c", "sparse-d"])
    }
}
