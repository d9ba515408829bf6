import Foundation

/// Host names as small numbers, the same in every table of the process.
///
/// A fleet's groups name the same hosts over and over: 400 groups of 2,500 hosts each held a
/// million 16-byte name keys, hashed with SipHash at every record. Tables key their hosts by
/// number instead (4 bytes, hashed as an integer) and spell them only for output. Numbers are
/// never reused or forgotten, so values built on different threads or merged later agree; the
/// table grows with the distinct host names a process sees. A reader can number names it has
/// not made `String`s of (`numbers(ofASCII:)`: a partial's host tables are a million names).
final class HostNames: @unchecked Sendable {
    static let shared = HostNames()

    private let lock = NSLock()
    private var table = HostNameTable()

    /// The number of `name`, given one if new.
    func number(of name: String) -> UInt32 {
        lock.lock()
        defer { lock.unlock() }
        return table.number(of: name)
    }

    /// The numbers of `names`, in order (one lock for all).
    func numbers(of names: [String]) -> [UInt32] {
        lock.lock()
        defer { lock.unlock() }
        return names.map { table.number(of: $0) }
    }

    /// The numbers of names given as their bytes, all ASCII (one lock for all); `nil` when one
    /// is not.
    func numbers(ofASCII names: [UnsafeRawBufferPointer]) -> [UInt32]? {
        guard let hashes = HostNameTable.asciiHashes(names) else { return nil }
        lock.lock()
        defer { lock.unlock() }
        return table.numbers(ofASCII: names, hashes: hashes)
    }

    /// The names of `numbers`, in order (one lock for all).
    func names(of numbers: [UInt32]) -> [String] {
        lock.lock()
        defer { lock.unlock() }
        let names = table.names
        return numbers.map { names[Int($0)] }
    }

    func name(of number: UInt32) -> String {
        lock.lock()
        defer { lock.unlock() }
        return table.names[Int(number)]
    }
}
