import Atomics
import LBConfig
import LBCore
import NIOConcurrencyHelpers

/// Watches one server's traffic (`observe layer4|layer7`): every session reports what its exchanges with
/// the server showed, from whatever event loop it runs on. Consecutive errors are counted in one atomic;
/// reaching `error-limit` hands the `on-error` action to the server's health checker, on its loop.
///
/// A server without `observe` has no observer, so the data path pays one nil check.
final class TrafficObserver: Sendable {
    let layer: TrafficObservation.Layer
    let limit: Int
    private let consecutiveErrors = ManagedAtomic<Int>(0)
    private let checker = NIOLockedValueBox<HealthChecker?>(nil)

    init(layer: TrafficObservation.Layer, limit: Int) {
        self.layer = layer
        self.limit = limit
    }

    /// The server's health checker, which carries out `on-error`; set once checks start.
    func attach(_ checker: HealthChecker?) {
        self.checker.withLockedValue { $0 = checker }
    }

    func record(_ outcome: TrafficOutcome) {
        guard let isError = outcome.isError(observing: layer) else { return }
        var current = consecutiveErrors.load(ordering: .relaxed)
        while true {
            let (next, tripped) = ConsecutiveErrors.next(count: current, isError: isError, limit: limit)
            // A success with nothing counted writes nothing: busy servers keep this cache line shared.
            if next == current && !tripped { return }
            let (exchanged, original) = consecutiveErrors.compareExchange(
                expected: current, desired: next, ordering: .relaxed)
            if exchanged {
                if tripped { checker.withLockedValue { $0 }?.trafficErrorsReached(current + 1, last: outcome) }
                return
            }
            current = original
        }
    }
}
