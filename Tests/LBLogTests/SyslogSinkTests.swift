import Foundation
import Testing
@testable import LBLog

/// Real sockets on loopback: what a syslog server receives.
@Suite struct SyslogSinkTests {
    static let record = sampleRecord(port: 54800, time: (2, 40, 29, 39))
    static let line = #"127.0.0.1:54800 [25/Nov/2026:02:40:29.039] fe_main be_app/web1 0/0/0/0/0 200 185 - - --NI 1/1/0/0/0 0/0 {127.0.0.1:18080|curl/8.0} "GET /index.html HTTP/1.1""#

    @Test func udpReceivesLocalFormatWithNewline() throws {
        let receiver = DatagramReceiver()
        let pipeline = try LogPipeline(LogPipelineConfiguration(
            loggers: [LoggerSpec(name: "fe_main", targets: [LogTargetSpec("127.0.0.1:\(receiver.port)", facility: .local0)])],
            tag: "haproxy", pid: 8293))
        defer { pipeline.shutdown() }
        pipeline.makeEmitter().log(Self.record, logger: try #require(pipeline.handle(named: "fe_main")))
        let datagram = try #require(receiver.receive())
        #expect(datagram.hasPrefix("<134>"))
        #expect(datagram.hasSuffix(" haproxy[8293]: " + Self.line + "\n"))
        #expect(eventually { pipeline.counters.sinks[0].recordsWritten == 1 })
    }

    @Test func unixDatagramReceivesRFC5424AtErrLevel() throws {
        let path = makeTemporaryDirectory() + "/log.sock"
        let receiver = DatagramReceiver(unixPath: path)
        let pipeline = try LogPipeline(LogPipelineConfiguration(
            loggers: [LoggerSpec(name: "fe", targets: [LogTargetSpec(path, facility: .local1, format: .rfc5424)])],
            hostname: "lbhost", pid: 42))
        defer { pipeline.shutdown() }
        pipeline.log(Self.record, logger: LogHandle(index: 0), level: .err)
        let datagram = try #require(receiver.receive())
        #expect(datagram.hasPrefix("<139>1 "))
        #expect(datagram.contains(#" lbhost lb 42 - [lb@32473 fe="fe_main" be="be_app" srv="web1" st="200" "#))
        #expect(datagram.hasSuffix("] " + Self.line + "\n"))
    }

    /// Records gathered during one writer batch leave in `sendmmsg` calls of up to `maxBatch` datagrams:
    /// more than one call's worth must arrive one datagram each, in order, and be counted (these records
    /// all have the same length, so segmentation offload keeps their order). Over UDP all of
    /// them arrive. A unix datagram socket queues only `net.unix.max_dgram_qlen` datagrams (10 on some
    /// machines) before the sender gets EAGAIN: what did not fit is dropped and counted, never waited for.
    @Test(arguments: [false, true])
    func burstLeavesInOrderOneDatagramPerRecord(unix: Bool) throws {
        let path = makeTemporaryDirectory() + "/burst.sock"
        let receiver = unix ? DatagramReceiver(unixPath: path) : DatagramReceiver()
        receiver.setReceiveBuffer(4 << 20)
        let target = unix ? path : "127.0.0.1:\(receiver.port)"
        let pipeline = try LogPipeline(LogPipelineConfiguration(
            loggers: [LoggerSpec(name: "fe", targets: [LogTargetSpec(target, format: .raw)])]))
        defer { pipeline.shutdown() }
        let count = DatagramSink.maxBatch + 44
        for index in 0..<count { pipeline.log(sampleRecord(port: 20_000 + index, time: (2, 40, 29, 39)), logger: LogHandle(index: 0)) }
        #expect(eventually {
            let sink = pipeline.counters.sinks[0]
            return sink.recordsWritten + sink.recordsDropped == UInt64(count)
        })
        let sink = pipeline.counters.sinks[0]
        if !unix { #expect(sink.recordsDropped == 0) }
        var bytes = 0, previousPort = 19_999
        for index in 0..<Int(sink.recordsWritten) {
            let datagram = try #require(receiver.receive(), "datagram \(index)")
            let port = Int(datagram.prefix { $0 != " " }.split(separator: ":").last ?? "") ?? -1
            #expect(port > previousPort && port < 20_000 + count, "datagram \(index): \(datagram.prefix(40))")
            if !unix { #expect(port == 20_000 + index) }
            previousPort = port
            #expect(datagram.hasSuffix("HTTP/1.1\"\n"))
            bytes += datagram.utf8.count
        }
        #expect(sink.bytesWritten == UInt64(bytes))
    }

    /// Nobody listens on the port: the kernel refuses datagrams to a connected UDP socket, which is not
    /// worth an error report (an unconnected socket would not even know); every record is accounted for.
    @Test func anAbsentReceiverIsNotAnError() throws {
        let port = DatagramReceiver().port  // bound, then closed when the receiver goes away
        let reported = ReportedErrors()
        let pipeline = try LogPipeline(LogPipelineConfiguration(
            loggers: [LoggerSpec(name: "fe", targets: [LogTargetSpec("127.0.0.1:\(port)", format: .raw)])],
            onError: { reported.add($0) }))
        defer { pipeline.shutdown() }
        for round in 0..<5 {
            for index in 0..<10 { pipeline.log(sampleRecord(port: 20_000 + round * 10 + index, time: (2, 40, 29, 39)), logger: LogHandle(index: 0)) }
            #expect(pipeline.flush())
        }
        let sink = pipeline.counters.sinks[0]
        #expect(sink.recordsWritten + sink.recordsDropped == 50)
        #expect(sink.errors == 0)
        #expect(reported.messages.isEmpty)
    }

    @Test func lenTruncatesToLenMinusOneThenNewline() throws {
        let receiver = DatagramReceiver()
        let pipeline = try LogPipeline(LogPipelineConfiguration(
            loggers: [LoggerSpec(name: "fe", targets: [LogTargetSpec("udp@127.0.0.1:\(receiver.port)", format: .raw, length: 80)])]))
        defer { pipeline.shutdown() }
        pipeline.log(Self.record, logger: LogHandle(index: 0))
        let datagram = try #require(receiver.receive())
        #expect(datagram.utf8.count == 80)
        #expect(datagram == String(Self.line.prefix(79)) + "\n")
    }

    @Test func levelsFilterAndCap() throws {
        let receiver = DatagramReceiver()
        let pipeline = try LogPipeline(LogPipelineConfiguration(
            loggers: [LoggerSpec(name: "fe", targets: [
                LogTargetSpec("127.0.0.1:\(receiver.port)", format: .priority, maxLevel: .notice, minLevel: .alert)])]))
        defer { pipeline.shutdown() }
        let handle = LogHandle(index: 0)
        pipeline.event("dropped: info is less important than notice", level: .info, logger: handle)
        pipeline.event("Server be_app/web1 is DOWN", level: .alert, logger: handle)
        pipeline.event("backend be_app has no server available!", level: .emerg, logger: handle)
        #expect(receiver.receive() == "<129>Server be_app/web1 is DOWN\n")
        #expect(receiver.receive() == "<129>backend be_app has no server available!\n")
    }

    @Test func udpToAClosedPortCountsNothingLostSilently() throws {
        // Nobody listens: sendto still succeeds for UDP; the record counts as written (HAProxy semantics).
        let pipeline = try LogPipeline(LogPipelineConfiguration(
            loggers: [LoggerSpec(name: "fe", targets: [LogTargetSpec("[::1]:9")])]))
        pipeline.log(Self.record, logger: LogHandle(index: 0))
        #expect(pipeline.shutdown())
        let sink = pipeline.counters.sinks[0]
        #expect(sink.recordsWritten + sink.recordsDropped == 1)
    }

    @Test(arguments: ["ring@buf", "backend@b", "tcp@127.0.0.1", "1.2.3.4:99999", "[::1", "fd@x"])
    func badTargetsAreRefused(target: String) {
        #expect(throws: LogPipelineError.self) {
            try LogPipeline(LogPipelineConfiguration(loggers: [LoggerSpec(name: "x", targets: [LogTargetSpec(target)])]))
        }
    }

