import Foundation
import Testing
@testable import LBLog

@Suite struct LogQueueTests {
    static func push(_ queue: LogQueue, _ ring: LogRing, size: Int) -> Bool {
        [UInt8](repeating: 0x41, count: size).withUnsafeBytes {
            queue.push(into: ring, kind: .message, level: .info, logger: 0, microseconds: 0, payload: $0)
        }
    }

    @Test func eachRingIsBoundedAndCountsItsDrops() {
        let queue = LogQueue(capacityBytes: 10 * (16 + 104))
        let first = queue.makeRing(), second = queue.makeRing()
        var accepted = 0
        for _ in 0..<25 where Self.push(queue, first, size: 100) { accepted += 1 }
        #expect(accepted == 10)
        #expect(Self.push(queue, second, size: 100), "another thread's ring has its own room")
        var depth = queue.depth
        #expect(depth.dropped == 15)
        #expect(depth.messages == 11)
        #expect(depth.enqueued == 11)
        #expect(depth.bytes == 11 * 120)
        #expect(first.drain { _, _ in } == 10)
        depth = queue.depth
        #expect(depth.messages == 1 && depth.bytes == 120)
        #expect(Self.push(queue, first, size: 100))
    }

    @Test func closedQueueRefusesAndCounts() {
        let queue = LogQueue(capacityBytes: 1 << 20)
        let ring = queue.makeRing()
        queue.close()
        #expect(!Self.push(queue, ring, size: 1))
        #expect(queue.depth.dropped == 1)
        #expect(queue.depth.enqueued == 0)
    }

    /// Threads logging while the queue closes: every record is either queued (and drained after the close)
    /// or refused and counted, never lost between the two.
    @Test func closingWhileThreadsLogLosesNothing() {
        let queue = LogQueue(capacityBytes: 1 << 24)
        let rings = (0..<4).map { _ in queue.makeRing() }
        let finished = DispatchSemaphore(value: 0)
        let attempts = NSLock()
        nonisolated(unsafe) var total = 0
        nonisolated(unsafe) var refusedAfterClose = 0
        for ring in rings {
            // Threads, not tasks: these spin until the close, which tasks on a small pool would never reach.
            Thread.detachNewThread {
                var made = 0
                while !queue.isClosed {
                    _ = LogQueueTests.push(queue, ring, size: 40)
                    made += 1
                }
                // Logged after the close: it must be refused.
                let refused = !LogQueueTests.push(queue, ring, size: 40)
                attempts.withLock {
                    total += made + 1
                    if refused { refusedAfterClose += 1 }
                }
                finished.signal()
            }
        }
        let logging = eventually(timeout: 30) { queue.depth.enqueued >= 1000 }
        queue.close()  // whatever happened: the threads stop at the close
        #expect(logging, "the threads queued 1000 records before the close")
        for _ in rings { finished.wait() }
        let drained = rings.reduce(0) { $0 + $1.drain { _, _ in } }
        let depth = queue.depth
        #expect(refusedAfterClose == rings.count)
        #expect(UInt64(drained) == depth.enqueued)
        #expect(depth.enqueued + depth.dropped == UInt64(attempts.withLock { total }))
    }

    @Test func pipelineCountsDropsWhenTheQueueIsFull() throws {
        // A ring of 2 KiB: flood it faster than the writer's tick.
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
