import Foundation

/// Host names as small numbers, the same in every table of the process.
///
/// A fleet's groups name the same hosts over and over: 400 groups of 2,500 hosts each held a
/// million 16-byte name keys, hashed with SipHash at every record. Tables key their hosts by
/// number instead (4 bytes, hashed as an integer) and spell them only for output. Numbers are
/// never reused or forgotten, so values built on different threads or merged later agree; the
/// table grows with the distinct host names a process sees.
///
/// ASCII names (all of a real fleet's) are found by their bytes in a table of their own
/// (a multiply-rotate hash eight bytes a step, open addressing), so that a reader can number names it has not made `String`s of
/// (`numbers(ofASCII:)`: a partial's host tables are a million names). Other names are keyed by
/// `String`, whose equality is Unicode's; an ASCII name has one spelling either way, so the two
/// tables never hold one name twice.
final class HostNames: @unchecked Sendable {
    static let shared = HostNames()

    private let lock = NSLock()
    private var names: [String] = []
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

    /// The number of `name`, given one if new.
    func number(of name: String) -> UInt32 {
        lock.lock()
        defer { lock.unlock() }
        return lockedNumber(of: name)
    }

    /// The numbers of `names`, in order (one lock for all).
    func numbers(of names: [String]) -> [UInt32] {
        lock.lock()
        defer { lock.unlock() }
        return names.map(lockedNumber(of:))
    }

    /// The numbers of names given as their bytes, all ASCII (one lock for all); `nil` when one
    /// is not.
    func numbers(ofASCII names: [UnsafeRawBufferPointer]) -> [UInt32]? {
        var hashes: [UInt64] = []
        hashes.reserveCapacity(names.count)
        for name in names {
            guard let hash = Self.asciiHash(name) else { return nil }
            hashes.append(hash)
        }
        lock.lock()
        defer { lock.unlock() }
        return zip(names, hashes).map { lockedNumber(ofASCII: $0, hash: $1, name: nil) }
    }

    /// `number(of:)` with the lock held.
    private func lockedNumber(of name: String) -> UInt32 {
        var utf8 = name
        if let number = utf8.withUTF8({ buffer -> UInt32? in
            let bytes = UnsafeRawBufferPointer(buffer)
            return Self.asciiHash(bytes).map { lockedNumber(ofASCII: bytes, hash: $0, name: name) }
        }) {
            return number
        }
        if let number = otherNumbers[name] { return number }
        let number = UInt32(names.count)
        names.append(name)
        starts.append(asciiBytes.count)
        hashes.append(0)
        otherNumbers[name] = number
        return number
    }

    private func lockedNumber(ofASCII bytes: UnsafeRawBufferPointer, hash: UInt64, name: String?) -> UInt32 {
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

    private func grow() {
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

    /// The names of `numbers`, in order (one lock for all).
    func names(of numbers: [UInt32]) -> [String] {
        lock.lock()
        defer { lock.unlock() }
        return numbers.map { names[Int($0)] }
    }

    func name(of number: UInt32) -> String {
        lock.lock()
        defer { lock.unlock() }
        return names[Int(number)]
    }
}
