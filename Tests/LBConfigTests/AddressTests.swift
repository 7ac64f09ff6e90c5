import Testing
@testable import LBConfig

@Suite struct AddressTests {
    struct Endpoint: Equatable, CustomStringConvertible {
        var host: String?
        var port: Int
        var description: String { "\(host ?? "nil"):\(port)" }
    }

    @Test(arguments: [
        ("*:80", [Endpoint(host: nil, port: 80)]),
        (":80", [Endpoint(host: nil, port: 80)]),
        ("0.0.0.0:8090", [Endpoint(host: "0.0.0.0", port: 8090)]),
        ("127.0.0.1:8080", [Endpoint(host: "127.0.0.1", port: 8080)]),
        ("[::]:80", [Endpoint(host: "::", port: 80)]),
        ("[::1]:8080", [Endpoint(host: "::1", port: 8080)]),
        (":::80", [Endpoint(host: "::", port: 80)]),
        ("ipv4@127.0.0.1:81", [Endpoint(host: "127.0.0.1", port: 81)]),
        ("ipv4@:81", [Endpoint(host: "0.0.0.0", port: 81)]),
        ("ipv6@::1:82", [Endpoint(host: "::1", port: 82)]),
        ("ipv6@[::1]:82", [Endpoint(host: "::1", port: 82)]),
        ("ipv6@:82", [Endpoint(host: "::", port: 82)]),
        ("localhost:8080", [Endpoint(host: "localhost", port: 8080)]),
        (":8000-8002", [Endpoint(host: nil, port: 8000), Endpoint(host: nil, port: 8001), Endpoint(host: nil, port: 8002)]),
        (":65535", [Endpoint(host: nil, port: 65535)]),
    ])
    func bindForms(text: String, expected: [Endpoint]) throws {
        let endpoints = try AddressParsing.bind(text).get()
        #expect(endpoints.map { Endpoint(host: $0.host, port: $0.port) } == expected)
    }

    @Test(arguments: [
        "*", ":0", ":65536", ":http", "1.2.3:80", "300.1.1.1:80", "[::1:80", "[::1]80", ":9000-8000", "/var/run/sock",
        "unix@/x", "fd@3", "ipv4@::1:80", "foo@1.2.3.4:80", "bad host:80", "",
    ])
    func badBindAddresses(text: String) {
        #expect(throws: AddressParsing.Failure.self) { try AddressParsing.bind(text).get() }
    }

    @Test(arguments: [
        ("192.168.1.8:80", "192.168.1.8", 80 as Int?),
        ("192.168.1.8", "192.168.1.8", nil),
        ("[::1]:8080", "::1", 8080),
        ("[fe80::1]", "fe80::1", nil),
        ("ipv6@::1:9000", "::1", 9000),
        ("ipv4@10.0.0.1:9000", "10.0.0.1", 9000),
        ("app.internal:443", "app.internal", 443),
        ("app-1", "app-1", nil),
    ])
    func serverForms(text: String, host: String, port: Int?) throws {
        let parsed = try AddressParsing.server(text).get()
        #expect(parsed.host == host)
        #expect(parsed.port == port)
    }

    @Test(arguments: ["", ":80", "*:80", "1.2.3.4:0", "1.2.3.4:99999", "1.2.3.4:+10", "/sock", "fe80::1", "[::1", "a b"])
    func badServerAddresses(text: String) {
        #expect(throws: AddressParsing.Failure.self) { try AddressParsing.server(text).get() }
    }

    @Test func bindLineWithListAndOptions() throws {
        let result = parse(quietDefaults + """
        frontend fe
            bind 127.0.0.1:80,[::1]:81 name web v6only
            default_backend be
        backend be
            server s 127.0.0.1:8080
        """)
        let proxy = try #require(result.configuration?.proxy(named: "fe"))
        #expect(proxy.binds.map(\.description) == ["127.0.0.1:80", "[::1]:81"])
        #expect(proxy.binds.allSatisfy { $0.options == ["name", "web", "v6only"] && $0.location.line == 7 })
    }

    @Test func badBindAndServerAddressesAreErrorsOnTheirLine() {
        let result = parse(quietDefaults + """
        frontend fe
            bind 127.0.0.1:99999
            default_backend be
        backend be
            server s ::1
        """)
        #expect(result.find(.error, line: 7, "invalid port '99999'") != nil)
        #expect(result.find(.error, line: 10, "invalid address '::1'")?.hint?.contains("brackets") == true)
    }
}
