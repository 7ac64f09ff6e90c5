import Foundation
import LBConfig
import Testing
@testable import LBCore

/// `http_auth(LIST)` and `http_auth_group(LIST)` against `userlist` sections: clear-text passwords and
/// crypt(3) hashes (SHA-512 and SHA-256, made with `openssl passwd -6|-5 -salt lbsalt123 hunter2`).
struct HTTPAuthTests {
    static let config = """
        userlist staff
            group admins users alice
            group readers
            user alice password $6$lbsalt123$1WmyX0lJg0YCGgABfmdSRn4d6AhK6p6ymqRjFARnIDtLbyQaLPYD40ocPXHlRsGhv1Chb/WnDgR5CeXDkLXuv/
            user bob password $5$lbsalt123$9m9/f9gqluuMzJR75aiIvL4y0RJLPFjnEDPA1BVk6TC groups readers
            user carol insecure-password pa:ss:word
        frontend fe
            mode http
            bind :80
            use_backend admin if { http_auth_group(staff) admins }
            use_backend known if { http_auth(staff) }
            default_backend anonymous
        backend admin
            mode http
            server s 127.0.0.1:1
        backend known
            mode http
            server s 127.0.0.1:1
        backend anonymous
            mode http
            server s 127.0.0.1:1
        """

    static func basic(_ credentials: String) -> (String, String) {
        ("Authorization", "Basic " + Data(credentials.utf8).base64EncodedString())
    }

    @Test(arguments: [
        ("alice:hunter2", "admin"), ("alice:hunter3", "anonymous"), ("bob:hunter2", "known"), ("bob:", "anonymous"),
        ("carol:pa:ss:word", "known"), ("carol:pa:ss", "anonymous"), ("dave:hunter2", "anonymous"),
        ("alice", "anonymous"),
    ])
    func credentialsChooseTheBackend(credentials: String, expected: String) throws {
        let loaded = ConfigurationLoader.parse(Self.config, name: "test.cfg")
        let configuration = try #require(loaded.configuration)
        let (plan, diagnostics) = ProxyPlan.compile(configuration)
        let compiled = try #require(plan, "\(diagnostics)")
        let rules = compiled.frontends[0].rules
        // Twice: the second check of a hashed password comes from the verified set and must agree.
        for _ in 0..<2 {
            let index = rules.selectBackend(for: Fixture.request("GET", "/", [Self.basic(credentials)]), connection: Fixture.connection)
            #expect(index.map { compiled.backends[$0].name } == expected)
        }
    }

    @Test func groupsListingAUserFollowItsOwnInNameOrder() {
        let list = Userlist(
            name: "l",
            users: [.init(name: "u", password: .insecure("p"), groups: ["zeta", "ops"]), .init(name: "v", password: .insecure("p"))],
            groups: ["ops": ["u"], "beta": ["u", "u", "v"], "alpha": ["u"], "zeta": []],
            location: SourceLocation(file: "t", line: 1))
        let verifier = UserlistVerifier(list)
        #expect(verifier.authenticatedGroups(Self.basic("u:p").1) == ["zeta", "ops", "alpha", "beta"])
        #expect(verifier.authenticatedGroups(Self.basic("v:p").1) == ["beta"])
    }

    @Test func noOrMalformedHeaderIsAnonymous() throws {
        let loaded = ConfigurationLoader.parse(Self.config, name: "test.cfg")
        let configuration = try #require(loaded.configuration)
        let compiled = try #require(ProxyPlan.compile(configuration).plan)
        for headers in [[], [("Authorization", "Basic !!!")], [("Authorization", "Bearer abc")]] {
            let index = compiled.frontends[0].rules.selectBackend(for: Fixture.request("GET", "/", headers), connection: Fixture.connection)
            #expect(index.map { compiled.backends[$0].name } == "anonymous")
        }
    }

    @Test func unknownUserlistIsAnErrorNamingTheLine() throws {
        let text = Self.config.replacingOccurrences(of: "http_auth(staff)", with: "http_auth(stuff)")
        let configuration = try #require(ConfigurationLoader.parse(text, name: "test.cfg").configuration)
        let (plan, diagnostics) = ProxyPlan.compile(configuration)
        #expect(plan == nil)
        #expect(diagnostics.contains { $0.description.contains("test.cfg:11") && $0.description.contains("no userlist named 'stuff'") },
                "\(diagnostics)")
    }

    @Test func cryptVerifiesOnlyTheRightPassword() {
        let hash = "$6$lbsalt123$1WmyX0lJg0YCGgABfmdSRn4d6AhK6p6ymqRjFARnIDtLbyQaLPYD40ocPXHlRsGhv1Chb/WnDgR5CeXDkLXuv/"
        #expect(CryptPassword.verify(Array("hunter2".utf8), against: hash))
        #expect(!CryptPassword.verify(Array("hunter".utf8), against: hash))
        #expect(!CryptPassword.verify(Array("hunter2".utf8), against: "not-a-hash"))
        #expect(!CryptPassword.verify([0x68, 0, 0x69], against: hash))
    }
}
