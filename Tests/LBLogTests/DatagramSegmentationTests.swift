import Foundation
import Testing
@testable import LBLog
#if canImport(Glibc)
import Glibc
#endif

/// UDP segmentation offload for syslog datagrams: the plan that groups a batch, and real sends on
/// loopback, where the kernel splits each segmented send back into one datagram per message.
@Suite struct DatagramSegmentationTests {
    /// Ends of messages with these lengths, laid end to end.
    static func ends(_ lengths: [Int]) -> [Int] {
        var end = 0
        return lengths.map { end += $0; return end }
    }

    @Test func equalLengthsShareASendInStableOrder() {
        let plan = DatagramSegmentPlan(ends: Self.ends([5, 3, 5, 4, 3, 5]), segmentLimit: 1_000)
        #expect(plan.order == [1, 4, 3, 0, 2, 5])
        #expect(plan.groups == [.init(segmentLength: 3, count: 2), .init(segmentLength: 4, count: 1), .init(segmentLength: 5, count: 3)])
    }

    @Test func groupsStayWithinTheKernelsLimits() {
        let many = DatagramSegmentPlan(ends: Self.ends(Array(repeating: 10, count: 150)), segmentLimit: 1_000)
        #expect(many.groups.map(\.count) == [64, 64, 22])
        let large = DatagramSegmentPlan(ends: Self.ends(Array(repeating: 20_000, count: 7)), segmentLimit: 60_000)
        #expect(large.groups.map(\.count) == [3, 3, 1])
        let beyondRoute = DatagramSegmentPlan(ends: Self.ends([1_500, 1_500, 1_400, 1_400]), segmentLimit: 1_472)
        #expect(beyondRoute.groups.map(\.count) == [2, 1, 1])
        let empty = DatagramSegmentPlan(ends: Self.ends([0, 0, 2]), segmentLimit: 1_000)
        #expect(empty.groups.map(\.count) == [1, 1, 1])
        #expect(DatagramSegmentPlan(ends: [], segmentLimit: 1_000).groups.isEmpty)
    }

    /// Messages of a few lengths, each one distinct: what arrives is exactly what was sent, once each.
    static func messages(_ count: Int) -> [String] {
        (0..<count).map { index in "<134>record \(String(format: "%05d", index)) " + String(repeating: "x", count: index % 7) + "\n" }
    }

    static func receiveAll(_ receiver: DatagramReceiver, count: Int) -> [String] {
        var received: [String] = []
        while received.count < count, let datagram = receiver.receive() { received.append(datagram) }
        return received
    }

    @Test func segmentedSendsArriveAsOneDatagramPerMessage() throws {
        let receiver = DatagramReceiver()
        receiver.setReceiveBuffer(4 << 20)
        let sink = DatagramSink(name: "udp", destination: try SocketAddress.resolve(host: "127.0.0.1", port: receiver.port), onError: { _ in })
        defer { sink.close() }
        let sent = Self.messages(200)
        for message in sent { sink.write(Array(message.utf8)[...]) }
        sink.flush()
        let received = Self.receiveAll(receiver, count: sent.count)
        #expect(received.sorted() == sent.sorted())
        #expect(sink.segmentedSends >= 7, "200 messages of 7 lengths leave in segmented sends")
        let counters = sink.counters.snapshot
        #expect(counters.recordsWritten == 200 && counters.recordsDropped == 0)
        #expect(counters.bytesWritten == UInt64(sent.reduce(0) { $0 + $1.utf8.count }))
    }

    /// A socket without UDP checksums cannot be segmented (the kernel answers EINVAL): the sink falls
    /// back to one datagram per message and loses nothing, then and after.
    @Test func aRefusedSegmentationFallsBackToPlainDatagrams() throws {
        let receiver = DatagramReceiver()
        receiver.setReceiveBuffer(4 << 20)
        let reported = ReportedErrors()
        let sink = DatagramSink(name: "udp", destination: try SocketAddress.resolve(host: "127.0.0.1", port: receiver.port),
                                onError: { reported.add($0) })
        defer { sink.close() }
        var noChecksum: Int32 = 1
        #expect(setsockopt(sink.socketDescriptor, SOL_SOCKET, SO_NO_CHECK, &noChecksum, socklen_t(MemoryLayout<Int32>.size)) == 0)
        let sent = Self.messages(120)
        for message in sent.prefix(60) { sink.write(Array(message.utf8)[...]) }
        sink.flush()
        for message in sent.suffix(60) { sink.write(Array(message.utf8)[...]) }
        sink.flush()
        let received = Self.receiveAll(receiver, count: sent.count)
        #expect(received.sorted() == sent.sorted())
        #expect(sink.segmentedSends == 0)
        #expect(sink.counters.snapshot.recordsWritten == 120)
        #expect(reported.messages.isEmpty)
    }

    /// The receiver went away and came back: the refusal its absence caused fails the next send without
    /// sending it. The sink tries that send once more, instead of dropping a whole group of records.
    @Test func aRefusalLeftByAnAbsentReceiverDropsNothingLater() throws {
        var away: DatagramReceiver? = DatagramReceiver()
        let port = away!.port
        let sink = DatagramSink(name: "udp", destination: try SocketAddress.resolve(host: "127.0.0.1", port: port), onError: { _ in })
        defer { sink.close() }
        away = nil  // closed: the next datagram is refused, and the socket keeps the refusal
        sink.write(Array("<134>to nobody\n".utf8)[...])
        sink.flush()
        let back = DatagramReceiver(udpPort: port)
        back.setReceiveBuffer(1 << 20)
        let sent = (0..<40).map { "<134>record \(String(format: "%03d", $0))\n" }
        for message in sent { sink.write(Array(message.utf8)[...]) }
        sink.flush()
        #expect(Self.receiveAll(back, count: sent.count).sorted() == sent)
        #expect(sink.segmentedSends >= 1)
        #expect(sink.counters.snapshot.recordsDropped == 0)
    }
}
