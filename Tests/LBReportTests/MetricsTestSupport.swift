import Foundation
import LBTestSupport

#if canImport(Glibc)
import Glibc
#endif

/// promtool, the Prometheus project's checker, when installed.
enum Promtool {
    static let path: String? = {
        for directory in (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin").split(separator: ":") {
            let candidate = "\(directory)/promtool"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }()

    /// `promtool check metrics` on `text`: its exit status and what it said.
    static func checkMetrics(_ text: String) throws -> (status: Int32, output: String) {
        let outcome = try ExternalTool.run(path!, ["check", "metrics"], input: text)
        return (outcome.status, outcome.output + outcome.errors)
    }
}

/// One HTTP/1.1 request over a real TCP connection to 127.0.0.1:`port`, `Connection: close`: the status
/// code and the body, or nil when the connection failed.
func httpGet(port: Int, path: String, method: String = "GET") -> (status: Int, body: String)? {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { return nil }
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = in_port_t(UInt16(port).bigEndian)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    let connected = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
    }
    guard connected == 0 else { return nil }
    let request = Array("\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".utf8)
    guard request.withUnsafeBytes({ send(fd, $0.baseAddress, $0.count, 0) }) == request.count else { return nil }
    var response: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 65_536)
    while true {
        let got = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
        if got <= 0 { break }
        response += chunk[0..<got]
    }
    let text = String(decoding: response, as: UTF8.self)
    guard let split = text.range(of: "\r\n\r\n"), let status = Int(text.split(separator: " ").dropFirst().first ?? "") else { return nil }
    return (status, String(text[split.upperBound...]))
}

/// The value of the sample `series` (the full `name{labels}` text) in an exposition, if present.
func sampleValue(_ exposition: String, _ series: String) -> Double? {
    for line in exposition.split(separator: "\n") where line.hasPrefix(series + " ") {
        return Double(line.dropFirst(series.count + 1))
    }
    return nil
}
