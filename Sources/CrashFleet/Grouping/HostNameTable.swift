import Foundation

/// `HostNames`' storage: names and their numbers. ASCII names are found by their bytes (a
/// multiply-rotate hash eight bytes a step, open addressing), other names by `String` (whose
/// equality is Unicode's; an ASCII name has one spelling either way, so no name is held twice).
/// A value type, so that a batch of lookups under `HostNames`' lock is one access to it.
struct HostNameTable {
    private(set) var names: [String] = []
    /// Numbers of names that are not ASCII.
    private var otherNumbers: [String: UInt32] = [:]
    /// ASCII names' bytes one after another, and per name its start and hash (numbers of
    /// non-ASCII names hold an empty span).
    private var asciiBytes: [UInt8] = []
    private var starts: [Int] = [0]
    private var hashes: [UInt64] = []
    /// Open addressing over ASCII names: number + 1, 0 for an empty slot; at most half full.
    private var slots = [UInt32](repeating: 0, count: 1024)
    private var asciiCount = 0

    mutating func number(of name: String) -> UInt32 {
        var utf8 = name
        if let found = utf8.withUTF8({ buffer -> UInt32? in
            let bytes = UnsafeRawBufferPointer(buffer)
            guard let hash = Self.asciiHash(bytes) else { return nil }
            return self.number(ofASCII: bytes, hash: hash, name: name)
        }) {
            return found
        }
        if let number = otherNumbers[name] { return number }
        let number = UInt32(names.count)
        names.append(name)
        starts.append(asciiBytes.count)
        hashes.append(0)
        otherNumbers[name] = number
        return number
    }

    /// The hashes of names given as their bytes, all ASCII; `nil` when one is not. Needs no
    /// table: `HostNames` takes them before its lock.
    static func asciiHashes(_ names: [UnsafeRawBufferPointer]) -> [UInt64]? {
        var hashes: [UInt64] = []
        hashes.reserveCapacity(names.count)
        for name in names {
            guard let hash = asciiHash(name) else { return nil }
            hashes.append(hash)
        }
        return hashes
    }

    /// The numbers of ASCII names with their `asciiHashes`.
    mutating func numbers(ofASCII names: [UnsafeRawBufferPointer], hashes: [UInt64]) -> [UInt32] {
        zip(names, hashes).map { number(ofASCII: $0, hash: $1, name: nil) }
    }

    private mutating func number(ofASCII bytes: UnsafeRawBufferPointer, hash: UInt64, name: String?) -> UInt32 {
        var slot = Self.slot(hash, mask: slots.count - 1)
        while slots[slot] != 0 {
            let number = Int(slots[slot] - 1)
            if hashes[number] == hash, equals(number, bytes) { return UInt32(number) }
            slot = (slot + 1) & (slots.count - 1)
        }
        let number = UInt32(names.count)
        names.append(name ?? String(decoding: bytes, as: UTF8.self))
        asciiBytes.append(contentsOf: bytes)
        starts.append(asciiBytes.count)
        hashes.append(hash)
        slots[slot] = number + 1
        asciiCount += 1
        if asciiCount * 2 > slots.count { grow() }
        return number
    }

    private func equals(_ number: Int, _ bytes: UnsafeRawBufferPointer) -> Bool {
        let start = starts[number]
        guard starts[number + 1] - start == bytes.count else { return false }
        return asciiBytes.withUnsafeBytes { stored in
            bytes.isEmpty || memcmp(stored.baseAddress! + start, bytes.baseAddress!, bytes.count) == 0
        }
    }

    private mutating func grow() {
        var grown = [UInt32](repeating: 0, count: slots.count * 2)
        let mask = grown.count - 1
        for entry in slots where entry != 0 {
            var slot = Self.slot(hashes[Int(entry - 1)], mask: mask)
            while grown[slot] != 0 { slot = (slot + 1) & mask }
            grown[slot] = entry
        }
        slots = grown
    }

    /// A hash of an ASCII name, eight bytes a step; `nil` when a byte is not ASCII.
    private static func asciiHash(_ bytes: UnsafeRawBufferPointer) -> UInt64? {
        guard let base = bytes.baseAddress else { return 0 }
        let highBits: UInt64 = 0x8080_8080_8080_8080
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325 ^ UInt64(bytes.count)
        var seen: UInt64 = 0
        var index = 0
        while index + 8 <= bytes.count {
            let word = base.loadUnaligned(fromByteOffset: index, as: UInt64.self)
            seen |= word
            let mixed = (hash ^ word) &* 0x9E37_79B9_7F4A_7C15
            hash = mixed << 29 | mixed >> 35
            index += 8
        }
        var tail: UInt64 = 0
        var shift: UInt64 = 0
        while index < bytes.count {
            tail |= UInt64(base.load(fromByteOffset: index, as: UInt8.self)) << shift
            shift += 8
            index += 1
        }
        seen |= tail
        guard seen & highBits == 0 else { return nil }
        return (hash ^ tail) &* 0x9E37_79B9_7F4A_7C15
    }

    private static func slot(_ hash: UInt64, mask: Int) -> Int {
        Int(truncatingIfNeeded: (hash &* 0x9E37_79B9_7F4A_7C15) >> 32) & mask
    }
}
