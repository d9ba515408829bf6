import Synchronization

/// Results of parallel workers by position: each worker fills the slots of its items, and the
/// caller reads them back in order once the workers are done.
public final class ParallelSlots<Element: Sendable>: Sendable {
    private let slots: Mutex<[Element?]>

    public init(count: Int) { slots = Mutex(Array(repeating: nil, count: count)) }

    public func set(_ index: Int, _ value: Element) {
        slots.withLock { $0[index] = value }
    }

    /// The filled slots, in order.
    public func all() -> [Element] {
        slots.withLock { $0.compactMap { $0 } }
    }
}
