import Foundation
import LBTestSupport
import Testing
@testable import LBLog
@testable import LBReport

#if canImport(Glibc)
import Glibc
#endif

/// Real lines from Debian's haproxy, sent over UDP to this test, then read by the real halog and by
/// lblog: `-st`, `-tc`, `-srv` and `-pct` must agree byte for byte.
@Suite(.enabled(if: HalogInterop.toolsPresent, "needs haproxy and halog (Debian package haproxy)"), .serialized)
struct HalogInteropTests {
    @Test func lblogAgreesWithHalog() throws {
        let run = try HalogInterop.generateFixture()
        let inputs = try LogInputResolver.resolve([run.fixture])
        let scan = LogScanner.scan(inputs, options: ReportOptions(), workers: 2)
        let a = scan.aggregate
        #expect(a.records >= run.expectedRecords)
        #expect(a.invalidCount == 0)
        #expect(try HalogInterop.halog("-st", run.fixture) == HalogCompat.statusCounts(a))
        #expect(try HalogInterop.halog("-tc", run.fixture) == HalogCompat.terminationCounts(a))
        #expect(try HalogInterop.halog("-srv", run.fixture) == HalogCompat.servers(a))
        #expect(try HalogInterop.halog("-pct", run.fixture) == HalogCompat.percentiles(a))
        // The fixture really has the variety it was built for.
        let statuses = Set(HalogCompat.statusCounts(a).split(separator: "\n").map { $0.split(separator: " ")[0] })
        #expect(statuses.isSuperset(of: ["200", "400", "403", "404", "503"]))
    }
}

enum HalogInterop {
    static let haproxyPath = ["/usr/sbin/haproxy", "/usr/bin/haproxy"].first { FileManager.default.isExecutableFile(atPath: $0) }
    static let halogPath = ["/usr/bin/halog", "/usr/sbin/halog"].first { FileManager.default.isExecutableFile(atPath: $0) }
    static var toolsPresent: Bool { haproxyPath != nil && halogPath != nil }

    struct Run {
        var fixture: String
        var expectedRecords: Int
    }

    /// Runs haproxy against a local "application" (a second haproxy frontend that answers by itself),
    /// drives varied traffic through it and collects its syslog datagrams into a log file.
    static func generateFixture() throws -> Run {
        let dir = NSTemporaryDirectory() + "lblog-halog-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let udp = try UDPCollector()
        let front = try freePort(), app = try freePort(), dead = try freePort()
        let config = """
        global
            log 127.0.0.1:\(udp.port) local0
            log-send-hostname lbhost
        defaults
            mode http
            log global
            option httplog
            timeout connect 300ms
            timeout client 5s
            timeout server 5s
        frontend fe_main
            bind 127.0.0.1:\(front)
            capture request header Host len 32
            capture request header User-Agent len 32
            http-request deny if { path_beg /deny }
            use_backend be_dead if { path_beg /dead }
            default_backend be_app
        backend be_app
            balance roundrobin
            server web1 127.0.0.1:\(app)
            server web2 127.0.0.1:\(app)
        backend be_dead
            retries 1
            server gone 127.0.0.1:\(dead)
        frontend app
            bind 127.0.0.1:\(app)
            http-request return status 404 content-type text/plain string nope if { path_beg /missing }
            http-request return status 200 content-type text/plain string ok

        """
        let configPath = dir + "/haproxy.cfg"
        try config.write(toFile: configPath, atomically: true, encoding: .utf8)
        let haproxy = ChildProcess()
        haproxy.executableURL = URL(fileURLWithPath: haproxyPath!)
        haproxy.arguments = ["-db", "-f", configPath]
        haproxy.standardOutput = FileHandle.nullDevice
        haproxy.standardError = FileHandle.nullDevice
        try ProcessLaunch.run(haproxy)
        defer { haproxy.stop() }
        try waitUntilListening(front)

        var requests: [String] = []
        for i in 0..<60 { requests.append("/page/\(i % 7)?q=\(i)") }
        requests += ["/missing/a", "/missing/b", "/deny/x", "/dead/y", "/index.html", "/index.html"]
        var forwarded = 0
        for path in requests {
            _ = try exchange(front, "GET \(path) HTTP/1.1\r\nHost: test\r\nUser-Agent: lbtest\r\nConnection: close\r\n\r\n")
            if !path.hasPrefix("/deny"), !path.hasPrefix("/dead") { forwarded += 1 }
        }
        _ = try exchange(front, "THIS IS NOT HTTP\r\n\r\n")
        let expected = requests.count + 1 + forwarded
        let lines = try udp.collect(trafficLines: expected, within: 15)
        let fixture = dir + "/haproxy.log"
        try (lines.joined(separator: "\n") + "\n").write(toFile: fixture, atomically: true, encoding: .utf8)
        return Run(fixture: fixture, expectedRecords: expected)
    }

