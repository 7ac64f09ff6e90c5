import Testing
@testable import LBLog

@Suite struct LogQueueTests {
    static func message(_ size: Int) -> QueuedLogMessage {
        QueuedLogMessage(logger: 0, level: .info, microseconds: 0, bytes: [UInt8](repeating: 0x41, count: size), structuredDataLength: 0)
    }

    @Test func fullQueueDropsAndCounts() {
        let queue = LogQueue(capacityBytes: 10 * (100 + 64))
        var accepted = 0
        for _ in 0..<25 where queue.enqueue(Self.message(100)) { accepted += 1 }
        #expect(accepted == 10)
        #expect(queue.depth.dropped == 15)
        #expect(queue.depth.messages == 10)
        var batch: [QueuedLogMessage] = []
        _ = queue.takeAll(waitingUpTo: 0, into: &batch)
        #expect(batch.count == 10)
        #expect(queue.depth.bytes == 0)
        #expect(queue.enqueue(Self.message(100)))
    }

    @Test func concurrentProducersNeverLoseACount() async {
        let queue = LogQueue(capacityBytes: 500 * 74)
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<8 {
                group.addTask { for _ in 0..<200 { queue.enqueue(Self.message(10)) } }
            }
        }
        let depth = queue.depth
        #expect(depth.messages == 500)
        #expect(depth.dropped == 1100)
        #expect(depth.enqueued == 500)
    }

    @Test func closedQueueRefuses() {
        let queue = LogQueue(capacityBytes: 1 << 20)
        queue.close()
        #expect(!queue.enqueue(Self.message(1)))
        #expect(queue.depth.dropped == 1)
    }

    @Test func pipelineCountsDropsWhenTheQueueIsFull() throws {
        // A queue of 1 KiB behind a writer that delivers to stdout-less raw fd: flood it faster than one tick.
        let directory = makeTemporaryDirectory()
        let pipeline = try LogPipeline(LogPipelineConfiguration(
            loggers: [LoggerSpec(name: "fe", targets: [LogTargetSpec("file@\(directory)/a.log.gz")])],
            queueCapacityBytes: 2048))
        let emitter = pipeline.makeEmitter()
        let record = sampleRecord(port: 1, time: (0, 0, 0, 0))
        for _ in 0..<10_000 { emitter.log(record, logger: LogHandle(index: 0)) }
        #expect(pipeline.shutdown())
        let counters = pipeline.counters
        #expect(counters.droppedInQueue > 0)
        #expect(counters.dropped == counters.droppedInQueue)
        #expect(counters.enqueued + counters.droppedInQueue == 10_000)
        #expect(counters.sinks[0].recordsWritten == counters.enqueued)
        #expect(UInt64(GzipMembers.lines(ofFile: "\(directory)/a.log.gz").count) == counters.enqueued)
    }
}
