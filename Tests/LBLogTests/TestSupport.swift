import Foundation
@testable import LBLog

/// Milliseconds since the epoch for a UTC civil time (days-from-civil, the inverse of `CivilTime`).
func epochMilliseconds(_ year: Int, _ month: Int, _ day: Int, _ hour: Int, _ minute: Int, _ second: Int, _ ms: Int = 0) -> Int64 {
    let y = month <= 2 ? year - 1 : year
    let era = (y >= 0 ? y : y - 399) / 400
    let yearOfEra = y - era * 400
    let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
    let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
    let days = era * 146_097 + dayOfEra - 719_468
    return Int64(days * 86_400 + hour * 3600 + minute * 60 + second) * 1000 + Int64(ms)
}

/// A record as the sample's fe_main lines have it: one request on 25 Nov 2026, UTC, served by `server`.
func sampleRecord(
    port: Int, time: (Int, Int, Int, Int), backend: String = "be_app", server: String = "web1",
    timers: (Int, Int, Int, Int, Int) = (0, 0, 0, 0, 0), status: Int = 200, bytes: Int64 = 185,
    termination: String = "--NI", retries: Int = 0, headers: [String]? = ["127.0.0.1:18080", "curl/8.0"],
    request: String? = "GET /index.html HTTP/1.1", frontend: String = "fe_main"
) -> LogRecord {
    let date = epochMilliseconds(2026, 11, 25, time.0, time.1, time.2, time.3)
    return LogRecord(
        clientAddress: "127.0.0.1", clientPort: port, acceptDateMilliseconds: date, requestDateMilliseconds: date,
        frontend: frontend, backend: backend, server: server,
        timeRequest: timers.0, timeQueue: timers.1, timeConnect: timers.2, timeResponse: timers.3, timeActive: timers.4,
        status: status, bytesToClient: bytes, terminationState: termination,
        activeConnections: 1, frontendConnections: 1, retries: retries,
        capturedRequestHeaders: headers, requestLine: request)
}

/// Polls `condition` until it holds or `timeout` passes (never a bare sleep standing in for a condition).
func eventually(timeout: Double = 5, _ condition: () throws -> Bool) rethrows -> Bool {
    let deadline = Date().addingTimeInterval(timeout)
    while Date() < deadline {
        if try condition() { return true }
        usleep(5_000)
    }
    return try condition()
}

/// A fresh empty directory under the system temporary directory.
func makeTemporaryDirectory(_ prefix: String = "lblog") -> String {
    let path = NSTemporaryDirectory() + "\(prefix)-\(UUID().uuidString)"
    try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}
