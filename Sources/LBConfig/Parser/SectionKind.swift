/// The kinds of proxy-like sections, and sets of them for "where is this keyword allowed".
enum SectionKind: Sendable, Hashable {
    case defaults, frontend, backend, listen

    var name: String {
        switch self {
        case .defaults: "defaults"
        case .frontend: "frontend"
        case .backend: "backend"
        case .listen: "listen"
        }
    }

    var capabilities: Proxy.Capabilities {
        switch self {
        case .defaults: []
        case .frontend: .frontend
        case .backend: .backend
        case .listen: .listen
        }
    }

    /// An article and the name, for messages: "a backend section", "a defaults section".
    var phrase: String { "a \(name) section" }
}

struct SectionKinds: OptionSet, Sendable, Hashable {
    let rawValue: UInt8
    static let defaults = SectionKinds(rawValue: 1)
    static let frontend = SectionKinds(rawValue: 2)
    static let backend = SectionKinds(rawValue: 4)
    static let listen = SectionKinds(rawValue: 8)

    static let all: SectionKinds = [.defaults, .frontend, .backend, .listen]
    /// Real proxies, not defaults.
    static let proxies: SectionKinds = [.frontend, .backend, .listen]
    /// Sections with the frontend capability, and defaults.
    static let frontSide: SectionKinds = [.defaults, .frontend, .listen]
    /// Sections with the backend capability, and defaults.
    static let backSide: SectionKinds = [.defaults, .backend, .listen]

    func contains(_ kind: SectionKind) -> Bool {
        switch kind {
        case .defaults: contains(SectionKinds.defaults)
        case .frontend: contains(SectionKinds.frontend)
        case .backend: contains(SectionKinds.backend)
        case .listen: contains(SectionKinds.listen)
        }
    }
}
