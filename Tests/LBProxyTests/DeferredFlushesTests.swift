import NIOCore
import NIOEmbedded
import Testing
@testable import LBProxy

struct DeferredFlushesTests {
    private final class CountingTarget: DeferredFlushTarget {
        var flushes = 0
        func flushDeferred() { flushes += 1 }
    }

    @Test func flushesWaitForTheEndOfTheBatch() {
        let loop = EmbeddedEventLoop()
        let flushes = DeferredFlushes(eventLoop: loop)
        let targets = (0..<3).map { _ in CountingTarget() }
        for target in targets { flushes.add(target) }
        #expect(targets.map(\.flushes) == [0, 0, 0])
        // The loop's tasks run once the events of the batch are handled.
        loop.run()
        #expect(targets.map(\.flushes) == [1, 1, 1])
        loop.run()
        #expect(targets.map(\.flushes) == [1, 1, 1])
    }

    @Test func aFullBatchIsSentWithoutWaitingAndTheRestAtTheEnd() {
        let loop = EmbeddedEventLoop()
        let flushes = DeferredFlushes(eventLoop: loop)
        let full = (0..<DeferredFlushes.batchLimit).map { _ in CountingTarget() }
        for target in full { flushes.add(target) }
        #expect(full.allSatisfy { $0.flushes == 1 })
        let late = CountingTarget()
        flushes.add(late)
        #expect(late.flushes == 0)
        loop.run()
        #expect(late.flushes == 1)
        #expect(full.allSatisfy { $0.flushes == 1 })
    }
}
