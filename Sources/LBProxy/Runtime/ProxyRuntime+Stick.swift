import LBConfig
import LBCore

/// A key to remember once the request's server is known: which table, and the key.
struct StickKey {
    var table: Int
    var key: String
}

extension ProxyRuntime {
    /// `stick match` / `stick on`: the server the first matching stored key names, when that server may
    /// take traffic (or `option persist` says to use it anyway).
    func stickyServer(_ backend: BackendRuntime, request: HTTPRequestHead?, connection: ConnectionInfo) -> Int? {
        let now = Self.stickClock()
        for rule in backend.plan.stickRules where rule.matches {
            guard let key = rule.key(request: request, connection: connection),
                  let server = backends[rule.table].stickTable?.withLock({ $0.lookup(key, now: now) }),
                  server < backend.servers.count
            else { continue }
            if backend.servers[server].acceptsPersistentRequests || backend.plan.persist { return server }
        }
        return nil
    }

    /// The keys `stick on` and `stick store-request` will store for this request.
    func stickKeysToStore(_ backend: BackendRuntime, request: HTTPRequestHead?, connection: ConnectionInfo) -> [StickKey] {
        var keys: [StickKey] = []
        for rule in backend.plan.stickRules where rule.storesRequest {
            if let key = rule.key(request: request, connection: connection) { keys.append(StickKey(table: rule.table, key: key)) }
        }
        return keys
    }

    /// `stick store-response`: keys taken from the response.
    func stickKeysFromResponse(_ backend: BackendRuntime, request: HTTPRequestHead?, response: HTTPResponseFacts,
                               connection: ConnectionInfo) -> [StickKey] {
        var keys: [StickKey] = []
        for rule in backend.plan.stickRules where rule.storesResponse {
            if let key = rule.key(request: request, connection: connection, response: response) {
                keys.append(StickKey(table: rule.table, key: key))
            }
        }
        return keys
    }

    /// Remembers `keys` → `server`.
    func storeSticky(_ keys: [StickKey], server: Int) {
        guard !keys.isEmpty else { return }
        let now = Self.stickClock()
        for entry in keys {
            backends[entry.table].stickTable?.withLock { $0.store(entry.key, server: server, now: now) }
        }
    }

    /// Milliseconds on the monotonic clock: entries expire by elapsed time, whatever the wall clock does.
    static func stickClock() -> Int64 { Int64(monotonicNow() / 1_000_000) }
}
