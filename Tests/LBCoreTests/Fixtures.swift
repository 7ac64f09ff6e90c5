import LBConfig
@testable import LBCore

/// Shared builders for LBCore tests: a standard request, connections, and small configurations.
enum Fixture {
    static func location(_ line: Int) -> SourceLocation { SourceLocation(file: "test.cfg", line: line) }

    static let uri = "/static/img/Logo.PNG?id=42&lang=en"

    /// A request that exercises every fetch.
    static let head = HTTPRequestHead(
        method: "GET", uri: uri, version: .http1_1,
        headers: HTTPHeaderFields([
            .init(name: "Host", value: "www.Example.com:8080"),
            .init(name: "X-Forwarded-For", value: "10.0.0.1, 10.0.0.2"),
            .init(name: "x-forwarded-for", value: "10.0.0.3"),
            .init(name: "Cookie", value: "session=abc123; theme=dark"),
            .init(name: "Content-Length", value: "12"),
            .init(name: "Accept", value: "text/html, application/json"),
            .init(name: "User-Agent", value: "curl/8.0"),
        ]))

    static let connection = ConnectionInfo(source: IPAddress("192.168.1.10"), sourcePort: 51234,
                                           destination: IPAddress("10.1.1.1"), destinationPort: 443, isTLS: true)
    static let v6Connection = ConnectionInfo(source: IPAddress("2001:db8::5"), sourcePort: 4000,
                                             destination: IPAddress("::1"), destinationPort: 80)
    static let localConnection = ConnectionInfo(source: IPAddress("127.0.0.1"), sourcePort: 4000,
                                                destination: IPAddress("127.0.0.1"), destinationPort: 80)

    static func request(_ method: String = "GET", _ uri: String = "/", version: HTTPVersion = .http1_1,
                        _ headers: [(String, String)] = []) -> HTTPRequestHead {
        HTTPRequestHead(method: method, uri: uri, version: version,
                        headers: HTTPHeaderFields(headers.map { .init(name: $0.0, value: $0.1) }))
    }

    static func connection(source: String, port: Int = 1000) -> ConnectionInfo {
        ConnectionInfo(source: IPAddress(source), sourcePort: port, destination: IPAddress("10.1.1.1"), destinationPort: 80)
    }

    /// Compiles one ACL test and evaluates it; nil when it does not compile.
    static func acl(_ fetch: String, _ flags: [String] = [], _ patterns: [String] = [],
                    head: HTTPRequestHead? = Fixture.head, connection: ConnectionInfo = Fixture.connection) -> ACLResult? {
        var environment = CompileEnvironment()
        guard let test = ACLCompiler.compile(ACLCriterion(fetch: fetch, flags: flags, patterns: patterns, location: location(1)),
                                             environment: &environment) else { return nil }
        return test.evaluate(SampleContext(head: head, connection: connection, serverCounts: nil))
    }

    static func term(_ name: String, not negated: Bool = false) -> Condition.Term {
        Condition.Term(negated: negated, acl: .named(name))
    }

    static func anonymous(_ fetch: String, _ flags: [String] = [], _ patterns: [String], not negated: Bool = false) -> Condition.Term {
        Condition.Term(negated: negated, acl: .anonymous(ACLCriterion(fetch: fetch, flags: flags, patterns: patterns, location: location(1))))
    }

    static func condition(_ polarity: Condition.Polarity, _ groups: [[Condition.Term]], line: Int = 1) -> Condition {
        Condition(polarity: polarity, groups: groups, location: location(line))
    }

    static func condition(_ groups: [[Condition.Term]], line: Int = 1) -> Condition {
        Condition(polarity: .if, groups: groups, location: location(line))
    }

    static func server(_ name: String, weight: Int = 1, backup: Bool = false, disabled: Bool = false, maxconn: Int? = nil) -> ServerDeclaration {
        var server = ServerDeclaration(name: name, host: "127.0.0.1", port: 8080, location: location(1))
        server.weight = weight
        server.backup = backup
        server.disabled = disabled
        server.maxConnections = maxconn
        return server
    }

    static func backend(_ name: String, mode: ProxyMode = .http, servers: [ServerDeclaration] = [server("s1")], line: Int = 50) -> Proxy {
        var proxy = Proxy(name: name, capabilities: .backend, location: location(line))
        proxy.mode = mode
        proxy.servers = servers
        return proxy
    }

    static func frontend(_ name: String = "fe", mode: ProxyMode = .http, acls: [ACLDeclaration] = [], rules: [HTTPRule] = [],
                         useBackends: [UseBackendRule] = [], defaultBackend: BackendReference? = nil) -> Proxy {
        var proxy = Proxy(name: name, capabilities: .frontend, location: location(10))
        proxy.mode = mode
        proxy.acls = acls
        proxy.httpRequestRules = rules
        proxy.useBackendRules = useBackends
        proxy.defaultBackend = defaultBackend
        return proxy
    }

    static func declaration(_ name: String, _ fetch: String, _ flags: [String] = [], _ patterns: [String], line: Int = 2) -> ACLDeclaration {
        ACLDeclaration(name: name, criterion: ACLCriterion(fetch: fetch, flags: flags, patterns: patterns, location: location(line)))
    }

    /// Compiles `frontend` with the given backends and returns the frontend's rules (fails the test on errors).
    static func rules(_ frontend: Proxy, backends: [Proxy] = [backend("hit"), backend("miss")]) -> (RequestRules, ProxyPlan)? {
        let (plan, _) = ProxyPlan.compile(Configuration(proxies: [frontend] + backends))
        guard let plan, let first = plan.frontends.first else { return nil }
        return (first.rules, plan)
    }
}

/// Servers as a balancer sees them, changeable between picks.
struct MockServers: ServerAvailability {
    var usable: [Bool]
    var weights: [Int]
    var connections: [Int]

    init(weights: [Int], usable: [Bool]? = nil, connections: [Int]? = nil) {
        self.weights = weights
        self.usable = usable ?? Array(repeating: true, count: weights.count)
        self.connections = connections ?? Array(repeating: 0, count: weights.count)
    }

    var count: Int { weights.count }
    func isUsable(_ index: Int) -> Bool { usable[index] }
    func weight(_ index: Int) -> Int { weights[index] }
    func activeConnections(_ index: Int) -> Int { connections[index] }
}
