/// A proxy as HAProxy shows it: a frontend and/or a backend of the same name (a `listen` section has
/// both), numbered in configuration order. The stats page, CSV and JSON list proxies this way.
public struct ProxyGroup: Sendable {
    public var name: String
    /// 1-based, as HAProxy's `iid`.
    public var id: Int
    public var frontend: FrontendSnapshot?
    public var backend: BackendSnapshot?

    var position: Int { min(frontend?.position ?? .max, backend?.position ?? .max) }

    public static func groups(_ snapshot: StatsSnapshot) -> [ProxyGroup] {
        var groups: [ProxyGroup] = []
        var backendTaken = Array(repeating: false, count: snapshot.backends.count)
        for frontend in snapshot.frontends {
            var group = ProxyGroup(name: frontend.name, id: groups.count + 1, frontend: frontend, backend: nil)
            if let index = snapshot.backends.firstIndex(where: { $0.name == frontend.name }), !backendTaken[index] {
                backendTaken[index] = true
                group.backend = snapshot.backends[index]
            }
            groups.append(group)
        }
        for (index, backend) in snapshot.backends.enumerated() where !backendTaken[index] {
            groups.append(ProxyGroup(name: backend.name, id: groups.count + 1, frontend: nil, backend: backend))
        }
        // Configuration order (stable, so snapshots built without positions keep frontends first).
        let ordered = groups.enumerated().sorted {
            let (a, b) = ($0.element.position, $1.element.position)
            return a != b ? a < b : $0.offset < $1.offset
        }
        return ordered.enumerated().map { index, entry in
            var group = entry.element
            group.id = index + 1
            return group
        }
    }
}
