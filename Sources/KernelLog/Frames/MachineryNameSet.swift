import KtriageBytes

/// The function names of one machinery role (`GeneratedMachinery`), looked up by their bytes:
/// one buffer of the names and an open-addressing table of where each starts. A
/// `Set<Substring>` of the 12,600 names took about 1.3 ms to build (a `Hasher` per name), a
/// quarter of scanning a small log, paid by every process that titles a report.
struct MachineryNameSet: Sendable {
    /// The names' bytes, each followed by a space (or more).
    private let text: [UInt8]
    /// Per slot: where a name starts in `text`, plus one (0: empty).
    private let slots: [UInt32]
    /// Names held.
    let count: Int

    /// The names in `lists`, each list of names separated by spaces or line breaks.
    init(_ lists: [String]) {
        // Each list copied whole, line breaks made spaces: names end at a space.
        var text: [UInt8] = []
        text.reserveCapacity(lists.reduce(0) { $0 + $1.utf8.count + 1 })
        for list in lists {
            text.append(contentsOf: list.utf8)
            text.append(ASCII.space)
        }
        var starts: [Int] = []
        starts.reserveCapacity(text.count / 16)
        text.withUnsafeMutableBufferPointer { bytes in
            var previous = ASCII.space
            for index in bytes.indices {
                if bytes[index] == ASCII.lineFeed { bytes[index] = ASCII.space }
                if previous == ASCII.space, bytes[index] != ASCII.space { starts.append(index) }
                previous = bytes[index]
            }
        }
        var capacity = 16
        while capacity < 2 * starts.count { capacity <<= 1 }
        var slots = [UInt32](repeating: 0, count: capacity)
        var count = 0
        text.withUnsafeBytes { buffer in
            for start in starts {
                let place = Self.find(Self.name(in: buffer, at: start), in: buffer, slots: slots)
                if !place.found {
                    slots[place.slot] = UInt32(start + 1)
                    count += 1
                }
            }
        }
        self.text = text
        self.slots = slots
        self.count = count
    }

    /// Whether `name` is one of the names.
    func contains(_ name: String) -> Bool {
        var name = name
        return name.withUTF8 { contains(UnsafeRawBufferPointer($0)) }
    }

    func contains(_ name: UnsafeRawBufferPointer) -> Bool {
        guard !name.isEmpty else { return false }
        return text.withUnsafeBytes { Self.find(name, in: $0, slots: slots).found }
    }

    /// The slot holding `name`, or the empty slot where it would go (the table is never full:
    /// it has twice as many slots as names).
    private static func find(_ name: UnsafeRawBufferPointer, in buffer: UnsafeRawBufferPointer, slots: [UInt32])
        -> (slot: Int, found: Bool)
    {
        var slot = Int(truncatingIfNeeded: LogLineStripper.quickHash(name)) & (slots.count - 1)
        while slots[slot] != 0 {
            if Self.name(in: buffer, at: Int(slots[slot]) - 1).elementsEqual(name) { return (slot, true) }
            slot = (slot + 1) & (slots.count - 1)
        }
        return (slot, false)
    }

    /// Every name, for tests.
    var names: [String] {
        slots.filter { $0 != 0 }.map { start in
            text.withUnsafeBytes { String(decoding: Self.name(in: $0, at: Int(start) - 1), as: UTF8.self) }
        }
    }

    /// The name starting at `start` (up to its space).
    private static func name(in buffer: UnsafeRawBufferPointer, at start: Int) -> UnsafeRawBufferPointer {
        var end = start
        while buffer[end] != ASCII.space { end += 1 }
        return UnsafeRawBufferPointer(rebasing: buffer[start..<end])
    }
}
