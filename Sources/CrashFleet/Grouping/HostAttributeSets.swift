import Foundation

/// The distinct host attribute sets of one fleet, numbered: the fleet's host table and its
/// groups' tables share one registry and keep a host's set as its number here.
///
/// Group tables kept their own numbering of sets (a table of the sets and a dictionary to find
/// each): for a million records of 10,000 hosts, whose reports give most hosts a set of their
/// own in each of the 400 groups, that was about 60 bytes per record on top of the host's 8-byte
/// entry, and the same host's set was stored again in every group it crashed in. Numbers are
/// never reused, so tables built on different threads agree; tables of different registries
/// (two fleets, or a group decoded on its own) translate numbers when merged. One per fleet, not
/// one per process: a long-lived process (a service, a fuzzer) does not keep every set it ever met.
final class HostAttributeSets: @unchecked Sendable {

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

    /// The set numbered `number`.
    func set(_ number: UInt32) -> HostAttributeSet {
        lock.lock()
        defer { lock.unlock() }
        return sets[Int(number)]
    }

    /// Every set so far, indexed by number: a value, read without the lock. (A set numbered
    /// after this call is not in it; tables only hold numbers given before they are read.)
    func all() -> [HostAttributeSet] {
        lock.lock()
        defer { lock.unlock() }
        return sets
    }
}
