import Foundation
import Testing
@testable import LBConfig

@Suite struct ArticleFixtureTests {
    let result = ConfigurationLoader.load(files: [fixturesDirectory.appendingPathComponent("article.cfg").path],
                                          environment: [:], isRoot: false)

    @Test func loadsWithoutErrors() throws {
        #expect(result.errors.isEmpty, "\(result.errors)")
        #expect(result.configuration != nil)
    }

    @Test func globalSettings() throws {
        let global = try #require(result.configuration?.global)
        #expect(global.maxConnections == 4000)
        #expect(global.logTargets.map(\.target) == ["127.0.0.1"])
        #expect(global.logTargets.first?.facility == "local2")
        #expect(global.user == "haproxy" && global.group == "haproxy" && global.chroot == "/var/lib/haproxy")
        #expect(global.pidFile == "/var/run/haproxy.pid")
        #expect(global.daemon)
        #expect(global.statsSockets.map(\.path) == ["/var/lib/haproxy/stats"])
        #expect(result.warnings.contains { $0.message.contains("nbproc") && $0.location.line == 8 })
        #expect(result.warnings.contains { $0.message.contains("'chroot' is applied only when lb starts as root") })
    }

    @Test func proxies() throws {
        let configuration = try #require(result.configuration)
        #expect(configuration.proxies.map(\.name) == ["allen", "webservers", "lamp", "stats"])
        #expect(configuration.proxies.map(\.capabilities) == [.frontend, .backend, .backend, .listen])
        #expect(configuration.proxies.allSatisfy { $0.mode == .http })

        let allen = try #require(configuration.proxy(named: "allen"))
        #expect(allen.binds == [BindAddress(host: nil, port: 80, location: allen.binds[0].location)])
        #expect(allen.httpConnectionMode == .close)
        #expect(allen.forwardFor == ForwardForSettings())
        #expect(allen.defaultBackend == .name("webservers"))
        #expect(allen.useBackendRules.map(\.backend) == [.name("lamp")])
        #expect(allen.acls.map(\.name) == ["url_static", "url_dynamic"])
        #expect(allen.acls[0].criterion == ACLCriterion(fetch: "path_end", flags: ["-i"], patterns: [".html", ".jpg", ".gif"],
                                                        location: allen.acls[0].criterion.location))
        #expect(allen.httpRequestRules.map(\.action) == [
            .setHeader(name: "X-Forwarded-Port", value: "%[dst_port]"),
            .addHeader(name: "X-Forwarded-Proto", value: "https"),
        ])
        #expect(allen.maxConnections == 3000)
        #expect(allen.logging.useGlobal && allen.logging.format == .httplog && allen.logging.dontLogNull)

        let webservers = try #require(configuration.backend(named: "webservers"))
        #expect(webservers.servers.map(\.weight) == [2, 2, 2])
        #expect(webservers.servers.allSatisfy { $0.rise == 2 && $0.fall == 1 && $0.check })
        #expect(webservers.servers.map(\.host) == ["192.168.1.8", "192.168.1.9", "192.168.1.10"])
        #expect(webservers.balance == .roundRobin)
        #expect(webservers.httpConnectionMode == .serverClose)
        #expect(webservers.forwardFor?.except == IPNetwork("127.0.0.0/8"))
        #expect(webservers.redispatchInterval == -1)
        #expect(webservers.timeouts.server == 60_000 && webservers.timeouts.connect == 10_000)

        let lamp = try #require(configuration.backend(named: "lamp"))
        #expect(lamp.balance == .source)
        #expect(lamp.servers.first?.weight == 1)
        #expect(lamp.httpConnectionMode == .serverClose)
        #expect(lamp.forwardFor?.except == IPNetwork("127.0.0.0/8"))

        let stats = try #require(configuration.proxy(named: "stats"))
        #expect(stats.binds.map(\.description) == ["0.0.0.0:8090"])
        #expect(stats.healthCheck.httpCheck && stats.healthCheck.method == "GET" && stats.healthCheck.uri == "/info.txt")
        let settings = try #require(stats.stats)
        #expect(settings.enabled && settings.hideVersion)
        #expect(settings.uri == "/allen")
        #expect(settings.realm == "Haproxy allen")
        #expect(settings.credentials.map { "\($0.user):\($0.password)" } == ["admin:admin"])
        #expect(settings.refresh == 3000)
        #expect(settings.adminCondition?.groups == [[Condition.Term(negated: false, acl: .named("TRUE"))]])
        #expect(result.find(.warning, line: 50, "option httpchk", file: fixturesDirectory.appendingPathComponent("article.cfg").path) != nil)
    }
}

