import ArgumentParser
import Foundation
import LBLog

/// `lblog generate`: a reproducible synthetic HAProxy log for benchmarks and demos (hidden from help).
/// Several frontends, backends and servers, one slow server, error bursts, TCP sessions, bad requests,
/// header captures and about `--urls` distinct paths with a skewed popularity. Same seed, same bytes.
struct GenerateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate",
        abstract: "Write a reproducible synthetic HAProxy httplog to stdout (for benchmarks).",
        shouldDisplay: false
    )

    @Option var lines = 3_000_000
    @Option var seed: UInt64 = 42
    @Option var urls = 100_000
    @Option(help: "Time span covered, in hours.") var hours = 6

    func run() throws {
        var g = LogGenerator(seed: seed, urls: urls, lines: lines, spanMilliseconds: Int64(hours) * 3_600_000)
        var buffer: [UInt8] = []
        buffer.reserveCapacity(1 << 21)
        let out = FileHandle.standardOutput
        for _ in 0..<lines {
            g.line(into: &buffer)
            if buffer.count >= 1 << 20 {
                out.write(Data(buffer))
                buffer.removeAll(keepingCapacity: true)
            }
        }
        out.write(Data(buffer))
    }
}

struct LogGenerator {
    var state: UInt64
    let urls: Int
    let gap: Int64
    var now: Int64
    let start: Int64
    let span: Int64
    var cachedSecond: Int64 = -1
    var cachedSyslog: [UInt8] = []
    var cachedDate: [UInt8] = []

    static let servers: [(backend: String, server: String, base: Int, slow: Bool)] = [
        ("be_web", "web1", 40, false), ("be_web", "web2", 40, false), ("be_web", "web3", 40, false), ("be_web", "web4", 40, false),
        ("be_static", "static1", 3, false), ("be_static", "static2", 3, false),
        ("be_api", "api1", 60, false), ("be_api", "api2", 60, false), ("be_api", "api3", 60, true), ("be_api", "api4", 60, false),
    ]
    static let agents = ["Mozilla/5.0", "curl/8.5.0", "okhttp/4.12", "Go-http-client/1.1", "python-requests/2.31"]
    static let sections = ["items", "users", "orders", "search", "cart", "img", "css", "js", "docs", "blog"]

    init(seed: UInt64, urls: Int, lines: Int, spanMilliseconds: Int64) {
        state = seed &* 0x9E37_79B9_7F4A_7C15 | 1
        self.urls = max(1, urls)
        start = Int64(LogDate.days(year: 2026, month: 11, day: 24)) * 86_400_000
        now = start
        span = spanMilliseconds
        gap = max(1, spanMilliseconds / Int64(max(1, lines)))
    }

    mutating func next() -> UInt64 {
        // splitmix64
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }
    mutating func unit() -> Double { Double(next() >> 11) / Double(1 << 53) }

    /// A long-tailed latency around `base` ms.
    mutating func latency(_ base: Int) -> Int {
        let u = max(1e-9, unit())
        return Int(Double(base) * 0.3 + Double(base) * (-log(u)) * 0.7)
    }

