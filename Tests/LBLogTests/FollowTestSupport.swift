import CZlib
import Foundation
@testable import LBLog

/// A `LogFollower` polled on its own thread every few milliseconds, as `lblog tail` does, collecting
/// the lines it hands out so a test can wait for them.
final class FollowerThread: @unchecked Sendable {
    private let lock = NSLock()
    private var collected: [String] = []
    private var pollCount = 0
    private var totals = LogFollower.Progress()
    private var failure: String?
    private var stopping = false
    private var stopped = false

    init(path: String, fromStart: Bool) {
        let thread = Thread { [self] in run(path: path, fromStart: fromStart) }
        thread.start()
    }

    private func run(path: String, fromStart: Bool) {
        let follower = LogFollower(path: path, fromStart: fromStart)
        while !locked({ stopping }) {
            var batch: [String] = []
            do {
                try follower.poll { p, n in batch.append(String(decoding: UnsafeBufferPointer(start: p, count: n), as: UTF8.self)) }
            } catch {
                locked { failure = "\(error)" }
            }
            let total = follower.total
            locked {
                collected += batch
                totals = total
                pollCount += 1
            }
            usleep(5_000)
        }
        locked { stopped = true }
    }

    private func locked<T>(_ body: () -> T) -> T {
        lock.lock()
        defer { lock.unlock() }
        return body()
    }

    var lines: [String] { locked { collected } }
    var polls: Int { locked { pollCount } }
    var progress: LogFollower.Progress { locked { totals } }
    var error: String? { locked { failure } }

    /// Waits until the follower has polled `count` more times: everything written before this call has
    /// been looked at (used to show that something did *not* arrive).
    func waitForPolls(_ count: Int = 2) -> Bool {
        let target = polls + count
        return eventually { self.polls >= target }
    }

    func stop() {
        locked { stopping = true }
        _ = eventually { self.locked { self.stopped } }
    }
}

/// Appends bytes to a file (opened and closed each time, as another process would).
func append(_ bytes: [UInt8], to path: String) {
    let fd = open(path, O_WRONLY | O_APPEND | O_CREAT, 0o644)
    precondition(fd >= 0, "cannot open \(path)")
    bytes.withUnsafeBytes { _ = write(fd, $0.baseAddress, $0.count) }
    close(fd)
}

func append(_ text: String, to path: String) { append(Array(text.utf8), to: path) }

/// One gzip member as lb's file sink writes it (with the `LB` size field).
func gzipMember(_ text: String) -> [UInt8] {
    var member: [UInt8] = []
    let ok = GzipMemberEncoder(level: 6).encode(Array(text.utf8), modificationTime: 0, into: &member)
    precondition(ok)
    return member
}

/// `count` numbered lines, `prefix-first` ... each with its newline.
func numberedLines(_ prefix: String, _ range: ClosedRange<Int>) -> (text: String, lines: [String]) {
    let lines = range.map { "\(prefix)-\($0)" }
    return (lines.map { $0 + "\n" }.joined(), lines)
}

/// One gzip member as `gzip` writes it: no `LB` size field, so a reader must inflate to find its end.
func plainGzipMember(_ text: String) -> [UInt8] {
    var stream = z_stream()
    deflateInit2_(&stream, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY, zlibVersion(), Int32(MemoryLayout<z_stream>.size))
    defer { deflateEnd(&stream) }
    var input = Array(text.utf8)
    var output = [UInt8](repeating: 0, count: input.count + 4096)
    input.withUnsafeMutableBufferPointer { source in
        output.withUnsafeMutableBufferPointer { destination in
            stream.next_in = source.baseAddress
            stream.avail_in = uInt(source.count)
            stream.next_out = destination.baseAddress
            stream.avail_out = uInt(destination.count)
            _ = deflate(&stream, Z_FINISH)
        }
    }
    return Array(output[0..<Int(stream.total_out)])
}
