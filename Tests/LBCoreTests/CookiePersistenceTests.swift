import LBConfig
import LBCore
import Testing

/// Cookie persistence decisions: which server a cookie names, what the server sees, what the client gets.
struct CookiePersistenceTests {
    static func persistence(_ mode: CookieSettings.Mode, indirect: Bool = false, configure: (inout CookieSettings) -> Void = { _ in })
        -> CookiePersistence {
        var settings = CookieSettings(name: "SRV", location: Fixture.location(1))
        settings.mode = mode
        settings.indirect = indirect
        configure(&settings)
        return CookiePersistence(settings: settings, serverValues: ["s1", "s2", nil])
    }

    @Test(arguments: [
        (["SRV=s2"], Optional(1), CookiePersistence.ClientCookie.valid),
        (["a=1; SRV=s1; b=2"], Optional(0), .valid),
        (["a=1"], nil, .none),
        ([], nil, .none),
        (["SRV=zz"], nil, .invalid),
    ] as [([String], Int?, CookiePersistence.ClientCookie)])
    func requestCookieNamesAServer(headers: [String], server: Int?, flag: CookiePersistence.ClientCookie) {
        let decision = Self.persistence(.insert).decide(cookieHeaders: headers, usable: { _ in true }, persist: false)
        #expect(decision.server == server)
        #expect(decision.clientCookie == flag)
    }

    @Test func aDownServerIsLeftUnlessPersist() {
        let cookies = Self.persistence(.insert)
        let down = cookies.decide(cookieHeaders: ["SRV=s1"], usable: { $0 != 0 }, persist: false)
        #expect(down.server == nil && down.clientCookie == .down)
        let kept = cookies.decide(cookieHeaders: ["SRV=s1"], usable: { $0 != 0 }, persist: true)
        #expect(kept.server == 0 && kept.clientCookie == .valid)
    }

    @Test func indirectHidesTheCookieFromTheServerAndPrefixStripsIt() {
        let indirect = Self.persistence(.insert, indirect: true).decide(cookieHeaders: ["a=1; SRV=s1"], usable: { _ in true }, persist: false)
        #expect(indirect.rewrittenCookieHeaders == ["a=1"])
        let alone = Self.persistence(.insert, indirect: true).decide(cookieHeaders: ["SRV=s1"], usable: { _ in true }, persist: false)
        #expect(alone.rewrittenCookieHeaders == [])
        let prefix = Self.persistence(.prefix).decide(cookieHeaders: ["SRV=s2~abc; x=y"], usable: { _ in true }, persist: false)
        #expect(prefix.server == 1)
        #expect(prefix.rewrittenCookieHeaders == ["SRV=abc; x=y"])
        let plain = Self.persistence(.insert).decide(cookieHeaders: ["SRV=s1"], usable: { _ in true }, persist: false)
        #expect(plain.rewrittenCookieHeaders == nil)
    }

    @Test func insertionFollowsTheOptions() {
        let cookies = Self.persistence(.insert) { $0.httpOnly = true; $0.secure = true; $0.domains = ["example.com"] }
        let inserted = cookies.insertion(server: 0, clientCookie: .none, clientServer: nil, method: "GET", serverSetItsOwn: false)
        #expect(inserted?.value == "SRV=s1; path=/; domain=example.com; HttpOnly; Secure")
        #expect(inserted?.action == .inserted)
        // A valid cookie for the same server needs no new one; a server without a value gets none.
        #expect(cookies.insertion(server: 0, clientCookie: .valid, clientServer: 0, method: "GET", serverSetItsOwn: false) == nil)
        #expect(cookies.insertion(server: 2, clientCookie: .none, clientServer: nil, method: "GET", serverSetItsOwn: false) == nil)
        let postOnly = Self.persistence(.insert) { $0.postOnly = true }
        #expect(postOnly.insertion(server: 0, clientCookie: .none, clientServer: nil, method: "GET", serverSetItsOwn: false) == nil)
        #expect(postOnly.insertion(server: 0, clientCookie: .none, clientServer: nil, method: "POST", serverSetItsOwn: false) != nil)
        let preserve = Self.persistence(.insert) { $0.preserve = true }
        #expect(preserve.insertion(server: 0, clientCookie: .none, clientServer: nil, method: "GET", serverSetItsOwn: true) == nil)
    }

    @Test func rewriteAndPrefixChangeTheServersCookie() {
        #expect(Self.persistence(.rewrite).rewriteServerCookie("SRV=anything; Path=/", server: 1) == "SRV=s2; Path=/")
        #expect(Self.persistence(.prefix).rewriteServerCookie("SRV=abc; Path=/", server: 0) == "SRV=s1~abc; Path=/")
        #expect(Self.persistence(.rewrite).rewriteServerCookie("OTHER=x", server: 0) == nil)
    }
}