    static func halog(_ flag: String, _ file: String) throws -> String {
        try ExternalTool.run(halogPath!, [flag, "-q"], input: try Data(contentsOf: URL(fileURLWithPath: file))).output
    }

    static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = loopback(port: 0)
        let bound = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
        guard bound == 0 else { throw InteropError("bind failed") }
        return boundPort(fd)
    }

    static func loopback(port: Int) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return address
    }

    static func boundPort(_ fd: Int32) -> Int {
        var address = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) } }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    static func connectTo(_ port: Int) -> Int32? {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = loopback(port: port)
        let status = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
        if status != 0 { close(fd); return nil }
        return fd
    }

    /// Polls until haproxy accepts connections (it binds shortly after starting).
    static func waitUntilListening(_ port: Int) throws {
        let deadline = Date().addingTimeInterval(10)
        while Date() < deadline {
            if let fd = connectTo(port) { close(fd); return }
            usleep(20_000)
        }
        throw InteropError("haproxy did not start listening on \(port)")
    }

    /// Sends a request and reads the answer until the server closes.
    static func exchange(_ port: Int, _ request: String) throws -> String {
        guard let fd = connectTo(port) else { throw InteropError("connect to \(port) failed") }
        defer { close(fd) }
        let bytes = Array(request.utf8)
        _ = bytes.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, 0) }
        var response: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n <= 0 { break }
            response += buffer[0..<n]
        }
        return String(decoding: response, as: UTF8.self)
    }
}

struct InteropError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// A UDP socket standing in for syslog.
final class UDPCollector {
    let fd: Int32
    let port: Int

    init() throws {
        let descriptor = socket(AF_INET, Int32(SOCK_DGRAM.rawValue), 0)
        var address = HalogInterop.loopback(port: 0)
        let bound = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
        guard bound == 0 else {
            close(descriptor)
            throw InteropError("udp bind failed")
        }
        fd = descriptor
        port = HalogInterop.boundPort(descriptor)
    }

    deinit { close(fd) }

    /// Receives datagrams until `trafficLines` traffic records (lines with a `[date]`) have arrived.
    func collect(trafficLines: Int, within seconds: Double) throws -> [String] {
        var lines: [String] = []
        var traffic = 0
        let deadline = Date().addingTimeInterval(seconds)
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while traffic < trafficLines {
            let remaining = Int32(max(0, deadline.timeIntervalSinceNow) * 1000)
            guard remaining > 0 else { throw InteropError("got \(traffic) of \(trafficLines) log lines") }
            var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            if poll(&pfd, 1, remaining) <= 0 { continue }
            let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            guard n > 0 else { continue }
            var line = String(decoding: buffer[0..<n], as: UTF8.self)
            while line.hasSuffix("\n") { line.removeLast() }
            if line.contains(" [") && line.contains("] ") { traffic += 1 }
            lines.append(line)
        }
        return lines
    }
}
