import LBCore

/// The view of a backend's servers that balancers read.
struct LiveAvailability: ServerAvailability {
    let servers: [ServerRuntime]
    /// A server to leave out (the one that just failed, when redispatching).
    var excluded: Int? = nil

    var count: Int { servers.count }
    func isUsable(_ index: Int) -> Bool { index != excluded && servers[index].isUsable }
    func weight(_ index: Int) -> Int { servers[index].weight.load(ordering: .relaxed) }
    func activeConnections(_ index: Int) -> Int { servers[index].activeConnections.load(ordering: .relaxed) }
}
