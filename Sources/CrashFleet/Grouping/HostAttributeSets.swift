import Foundation

/// Every distinct host attribute set the process has met, numbered, the same in every table.
///
/// Group tables kept their own numbering of sets (a table of the sets and a dictionary to find
/// each): for a million records of 10,000 hosts, whose reports give most hosts a set of their
/// own in each of the 400 groups, that was about 60 bytes per record on top of the host's 8-byte
/// entry, and the same host's set was stored again in every group it crashed in. A table now
/// keeps the number of the set here. Like ``HostNames``, numbers are never reused or forgotten,
/// so tables built on different threads or merged later agree; the registry grows with the
/// distinct sets a process sees (about one per host and configuration).
final class HostAttributeSets: @unchecked Sendable {
    static let shared = HostAttributeSets()

    private let lock = NSLock()
    private var sets: [HostAttributeSet] = []
    private var numbers: [HostAttributeSet: UInt32] = [:]

    /// The number of `set`, given one if new.
    func number(of set: HostAttributeSet) -> UInt32 {
        lock.lock()
        defer { lock.unlock() }
        if let number = numbers[set] { return number }
        let number = UInt32(sets.count)
        sets.append(set)
        numbers[set] = number
        return number
    }

    /// Every set so far, indexed by number: a value, read without the lock. (A set numbered
    /// after this call is not in it; tables only hold numbers given before they are read.)
    func all() -> [HostAttributeSet] {
        lock.lock()
        defer { lock.unlock() }
        return sets
    }
}
