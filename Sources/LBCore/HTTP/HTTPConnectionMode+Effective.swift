import LBConfig

extension HTTPConnectionMode {
    /// The mode a transaction runs with when a frontend and a backend may each set one: the stronger
    /// (close > server-close > keep-alive) wins, and keep-alive applies when neither is set.
    public static func effective(frontend: HTTPConnectionMode?, backend: HTTPConnectionMode?) -> HTTPConnectionMode {
        max(frontend ?? .keepAlive, backend ?? .keepAlive)
    }
}
