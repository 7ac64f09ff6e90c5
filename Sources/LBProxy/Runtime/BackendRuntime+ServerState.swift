import LBCore

/// Every change to what the balancer reads goes through here, so that it publishes a new selection
/// snapshot at once: health (checks, `set server health`), weight (`set weight`, the stats page) and
/// admin mode (`ProxyRuntime.setMode`).
extension BackendRuntime {
    /// The states the balancer's snapshot is built from: a server takes balanced traffic when it is
    /// READY and healthy, at its runtime weight.
    var serverStates: ServerStates {
        ServerStates(up: servers.map { $0.admin.mode == .ready && $0.healthy.load(ordering: .relaxed) },
                     weights: servers.map { $0.weight.load(ordering: .relaxed) })
    }

    /// Publishes the snapshot of the servers' current states; call it after any change to them.
    func publishServerStates() {
        balancer.publish { serverStates }
    }

    /// Marks a server up or down (a check's verdict, or an operator's).
    func setHealth(of server: ServerRuntime, up: Bool) {
        server.healthy.store(up, ordering: .relaxed)
        publishServerStates()
    }

    /// Sets a server's runtime weight; false when it already had it.
    @discardableResult
    func setWeight(of server: ServerRuntime, to weight: Int) -> Bool {
        guard server.weight.exchange(weight, ordering: .relaxed) != weight else { return false }
        publishServerStates()
        return true
    }
}
