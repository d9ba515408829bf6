/// The custom mutators' random numbers: SplitMix64 seeded by libFuzzer, so a mutation is reproducible
/// from its seed.
public struct MutationRandom {
    private var state: UInt64

    public init(seed: UInt32) {
        state = UInt64(seed) &* 0x9E37_79B9_7F4A_7C15 | 1
    }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var mixed = state
        mixed = (mixed ^ (mixed >> 30)) &* 0xBF58_476D_1CE4_E5B9
        mixed = (mixed ^ (mixed >> 27)) &* 0x94D0_49BB_1331_11EB
        return mixed ^ (mixed >> 31)
    }

    /// A number in `0..<bound` (0 when `bound` is not positive).
    public mutating func below(_ bound: Int) -> Int {
        bound > 0 ? Int(next() % UInt64(bound)) : 0
    }

    public mutating func chance(_ numerator: Int, in denominator: Int) -> Bool {
        below(denominator) < numerator
    }

    public mutating func pick<Element>(_ elements: [Element]) -> Element? {
        elements.isEmpty ? nil : elements[below(elements.count)]
    }

    /// A new value for a field of `width` bytes holding `value`: the edge values that break
    /// bounds checks (0, 1, all ones, the sign bit), small steps, doubling and halving, one bit
    /// flipped, a power of two, or one of `related` (sizes and offsets of the same dump).
    public mutating func interesting(_ value: UInt64, width: Int, related: [UInt64] = []) -> UInt64 {
        let bits = UInt64(width * 8)
        let mask: UInt64 = bits >= 64 ? ~0 : (1 << bits) - 1
        let choice: UInt64
        switch below(10) {
        case 0: choice = pick([0, 1, mask, mask >> 1, (mask >> 1) &+ 1, 0x7f, 0x80, 0xff, 0xffff, 0x1000]) ?? 0
        case 1, 2: choice = value &+ UInt64(below(33)) &- 16
        case 3: choice = value &* 2
        case 4: choice = value / 2
        case 5: choice = value ^ (1 << UInt64(below(Int(bits))))
        case 6: choice = 1 << UInt64(below(Int(bits)))
        case 7, 8: choice = pick(related).map { $0 &+ UInt64(below(3)) &- 1 } ?? value ^ 1
        default: choice = next()
        }
        return choice & mask
    }
}
