/// Where a backend takes its servers' saved state from at start (`load-server-state-from-file`), as
/// HAProxy does it: the global `server-state-file`, a file of its own (`server-state-file-name`, the
/// backend's name by default), or nowhere.
public enum ServerStateLoading: String, Sendable, Hashable {
    case global, local, none
}

extension Proxy {
    /// The state file this backend reads at start, nil when it reads none. A relative name is taken
    /// under `server-state-base` (or the working directory without it).
    public func serverStateFilePath(global: GlobalSettings) -> String? {
        let name: String?
        switch serverStateLoading {
        case .none: return nil
        case .global: name = global.serverStateFile
        case .local: name = serverStateFileName ?? self.name
        }
        guard let name, !name.isEmpty else { return nil }
        guard !name.hasPrefix("/"), let base = global.serverStateBase, !base.isEmpty else { return name }
        return base.hasSuffix("/") ? base + name : base + "/" + name
    }
}
