import LBCore

/// The selection snapshot of each backend as one event loop last fetched it. A pick compares the
/// backend's published version (one atomic load of a value that changes only with server states) and
/// refetches the snapshot, under the publisher's lock, only after a change: the loop's picks share
/// nothing writable but the balancers' own atomics. Used only from its own loop.
final class SelectionCache {
    // Unchecked: the cache never leaves its loop, and the dynamic exclusivity check on each access
    // would cost more than the rest of the lookup.
    @exclusivity(unchecked) private var versions: [UInt64]
    @exclusivity(unchecked) private var snapshots: [SelectionSnapshot]

    init(backends: [BackendRuntime]) {
        let current = backends.map { $0.balancer.published.current() }
        versions = current.map(\.version)
        snapshots = current.map(\.snapshot)
    }

    func snapshot(of backend: BackendRuntime) -> SelectionSnapshot {
        let index = backend.index
        if backend.balancer.published.version != versions[index] {
            let current = backend.balancer.published.current()
            versions[index] = current.version
            snapshots[index] = current.snapshot
        }
        return snapshots[index]
    }
}
