import Synchronization

/// SplitMix64 for many threads at once: its state only ever grows by a constant, so one atomic add
/// gives each caller its own state, and the outputs are those of `SplitMix64` from the same seed, in the
/// order the adds happen.
final class SharedSplitMix64: Sendable {
    private let state: Atomic<UInt64>

    init(seed: UInt64) { state = Atomic(seed) }

    func next() -> UInt64 {
        SplitMix64.mix(state.wrappingAdd(SplitMix64.gamma, ordering: .relaxed).newValue)
    }
}
