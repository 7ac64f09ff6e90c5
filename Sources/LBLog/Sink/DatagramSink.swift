#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// UDP syslog (`ip[:port]`, `[ipv6]:port`) and unix datagram sockets (`/dev/log`): one non-blocking
/// `sendto` per message, as HAProxy does; a full socket buffer or an absent peer drops the message and
/// counts it, never waits.
final class DatagramSink: LogSink {
    let counters: SinkCounterBox
    let framing = SinkFraming.datagram
    private let destination: SocketAddress
    private var socketDescriptor: Int32 = -1
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
        socketDescriptor = socket(destination.family, type, 0)
        if socketDescriptor < 0 { report("socket: \(errnoDescription(errno))") }
    }

    func write(_ message: ArraySlice<UInt8>) {
        if socketDescriptor < 0 { openSocket() }
        guard socketDescriptor >= 0 else {
            counters.dropped(1)
            return
        }
        let sent = message.withUnsafeBytes { bytes in
            destination.withSockaddr { address, length in
                sendto(socketDescriptor, bytes.baseAddress, bytes.count, Int32(MSG_DONTWAIT), address, length)
            }
        }
        if sent < 0 {
            counters.dropped(1)
            let code = errno
            if code != EAGAIN && code != EWOULDBLOCK { report("sendto: \(errnoDescription(code))") }
        } else {
            counters.written(records: 1, bytes: sent)
            counters.recovered()
        }
    }

    private func report(_ message: String) {
        if counters.failed(message) { onError("log target \(counters.name): \(message)") }
    }

    func tick(nowNanoseconds: UInt64) {}
    func flush() {}
    func reopen() {}

    func close() {
        if socketDescriptor >= 0 { systemClose(socketDescriptor) }
        socketDescriptor = -1
    }
}
