import Foundation
import Testing
@testable import LBLog

/// UDP messages wait for others to leave with them: until a full batch is waiting, or the first has
/// waited `udpHoldNanoseconds`. Unix datagram sockets send at each tick. Real sockets on loopback, where
/// a datagram is at its receiver before the send returns.
@Suite struct DatagramHoldTests {
    static func message(_ index: Int) -> ArraySlice<UInt8> { Array("<134>held \(1000 + index)\n".utf8)[...] }

    static func drain(_ receiver: DatagramReceiver) -> [String] {
        var received: [String] = []
        while let datagram = receiver.receiveNow() { received.append(datagram) }
        return received
    }

    @Test func udpMessagesLeaveWhenTheFirstIsDue() throws {
        let receiver = DatagramReceiver()
        let sink = DatagramSink(name: "udp", destination: try SocketAddress.resolve(host: "127.0.0.1", port: receiver.port), onError: { _ in })
        defer { sink.close() }
        #expect(sink.dueNanoseconds == nil)
        let before = SystemClock.monotonicNanoseconds()
        for index in 0..<3 { sink.write(Self.message(index)) }
        let due = try #require(sink.dueNanoseconds)
        #expect(due >= before + DatagramSink.udpHoldNanoseconds)
        #expect(due <= SystemClock.monotonicNanoseconds() + DatagramSink.udpHoldNanoseconds)

        sink.tick(nowNanoseconds: due - 1)
        #expect(Self.drain(receiver).isEmpty, "held until due")
        sink.tick(nowNanoseconds: due)
        #expect(Self.drain(receiver).sorted() == (0..<3).map { String(decoding: Self.message($0), as: UTF8.self) })
        #expect(sink.dueNanoseconds == nil)
        #expect(sink.counters.snapshot.recordsWritten == 3)
    }

    @Test func aFullBatchLeavesAtOnce() throws {
        let receiver = DatagramReceiver()
        receiver.setReceiveBuffer(4 << 20)
        let sink = DatagramSink(name: "udp", destination: try SocketAddress.resolve(host: "127.0.0.1", port: receiver.port), onError: { _ in })
        defer { sink.close() }
        for index in 0..<(DatagramSink.maxBatch - 1) { sink.write(Self.message(index)) }
        #expect(Self.drain(receiver).isEmpty)
        sink.write(Self.message(DatagramSink.maxBatch - 1))
        #expect(Self.drain(receiver).count == DatagramSink.maxBatch)
        #expect(sink.dueNanoseconds == nil)
    }

    @Test func unixDatagramsLeaveAtEachTick() throws {
        let path = makeTemporaryDirectory() + "/hold.sock"
        let receiver = DatagramReceiver(unixPath: path)
        let sink = DatagramSink(name: path, destination: try SocketAddress.unix(path: path), onError: { _ in })
        defer { sink.close() }
        for index in 0..<3 { sink.write(Self.message(index)) }
        #expect(sink.dueNanoseconds == nil)
        sink.tick(nowNanoseconds: SystemClock.monotonicNanoseconds())
        #expect(Self.drain(receiver) == (0..<3).map { String(decoding: Self.message($0), as: UTF8.self) })
    }

    /// Through the pipeline, a lone message held for company still arrives.
    @Test func aLoneRecordArrivesThroughThePipeline() throws {
        let receiver = DatagramReceiver()
        let pipeline = try LogPipeline(LogPipelineConfiguration(
            loggers: [LoggerSpec(name: "fe", targets: [LogTargetSpec("127.0.0.1:\(receiver.port)", format: .raw)])]))
        defer { pipeline.shutdown() }
        pipeline.event("lone", level: .notice, logger: LogHandle(index: 0))
        #expect(receiver.receive() == "lone\n")
    }
}
