#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CSocketBatch

/// UDP syslog (`ip[:port]`, `[ipv6]:port`) and unix datagram sockets (`/dev/log`): one datagram per
/// message, never waiting: a full socket buffer or an absent peer drops the message and counts it.
///
/// Messages are gathered while the writer drains a batch and leave together at the end of it (the
/// writer's tick, at most 10 ms later) in one non-blocking `sendmmsg` per up to `maxBatch` datagrams:
/// one system call per batch instead of one per record, which is most of what UDP logging costs the
/// two cores that also carry the traffic.
final class DatagramSink: LogSink {
    static let maxBatch = 256
    private var pending: [UInt8] = []
    private var pendingEnds: [Int] = []
    let counters: SinkCounterBox
    let framing = SinkFraming.datagram
    private let destination: SocketAddress
    private var socketDescriptor: Int32 = -1
    /// A UDP socket is connected to its destination, so each datagram goes without an address and the
    /// kernel reuses the cached route instead of looking it up per datagram. (A unix socket is not: a
    /// receiver that re-creates its socket, as syslog daemons do on restart, would leave it connected
    /// to the old one.)
    private var connected = false
    private let onError: @Sendable (String) -> Void

    init(name: String, destination: SocketAddress, onError: @escaping @Sendable (String) -> Void) {
        self.counters = SinkCounterBox(name: name)
        self.destination = destination
        self.onError = onError
        openSocket()
    }

    private func openSocket() {
        #if canImport(Glibc)
        let type = Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue)
        #else
        let type = SOCK_DGRAM
        #endif
        connected = false
        socketDescriptor = socket(destination.family, type, 0)
        if socketDescriptor < 0 {
            report("socket: \(errnoDescription(errno))")
            return
        }
        if destination.family == AF_INET || destination.family == AF_INET6 {
            connected = destination.withSockaddr { connect(socketDescriptor, $0, $1) } == 0
        }
    }

    /// A datagram that could not leave: dropped and counted. Only real faults are reported: a full
    /// socket buffer is not one, nor the refusal a connected UDP socket hears back from a receiver that
    /// is not listening (an unconnected one would have sent into the void without a word).
    private func droppedOne(_ code: Int32, _ call: StaticString) {
        counters.dropped(1)
        if code != EAGAIN && code != EWOULDBLOCK && code != ECONNREFUSED { report("\(call): \(errnoDescription(code))") }
    }

    func write(_ message: ArraySlice<UInt8>) {
        pending.append(contentsOf: message)
        pendingEnds.append(pending.count)
        if pendingEnds.count >= Self.maxBatch { sendPending() }
    }

    /// Sends the gathered datagrams, in order.
    private func sendPending() {
        guard !pendingEnds.isEmpty else { return }
        defer {
            pending.removeAll(keepingCapacity: true)
            pendingEnds.removeAll(keepingCapacity: true)
        }
        if socketDescriptor < 0 { openSocket() }
        guard socketDescriptor >= 0 else {
            counters.dropped(pendingEnds.count)
            return
        }
        #if os(Linux)
        sendBatch()
        #else
        var start = 0
        for end in pendingEnds {
            sendOne(start..<end)
            start = end
        }
        #endif
    }

    #if os(Linux)
    private func sendBatch() {
        let count = pendingEnds.count
        pending.withUnsafeMutableBytes { bytes in
            destination.withSockaddr { address, length in
                var vectors = [iovec](repeating: iovec(), count: count)
                var headers = [lb_mmsghdr](repeating: lb_mmsghdr(), count: count)
                var start = 0
                for index in 0..<count {
                    vectors[index] = iovec(iov_base: bytes.baseAddress! + start, iov_len: pendingEnds[index] - start)
                    start = pendingEnds[index]
                }
                vectors.withUnsafeMutableBufferPointer { vectors in
                    for index in 0..<count {
                        headers[index].msg_hdr.msg_name = connected ? nil : UnsafeMutableRawPointer(mutating: address)
                        headers[index].msg_hdr.msg_namelen = connected ? 0 : length
                        headers[index].msg_hdr.msg_iov = UnsafeMutableRawPointer(vectors.baseAddress! + index)
                        headers[index].msg_hdr.msg_iovlen = 1
                    }
                    var next = 0
                    while next < count {
                        let sent = headers.withUnsafeMutableBufferPointer { headers in
                            lb_sendmmsg(socketDescriptor, headers.baseAddress! + next, UInt32(count - next), Int32(MSG_DONTWAIT))
                        }
                        if sent > 0 {
                            var written = 0
                            for index in next..<(next + Int(sent)) { written += Int(headers[index].msg_len) }
                            counters.written(records: Int(sent), bytes: written)
                            counters.recovered()
                            next += Int(sent)
                        } else {
                            // The datagram at `next` could not leave: drop it, as a single sendto would.
                            droppedOne(errno, "sendmmsg")
                            next += 1
                        }
                    }
                }
            }
        }
    }
    #endif

    private func sendOne(_ range: Range<Int>) {
        let sent = pending[range].withUnsafeBytes { bytes in
            destination.withSockaddr { address, length in
                sendto(socketDescriptor, bytes.baseAddress, bytes.count, Int32(MSG_DONTWAIT), connected ? nil : address,
                       connected ? 0 : length)
            }
        }
        if sent < 0 {
            droppedOne(errno, "sendto")
        } else {
            counters.written(records: 1, bytes: sent)
            counters.recovered()
        }
    }

    private func report(_ message: String) {
        if counters.failed(message) { onError("log target \(counters.name): \(message)") }
    }

    func tick(nowNanoseconds: UInt64) { sendPending() }
    func flush() { sendPending() }
    func reopen() {}

    func close() {
        sendPending()
        if socketDescriptor >= 0 { systemClose(socketDescriptor) }
        socketDescriptor = -1
    }
}
