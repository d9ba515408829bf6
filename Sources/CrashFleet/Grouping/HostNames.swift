import Foundation

/// Host names as small numbers, the same in every table of the process.
///
/// A fleet's groups name the same hosts over and over: 400 groups of 2,500 hosts each held a
/// million 16-byte name keys, hashed with SipHash at every record. Tables key their hosts by
/// number instead (4 bytes, hashed as an integer) and spell them only for output. Numbers are
/// never reused or forgotten, so values built on different threads or merged later agree; the
/// table grows with the distinct host names a process sees.
final class HostNames: @unchecked Sendable {
    static let shared = HostNames()

    private let lock = NSLock()
    private var numbers: [String: UInt32] = [:]
    private var names: [String] = []

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

    /// `number(of:)` with the lock held.
    private func lockedNumber(of name: String) -> UInt32 {
        if let number = numbers[name] { return number }
        let number = UInt32(names.count)
        names.append(name)
        numbers[name] = number
        return number
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
