import Testing
@testable import LBConfig

/// `server-state-file`, `server-state-base`, `load-server-state-from-file` and `server-state-file-name`:
/// which file each backend reads.
struct ServerStateSettingsTests {
    @Test func eachBackendResolvesItsFile() throws {
        let result = parse("""
            global
                server-state-base /var/lib/lb
                server-state-file all.state
            defaults
                mode http
                timeout client 5s
                timeout server 5s
                timeout connect 1s
                load-server-state-from-file global
            backend fromGlobal
                server s1 127.0.0.1:8080
            backend ownByName
                load-server-state-from-file local
                server s1 127.0.0.1:8080
            backend ownNamed
                load-server-state-from-file local
                server-state-file-name /tmp/abs.state
                server s1 127.0.0.1:8080
            backend ownRelative
                load-server-state-from-file local
                server-state-file-name rel.state
                server s1 127.0.0.1:8080
            backend useBackendName
                load-server-state-from-file local
                server-state-file-name use-backend-name
                server s1 127.0.0.1:8080
            backend nothing
                load-server-state-from-file none
                server s1 127.0.0.1:8080
            """)
        #expect(result.errors.isEmpty, "\(result.diagnostics)")
        #expect(!result.diagnostics.contains { $0.message.contains("state") }, "\(result.diagnostics)")
        let configuration = try #require(result.configuration)
        #expect(configuration.global.serverStateBase == "/var/lib/lb")
        #expect(configuration.global.serverStateFile == "all.state")
        let paths = Dictionary(uniqueKeysWithValues: configuration.proxies.map {
            ($0.name, $0.serverStateFilePath(global: configuration.global) ?? "-")
        })
        #expect(paths == [
            "fromGlobal": "/var/lib/lb/all.state",
            "ownByName": "/var/lib/lb/ownByName",
            "ownNamed": "/tmp/abs.state",
            "ownRelative": "/var/lib/lb/rel.state",
            "useBackendName": "/var/lib/lb/useBackendName",
            "nothing": "-",
        ])
    }

    @Test func withoutBaseARelativeNameStaysRelative() throws {
        let result = parse("global\n    server-state-file s.state\n" + quietDefaults
            + "backend be\n    load-server-state-from-file global\n    server s1 127.0.0.1:8080\n")
        let configuration = try #require(result.configuration)
        #expect(configuration.proxies.first?.serverStateFilePath(global: configuration.global) == "s.state")
    }

    @Test(arguments: [
        ("backend be\n    load-server-state-from-file always", "expects global, local or none, not 'always'"),
        ("frontend fe\n    load-server-state-from-file global", "'load-server-state-from-file' is not allowed in a frontend section"),
        ("frontend fe\n    server-state-file-name x", "'server-state-file-name' is not allowed in a frontend section"),
    ])
    func mistakes(text: String, message: String) {
        let result = parse(quietDefaults + text)
        #expect(result.errors.contains { $0.message.contains(message) }, "\(result.diagnostics)")
    }
}
