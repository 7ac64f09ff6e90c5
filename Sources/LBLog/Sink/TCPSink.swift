#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `tcp@host:port`: syslog over TCP with RFC 6587 octet counting. The socket is non-blocking, so a
/// slow or absent peer never stalls the writer thread (and the other sinks): messages wait in a
/// buffer bounded in bytes while the peer is down, the connection is retried with exponential backoff
/// (100 ms doubling to 5 s), and what exceeds the bound is dropped and counted.
final class TCPSink: LogSink {
    let counters: SinkCounterBox
    let framing = SinkFraming.octetCounted
    private let destination: SocketAddress
    private let bufferLimit: Int
    private let onError: @Sendable (String) -> Void
    private var descriptor: Int32 = -1
    private var connecting = false
    /// Bytes not yet sent; `sentOffset` of them are already on the wire. Records are counted
    /// written once they enter the kernel.
    private var buffer: [UInt8] = []
    private var sentOffset = 0
    private var bufferedRecords: [Int] = []  // end offset of each buffered record
    private var backoffNanoseconds: UInt64 = 100_000_000
    private var nextAttempt: UInt64 = 0

    init(name: String, destination: SocketAddress, bufferLimit: Int, onError: @escaping @Sendable (String) -> Void) {
        self.counters = SinkCounterBox(name: name)
        self.destination = destination
        self.bufferLimit = bufferLimit
        self.onError = onError
        counters.set(connected: false)
    }

    func write(_ message: ArraySlice<UInt8>) {
        if buffer.count - sentOffset + message.count > bufferLimit {
            counters.dropped(1)
            return
        }
        buffer.append(contentsOf: message)
        bufferedRecords.append(buffer.count)
    }

    func tick(nowNanoseconds: UInt64) {
        if descriptor < 0 {
            guard nowNanoseconds >= nextAttempt, !bufferedRecords.isEmpty || nextAttempt == 0 else { return }
            startConnect(now: nowNanoseconds)
        }
        if connecting { finishConnect(now: nowNanoseconds) }
        if descriptor >= 0 && !connecting { drain(now: nowNanoseconds) }
    }

    func flush() { tick(nowNanoseconds: SystemClock.monotonicNanoseconds()) }

    func reopen() {}

    func close() {
        flush()
        if descriptor >= 0 { systemClose(descriptor) }
        descriptor = -1
    }

    private func startConnect(now: UInt64) {
        descriptor = socket(destination.family, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { return fail("socket: \(errnoDescription(errno))", now: now) }
        _ = fcntl(descriptor, F_SETFL, fcntl(descriptor, F_GETFL) | O_NONBLOCK)
        var one: Int32 = 1
        _ = setsockopt(descriptor, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
        let result = destination.withSockaddr { connect(descriptor, $0, $1) }
        if result == 0 {
            connected()
        } else if errno == EINPROGRESS {
            connecting = true
        } else {
            fail("connect: \(errnoDescription(errno))", now: now)
        }
    }

    private func finishConnect(now: UInt64) {
        var poller = pollfd(fd: descriptor, events: Int16(POLLOUT), revents: 0)
        guard poll(&poller, 1, 0) > 0 else { return }
        var error: Int32 = 0
        var length = socklen_t(MemoryLayout<Int32>.size)
        getsockopt(descriptor, SOL_SOCKET, SO_ERROR, &error, &length)
        if error == 0 { connected() } else { fail("connect: \(errnoDescription(error))", now: now) }
    }

    private func connected() {
        connecting = false
        backoffNanoseconds = 100_000_000
        counters.set(connected: true)
        counters.recovered()
    }

    private func drain(now: UInt64) {
        while sentOffset < buffer.count {
            let sent = buffer.withUnsafeBytes { raw in
                send(descriptor, raw.baseAddress! + sentOffset, buffer.count - sentOffset, Int32(MSG_NOSIGNAL))
            }
            if sent < 0 {
                let code = errno
                if code == EAGAIN || code == EWOULDBLOCK || code == EINTR { break }
                forgetSentRecords()
                // The start of a partly sent record went down with the connection: resend it whole.
                sentOffset = 0
                return fail("send: \(errnoDescription(code))", now: now)
            }
            sentOffset += sent
        }
        forgetSentRecords()
    }

    /// Counts and drops the records fully handed to the kernel.
    private func forgetSentRecords() {
        var done = 0
        while done < bufferedRecords.count && bufferedRecords[done] <= sentOffset { done += 1 }
        guard done > 0 else { return }
        let end = bufferedRecords[done - 1]
        counters.written(records: done, bytes: end)
        buffer.removeFirst(end)
        sentOffset -= end
        bufferedRecords.removeFirst(done)
        for index in bufferedRecords.indices { bufferedRecords[index] -= end }
    }

    private func fail(_ message: String, now: UInt64) {
        if descriptor >= 0 { systemClose(descriptor) }
        descriptor = -1
        connecting = false
        counters.set(connected: false)
        if counters.failed(message) { onError("log target \(counters.name): \(message); retrying") }
        nextAttempt = now + backoffNanoseconds
        backoffNanoseconds = min(backoffNanoseconds * 2, 5_000_000_000)
    }
}
