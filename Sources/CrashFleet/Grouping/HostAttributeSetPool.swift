import Foundation

/// Equal attribute sets made in different groups, shared: a partial's groups each rebuild their
/// hosts' sets, and the same host's set stood in every group it crashed in (a million-record
/// partial made 160 MB of them). Bounded: past `capacity` distinct sets the pool starts again,
/// which only costs sharing.
final class HostAttributeSetPool: @unchecked Sendable {
    static let shared = HostAttributeSetPool()
    static let capacity = 65_536

    private let lock = NSLock()
    private var sets = Set<HostAttributeSet>()

    /// `set`, or an equal one made before (the same storage).
    func intern(_ set: HostAttributeSet) -> HostAttributeSet {
        lock.lock()
        defer { lock.unlock() }
        if let earlier = sets.firstIndex(of: set) { return sets[earlier] }
        if sets.count >= Self.capacity { sets.removeAll(keepingCapacity: true) }
        sets.insert(set)
        return set
    }
}