    @Test func tcpOctetCountingAndReconnect() throws {
        let collector = TCPCollector()
        let port = collector.port
        let pipeline = try LogPipeline(LogPipelineConfiguration(
            loggers: [LoggerSpec(name: "fe", targets: [LogTargetSpec("tcp@127.0.0.1:\(port)", format: .raw)])]))
        defer { pipeline.shutdown() }
        let handle = LogHandle(index: 0)
        pipeline.event("first", level: .info, logger: handle)
        #expect(eventually { collector.messages == ["first"] })
        // The peer goes away: records wait in the sink, then reach the peer once it is back.
        collector.stop()
        var delivered = 0
        for index in 0..<50 {
            pipeline.event("while down \(index)", level: .info, logger: handle)
            pipeline.flush()
            if pipeline.counters.sinks[0].connected == false { delivered = index; break }
        }
        #expect(eventually { pipeline.counters.sinks[0].connected == false })
        let revived = TCPCollector(port: port)
        defer { revived.stop() }
        pipeline.event("after", level: .info, logger: handle)
        #expect(eventually(timeout: 10) { revived.messages.last == "after" })
        #expect(pipeline.counters.sinks[0].connected)
        #expect(revived.messages.contains("while down \(delivered)"))
        #expect(pipeline.counters.sinks[0].errors >= 1)
    }
}

#if os(Linux)
import CSocketBatch

/// `lb_mmsghdr` is declared by hand (glibc hides `struct mmsghdr` without _GNU_SOURCE): its layout must be
/// the kernel's, or `sendmmsg` would read garbage.
@Test func sendmmsgHeaderHasTheLinuxLayout() {
    #expect(MemoryLayout<lb_msghdr>.size == MemoryLayout<msghdr>.size)
    #expect(MemoryLayout<lb_msghdr>.offset(of: \.msg_iov) == MemoryLayout<msghdr>.offset(of: \.msg_iov))
    #expect(MemoryLayout<lb_msghdr>.offset(of: \.msg_flags) == MemoryLayout<msghdr>.offset(of: \.msg_flags))
    #expect(MemoryLayout<lb_mmsghdr>.offset(of: \.msg_len) == MemoryLayout<msghdr>.size)
}

/// The UDP_SEGMENT control message is `struct cmsghdr` then the segment size, padded to CMSG_SPACE(2).
@Test func segmentControlMessageHasTheLinuxLayout() {
    #expect(MemoryLayout<lb_udp_segment_cmsg>.offset(of: \.cmsg_level) == MemoryLayout<cmsghdr>.offset(of: \.cmsg_level))
    #expect(MemoryLayout<lb_udp_segment_cmsg>.offset(of: \.cmsg_type) == MemoryLayout<cmsghdr>.offset(of: \.cmsg_type))
    #expect(MemoryLayout<lb_udp_segment_cmsg>.offset(of: \.segment_size) == MemoryLayout<cmsghdr>.size)
    #expect(MemoryLayout<lb_udp_segment_cmsg>.size == MemoryLayout<cmsghdr>.size + 8)
}
#endif

/// Error reports of a pipeline, gathered from its writer thread.
final class ReportedErrors: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: [String] = []
    func add(_ message: String) { lock.withLock { stored.append(message) } }
    var messages: [String] { lock.withLock { stored } }
}
