/// A small, fast, seedable generator (SplitMix64). Public so that tests draw reproducible inputs from a
/// seed with the same generator.
public struct SplitMix64: RandomNumberGenerator {
    static let gamma: UInt64 = 0x9E37_79B9_7F4A_7C15
    private var state: UInt64
    public init(seed: UInt64) { state = seed }
    public mutating func next() -> UInt64 {
        state &+= Self.gamma
        return Self.mix(state)
    }

    /// The output function: the state is only a counter, so the generator can be shared by letting an
    /// atomic add advance it (`SharedSplitMix64`).
    @inline(__always)
    static func mix(_ state: UInt64) -> UInt64 {
        var value = state
        value = (value ^ (value >> 30)) &* 0xBF58_476D_1CE4_E5B9
        value = (value ^ (value >> 27)) &* 0x94D0_49BB_1331_11EB
        return value ^ (value >> 31)
    }
}
