#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CSocketBatch

/// UDP syslog (`ip[:port]`, `[ipv6]:port`) and unix datagram sockets (`/dev/log`): one datagram per
/// message, never waiting: a full socket buffer or an absent peer drops the message and counts it.
///
/// Messages are gathered and leave together in one non-blocking `sendmmsg` (one system call per batch
/// instead of one per record) as soon as `maxBatch` are waiting, or when the first of them has waited
/// `udpHoldNanoseconds` (UDP) or at the end of the writer's batch (unix sockets). Over UDP, messages of
/// equal length in a batch leave as one segmented send (`DatagramSegmentPlan`), so the batch may arrive
/// in another order than it was logged; unix datagram sockets keep the order.
final class DatagramSink: LogSink {
    /// Datagrams gathered before they leave together. A burst must fit a receiver's default socket buffer
    /// (`net.core.rmem_default`, 208 KiB: about 200 datagrams of an httplog line's size, kernel overhead
    /// included): bursts of 350 lost 7% of them at a receiver with that buffer (14% when segmented), bursts
    /// of 128 none, measured with bench/udp-segments.c and a receiver without SO_RCVBUF.
    static let maxBatch = 128
    /// How long a UDP message may wait for others to leave with. Under load the writer wakes every 60 or
    /// so records, and sending at each wake woke the receiver as often. Holding them until `maxBatch` are
    /// waiting halves the receiver's wake-ups and cuts the writer's system time from about 0.8 to 0.55 µs
    /// a record (docs/benchmarks.md). When fewer records come, none waits longer than this. (A unix
    /// socket's queue may hold as few as 10 datagrams, `net.unix.max_dgram_qlen`: its messages leave at
    /// the end of each writer batch.)
    static let udpHoldNanoseconds: UInt64 = 5_000_000
    private var pending: [UInt8] = []
    private var pendingEnds: [Int] = []
    /// When the first message now pending was written.
    private var pendingSince: UInt64 = 0
    let counters: SinkCounterBox
    let framing = SinkFraming.datagram
    private let destination: SocketAddress
    private(set) var socketDescriptor: Int32 = -1
    /// Sends that carried more than one message (segmentation offload), for tests and profiles.
    private(set) var segmentedSends = 0
    /// A UDP socket is connected to its destination, so each datagram goes without an address and the
    /// kernel reuses the cached route instead of looking it up per datagram. (A unix socket is not: a
    /// receiver that re-creates its socket, as syslog daemons do on restart, would leave it connected
    /// to the old one.)
    private var connected = false
    /// Messages up to this length may share a segmented send (0: segmentation off); see `sendBatch`.
    private var segmentLimit = 0
    /// The batch reordered for segmentation, reused.
    private var segmented: [UInt8] = []
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
        #if os(Linux)
        segmentLimit = segmentLimitOfRoute()
        #endif
    }

    /// A datagram that could not leave: dropped and counted. Only real faults are reported: a full
    /// socket buffer is not one, nor the refusal a connected UDP socket hears back from a receiver that
    /// is not listening (an unconnected one would have sent into the void without a word).
    private func droppedOne(_ code: Int32, _ call: StaticString) {
        counters.dropped(1)
        if code != EAGAIN && code != EWOULDBLOCK && code != ECONNREFUSED { report("\(call): \(errnoDescription(code))") }
    }

    func write(_ message: ArraySlice<UInt8>) {
        if pendingEnds.isEmpty && connected { pendingSince = SystemClock.monotonicNanoseconds() }
        pending.append(contentsOf: message)
        pendingEnds.append(pending.count)
        if pendingEnds.count >= Self.maxBatch { sendPending() }
    }

    /// Sends the gathered datagrams.
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
    /// A connected UDP socket sends messages of equal length together with segmentation offload
    /// (`DatagramSegmentPlan`): on loopback (`bench/udp-segments.sh`) the sender's system time goes from
    /// 3.5 to 0.8 µs a datagram and the receiver's CPU from 2.1 to 0.6 µs. Any other socket sends one datagram per
    /// message, in order.
    private func sendBatch() {
        guard segmentLimit > 0, pendingEnds.count > 1 else {
            var start = 0
            let groups = pendingEnds.map { end in
                defer { start = end }
                return DatagramSegmentPlan.Group(segmentLength: end - start, count: 1)
            }
            send(groups, from: pending)
            return
        }
        let plan = DatagramSegmentPlan(ends: pendingEnds, segmentLimit: segmentLimit)
        segmented.removeAll(keepingCapacity: true)
        for index in plan.order {
            segmented.append(contentsOf: pending[(index == 0 ? 0 : pendingEnds[index - 1])..<pendingEnds[index]])
        }
        send(plan.groups, from: segmented)
    }

    /// Sends `groups`, laid end to end in `buffer`, in `sendmmsg` calls of up to `maxBatch` groups: a group
    /// of one message is a plain datagram, a larger one a segmented send. When the kernel refuses
    /// segmentation (too old, or a route whose device cannot do it), the sink stops asking for it and
    /// sends what is left one datagram per message.
    private func send(_ groups: [DatagramSegmentPlan.Group], from buffer: [UInt8]) {
        var groups = groups[...]
        var start = 0
        var retriedAt = -1
        while !groups.isEmpty {
            let chunk = groups.prefix(Self.maxBatch)
            let (sentGroups, sentBytes, code) = sendChunk(chunk, from: buffer, at: start)
            groups = groups.dropFirst(sentGroups)
            start += sentBytes
            // A partly sent chunk loses the error of the send after it: the next call starts there and gets it.
            guard sentGroups == 0, let failed = groups.first else { continue }
            if failed.count > 1 && Self.refusesSegmentation(code) {
                segmentLimit = 0
                let singles = groups.flatMap { group in
                    repeatElement(DatagramSegmentPlan.Group(segmentLength: group.segmentLength, count: 1), count: group.count)
                }
                send(singles, from: Array(buffer[start...]))
                return
            }
            // A refusal heard back from an earlier datagram (the receiver was away) fails this send without
            // sending it, and is then cleared: try once more rather than drop a whole group for it.
            if code == ECONNREFUSED && retriedAt != start {
                retriedAt = start
                continue
            }
            // The send at the head could not leave: drop it, as a single sendto would.
            counters.dropped(failed.count - 1)
            droppedOne(code, "sendmmsg")
            groups = groups.dropFirst()
            start += failed.segmentLength * failed.count
        }
    }

    /// One `sendmmsg` of `groups` starting at byte `start` of `buffer`. Returns how many groups and bytes
    /// left, and the error of the call when none did.
    private func sendChunk(_ groups: ArraySlice<DatagramSegmentPlan.Group>, from buffer: [UInt8], at start: Int)
        -> (groups: Int, bytes: Int, error: Int32) {
        let count = groups.count
        var vectors = [iovec](repeating: iovec(), count: count)
        var headers = [lb_mmsghdr](repeating: lb_mmsghdr(), count: count)
        var controls = [lb_udp_segment_cmsg](repeating: lb_udp_segment_cmsg(), count: count)
        return buffer.withUnsafeBytes { bytes in
            vectors.withUnsafeMutableBufferPointer { vectors in
                controls.withUnsafeMutableBufferPointer { controls in
                    destination.withSockaddr { address, length in
                        var offset = start
                        for (index, group) in groups.enumerated() {
                            let size = group.segmentLength * group.count
                            vectors[index] = iovec(iov_base: UnsafeMutableRawPointer(mutating: bytes.baseAddress! + offset), iov_len: size)
                            offset += size
                            headers[index].msg_hdr.msg_name = connected ? nil : UnsafeMutableRawPointer(mutating: address)
                            headers[index].msg_hdr.msg_namelen = connected ? 0 : length
                            headers[index].msg_hdr.msg_iov = UnsafeMutableRawPointer(vectors.baseAddress! + index)
                            headers[index].msg_hdr.msg_iovlen = 1
                            if group.count > 1 {
                                controls[index].cmsg_len = UInt(MemoryLayout<cmsghdr>.size + MemoryLayout<UInt16>.size)
                                controls[index].cmsg_level = Int32(LB_SOL_UDP)
                                controls[index].cmsg_type = Int32(LB_UDP_SEGMENT)
                                controls[index].segment_size = UInt16(group.segmentLength)
                                headers[index].msg_hdr.msg_control = UnsafeMutableRawPointer(controls.baseAddress! + index)
                                headers[index].msg_hdr.msg_controllen = UInt(MemoryLayout<lb_udp_segment_cmsg>.size)
                            }
                        }
                        let sent = headers.withUnsafeMutableBufferPointer { headers in
                            lb_sendmmsg(socketDescriptor, headers.baseAddress!, UInt32(count), Int32(MSG_DONTWAIT))
                        }
                        guard sent > 0 else { return (0, 0, errno) }
                        var written = 0, records = 0
                        for index in 0..<Int(sent) {
                            written += Int(headers[index].msg_len)
                            let group = groups[groups.startIndex + index]
                            records += group.count
                            if group.count > 1 { segmentedSends += 1 }
                        }
                        counters.written(records: records, bytes: written)
                        counters.recovered()
                        return (Int(sent), written, 0)
                    }
                }
            }
        }
    }

    /// What `sendmmsg` says when the kernel or the route cannot segment: then plain datagrams still can.
    private static func refusesSegmentation(_ code: Int32) -> Bool {
        code == EIO || code == EINVAL || code == ENOPROTOOPT || code == EOPNOTSUPP
    }

    /// The largest message that fits one packet on the connected route (its MTU less the IP and UDP
    /// headers), or 0 when segmentation is not to be used.
    private func segmentLimitOfRoute() -> Int {
        guard connected else { return 0 }
        var mtu: Int32 = 0
        var size = socklen_t(MemoryLayout<Int32>.size)
        let isIPv6 = destination.family == AF_INET6
        let result = getsockopt(socketDescriptor, isIPv6 ? Int32(IPPROTO_IPV6) : Int32(IPPROTO_IP),
                                isIPv6 ? Int32(LB_IPV6_MTU) : Int32(LB_IP_MTU), &mtu, &size)
        guard result == 0 else { return 0 }
        return max(0, Int(mtu) - (isIPv6 ? 48 : 28))
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

    func tick(nowNanoseconds now: UInt64) {
        if let due = dueNanoseconds, now < due { return }
        sendPending()
    }

    /// When the pending UDP messages are to leave even if no more come (nil: at the next tick).
    var dueNanoseconds: UInt64? {
        connected && !pendingEnds.isEmpty ? pendingSince &+ Self.udpHoldNanoseconds : nil
    }
    func flush() { sendPending() }
    func reopen() {}

    func close() {
        sendPending()
        if socketDescriptor >= 0 { systemClose(socketDescriptor) }
        socketDescriptor = -1
    }
}
