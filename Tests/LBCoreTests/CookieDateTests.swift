import LBConfig
import LBCore
import Testing

/// `cookie ... insert maxidle T maxlife T`: the dates an inserted cookie carries, and how a request's
/// cookie is judged by them. The expected flags and values are what haproxy 2.6 did with the same
/// cookies (checked by hand against its log and its Set-Cookie fields).
struct CookieDateTests {
    static let now = 1_795_604_956

    static func cookies(maxIdle: Int? = 3600, maxLife: Int? = 7200) -> CookiePersistence {
        var settings = CookieSettings(name: "SRV", location: Fixture.location(1))
        settings.mode = .insert
        settings.maxIdle = maxIdle
        settings.maxLife = maxLife
        return CookiePersistence(settings: settings, serverValues: ["s1", "s2"])
    }

    static func date(_ offset: Int) -> String { CookieDate.encode(seconds: now + offset) }

    @Test func datesAreFourSecondUnitsInFiveBase64Digits() {
        // haproxy sent `SRV=s1|awbBu|awbBu` at Unix time 1795604917.
        #expect(CookieDate.encode(seconds: 1_795_604_917) == "awbBu")
        #expect(CookieDate.decode("awbBu") == 1_795_604_920)
        for seconds in [0, 1, 4, 1_000_000_007, 1_795_604_956] {
            let decoded = CookieDate.decode(Substring(CookieDate.encode(seconds: seconds)))
            #expect(decoded.map { $0 >= seconds && $0 - seconds < 4 } == true, "\(seconds)")
        }
        for bad in ["", "awbB", "awbBuu", "awb-u", "a bBu"] { #expect(CookieDate.decode(Substring(bad)) == nil, "\(bad)") }
    }

    @Test(arguments: [
        // value, server, client cookie flag
        ("s1", Optional(0), CookiePersistence.ClientCookie.valid),
        ("s1|\(date(-30))|\(date(-30))", 0, .valid),
        ("s1|\(date(-4000))|\(date(-4000))", nil, .expired),
        ("s1|\(date(-7300))|\(date(-7300))", nil, .old),  // both limits passed: too old wins
        ("s1|\(date(0))|\(date(-10000))", nil, .old),
        ("s1|\(date(200_000))|\(date(0))", nil, .expired),  // more than a day ahead
        ("s1|\(date(8))|\(date(0))", 0, .valid),
        ("s1|junk|junk", 0, .valid),  // dates that do not decode count as absent
        ("zz|\(date(0))|\(date(-50))", nil, .invalid),
    ] as [(String, Int?, CookiePersistence.ClientCookie)])
    func requestCookiesAreJudgedByTheirDates(value: String, server: Int?, flag: CookiePersistence.ClientCookie) {
        let decision = Self.cookies().decide(cookieHeaders: ["SRV=\(value)"], usable: { _ in true }, persist: false, now: Self.now)
        #expect(decision.server == server)
        #expect(decision.clientCookie == flag)
        // The cookie goes on to the server as the client sent it (no `indirect`).
        #expect(decision.rewrittenCookieHeaders == nil)
    }

    /// What the response carries after each kind of request cookie.
    @Test(arguments: [
        // request cookie value, expected Set-Cookie value (nil: none), expected action
        ("s1", Optional("s1|\(date(0))|\(date(0))"), Optional(CookiePersistence.ServerCookieAction.updated)),
        ("s1|\(date(-30))|\(date(-30))", "s1|\(date(0))|\(date(-30))", .updated),  // first date kept
        ("s1|\(date(8))|\(date(0))", nil, nil),  // last date not yet past: nothing to refresh
        ("s1|\(date(0))", "s1|\(date(0))|\(date(0))", .updated),  // first date missing
        ("s1|\(date(-4000))|\(date(-4000))", "s1|\(date(0))|\(date(0))", .inserted),  // expired: new dates
        ("zz|\(date(0))|\(date(-50))", "s1|\(date(0))|\(date(-50))", .inserted),
    ] as [(String, String?, CookiePersistence.ServerCookieAction?)])
    func responsesInsertOrRefreshTheDates(request: String, expected: String?, action: CookiePersistence.ServerCookieAction?) {
        let cookies = Self.cookies()
        let decision = cookies.decide(cookieHeaders: ["SRV=\(request)"], usable: { _ in true }, persist: false, now: Self.now)
        let answer = cookies.insertion(server: 0, clientCookie: decision.clientCookie, clientServer: decision.server, method: "GET",
                                       serverSetItsOwn: false, lastSeen: decision.lastSeen, firstSeen: decision.firstSeen, now: Self.now)
        #expect(answer?.value == expected.map { "SRV=\($0); path=/" })
        #expect(answer?.action == action)
    }

    @Test func onlyTheConfiguredDatesAreWritten() {
        let idleOnly = Self.cookies(maxLife: nil)
        #expect(idleOnly.insertion(server: 1, clientCookie: .none, clientServer: nil, method: "GET", serverSetItsOwn: false,
                                   now: Self.now)?.value == "SRV=s2|\(Self.date(0)); path=/")
        // With maxlife alone a valid cookie is refreshed only to add a missing first date.
        let lifeOnly = Self.cookies(maxIdle: nil)
        let dated = lifeOnly.decide(cookieHeaders: ["SRV=s1|\(Self.date(-100))|\(Self.date(-100))"], usable: { _ in true },
                                    persist: false, now: Self.now)
        #expect(dated.clientCookie == .valid)
        #expect(lifeOnly.insertion(server: 0, clientCookie: .valid, clientServer: 0, method: "GET", serverSetItsOwn: false,
                                   lastSeen: dated.lastSeen, firstSeen: dated.firstSeen, now: Self.now) == nil)
        // Without maxidle/maxlife a cookie's `|` is part of the server's value.
        let plain = Self.cookies(maxIdle: nil, maxLife: nil)
        #expect(plain.decide(cookieHeaders: ["SRV=s1|\(Self.date(0))"], usable: { _ in true }, persist: false).clientCookie == .invalid)
    }
}