    mutating func line(into b: inout [UInt8]) {
        now += Int64(below(Int(gap * 2) + 1))
        let second = now / 1000
        if second != cachedSecond { cacheDates(second) }
        let offset = now - start
        // Error bursts: 3 windows of 2 minutes in which be_api fails.
        let phase = offset % (span / 3 + 1)
        let inBurst = phase > span / 6 && phase < span / 6 + 120_000

        b.append(contentsOf: cachedSyslog)
        // client
        let client = below(50_000)
        append(&b, "10.\(client >> 16 & 255).\((client >> 8) & 255).\(client & 255):\(1024 + below(60_000)) [")
        b.append(contentsOf: cachedDate)
        append(&b, ".\(pad3(Int(now % 1000)))] ")

        let kind = below(1000)
        if kind < 20 {
            // TCP session
            let tw = 0, tc = below(3), tt = latency(2000)
            append(&b, "fe_tcp be_db/db\(1 + below(2)) \(tw)/\(tc)/\(tt) \(below(50_000)) -- \(100 + below(50))/\(5 + below(5))/\(below(5))/\(below(3))/0 0/0\n")
            return
        }
        if kind < 23 {
            append(&b, "fe_main fe_main/<NOSRV> -1/-1/-1/-1/\(below(10)) 400 0 - - \(below(2) == 0 ? "PR--" : "CR--") \(100 + below(50))/\(50 + below(20))/0/0/0 0/0 \"<BADREQ>\"\n")
            return
        }
        let isAPI = kind < 250
        let serverIndex: Int
        if isAPI { serverIndex = 6 + below(4) } else { serverIndex = below(10) < 6 ? below(4) : 4 + below(2) }
        let s = Self.servers[serverIndex]
        let tr = below(10) < 8 ? below(3) : below(40)
        var tw = inBurst && isAPI ? below(200) : (below(100) == 0 ? below(20) : 0)
        var tc = below(10) < 9 ? 0 : below(5)
        var tResp = latency(s.slow ? s.base * 8 : s.base)
        var status = 200
        var term = below(20) == 0 ? "--VN" : "----"
        var bytes = 200 + below(30_000)
        let r = below(10_000)
        if inBurst && isAPI && r < 4000 {
            if r < 2000 { status = 503; term = "SC--"; tc = -1; tResp = -1; bytes = 217 } else {
                status = 504; term = "sH--"; tResp = -1; bytes = 194; tw = 0
            }
        } else if r < 300 { status = 404; bytes = 500 }
        else if r < 400 { status = 304; bytes = 150 }
        else if r < 500 { status = 301; bytes = 250 }
        else if r < 530 { status = 500; bytes = 300 }
        else if r < 560 { status = 502; term = "SH--"; tResp = -1; bytes = 210 }
        else if r < 600 { term = "CD--" }
        var ta = max(0, tr) + max(0, tw) + max(0, tc) + max(0, tResp) + below(30)
        if term == "sH--" { ta = 30_000 + below(5) }
        if term == "SC--" { ta = 3000 + below(10) }
        let retries = term == "SC--" ? "+3" : (below(2000) == 0 ? "1" : "0")
        let frontend = isAPI ? "fe_api" : "fe_main"
        append(&b, "\(frontend) \(s.backend)/\(s.server) \(tr)/\(tw)/\(tc)/\(tResp)/\(ta) \(status) \(bytes) - - \(term) ")
        append(&b, "\(100 + below(50))/\(50 + below(20))/\(10 + below(10))/\(below(8))/\(retries) \(tw > 0 ? below(3) : 0)/0 ")
        if !isAPI { append(&b, "{www.example.com|\(Self.agents[below(Self.agents.count)])} ") }
        // Skewed popularity: small ids are much more frequent.
        let id = Int(pow(unit(), 3) * Double(urls))
        let section = Self.sections[id % Self.sections.count]
        let method = isAPI && below(5) == 0 ? "POST" : "GET"
        let query = below(4) == 0 ? "?page=\(below(20))" : ""
        let path = isAPI ? "/api/v1/\(section)/\(id)" : (serverIndex >= 4 ? "/static/\(section)/\(id).png" : "/\(section)/\(id)")
        append(&b, "\"\(method) \(path)\(query) HTTP/1.1\"\n")
    }

    mutating func cacheDates(_ second: Int64) {
        cachedSecond = second
        let days = Int(second / 86400)
        let (y, m, d) = LogDate.civil(days: days)
        let inDay = Int(second % 86400)
        let hh = pad2(inDay / 3600), mm = pad2(inDay / 60 % 60), ss = pad2(inDay % 60)
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        let day = d < 10 ? " \(d)" : "\(d)"
        cachedSyslog = Array("\(months[m - 1]) \(day) \(hh):\(mm):\(ss) lbhost haproxy[4242]: ".utf8)
        cachedDate = Array("\(pad2(d))/\(months[m - 1])/\(y):\(hh):\(mm):\(ss)".utf8)
    }

    func pad2(_ v: Int) -> String { v < 10 ? "0\(v)" : "\(v)" }
    func pad3(_ v: Int) -> String { v < 10 ? "00\(v)" : v < 100 ? "0\(v)" : "\(v)" }
    func append(_ b: inout [UInt8], _ s: String) { b.append(contentsOf: s.utf8) }
}
