/// A whole parsed configuration: the global section, every proxy (frontend, backend, listen) in file order,
/// and the userlists. Defaults sections are already applied: each proxy carries its inherited settings.
public struct Configuration: Sendable {
    public var global: GlobalSettings
    public var proxies: [Proxy]
    public var userlists: [Userlist]
    /// `peers` sections, in configuration order.
    public var peers: [PeersSection]

    public init(global: GlobalSettings = GlobalSettings(), proxies: [Proxy] = [], userlists: [Userlist] = [],
                peers: [PeersSection] = []) {
        self.global = global
        self.proxies = proxies
        self.userlists = userlists
        self.peers = peers
    }

    /// Proxies that accept connections (`frontend` and `listen`).
    public var frontends: [Proxy] { proxies.filter { $0.capabilities.contains(.frontend) } }
    /// Proxies that hold servers (`backend` and `listen`).
    public var backends: [Proxy] { proxies.filter { $0.capabilities.contains(.backend) } }

    public func proxy(named name: String) -> Proxy? { proxies.first { $0.name == name } }
    public func backend(named name: String) -> Proxy? { backends.first { $0.name == name } }
}

/// A `userlist` section: users with their passwords, and groups.
public struct Userlist: Sendable, Hashable {
    public struct User: Sendable, Hashable {
        public enum Password: Sendable, Hashable {
            case insecure(String)
            /// A crypt(3) hash such as `$6$salt$...`.
            case hashed(String)
        }
        public var name: String
        public var password: Password
        public var groups: [String]
        public init(name: String, password: Password, groups: [String] = []) {
            self.name = name
            self.password = password
            self.groups = groups
        }
    }
    public var name: String
    public var users: [User]
    public var groups: [String: [String]]
    public var location: SourceLocation

    public init(name: String, users: [User] = [], groups: [String: [String]] = [:], location: SourceLocation) {
        self.name = name
        self.users = users
        self.groups = groups
        self.location = location
    }
}
