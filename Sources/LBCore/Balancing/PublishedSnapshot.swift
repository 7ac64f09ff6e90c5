import Synchronization

/// A balancer's current snapshot and its version. Writers (a health check, the runtime API) build the
/// next snapshot under the lock, so two changes at once never lose one another; readers compare the
/// version, a single atomic load, and fetch the snapshot itself only when it changed (an event loop
/// keeps the one it last fetched), so picking takes no lock.
public final class PublishedSnapshot: Sendable {
    private let storage: Mutex<(snapshot: SelectionSnapshot, version: UInt64)>
    private let latest = Atomic<UInt64>(0)

    init(_ initial: SelectionSnapshot) {
        storage = Mutex((initial, 0))
    }

    /// The version of the latest snapshot; it grows by one at every change.
    @inline(__always)
    public var version: UInt64 { latest.load(ordering: .acquiring) }

    /// The latest snapshot and its version.
    public func current() -> (snapshot: SelectionSnapshot, version: UInt64) {
        storage.withLock { ($0.snapshot, $0.version) }
    }

    /// Replaces the snapshot with `next(current)`.
    func replace(_ next: (SelectionSnapshot) -> SelectionSnapshot) {
        storage.withLock { stored in
            stored.snapshot = next(stored.snapshot)
            stored.version += 1
            latest.store(stored.version, ordering: .releasing)
        }
    }
}
