import Foundation
import LBTestSupport
import NIOConcurrencyHelpers
import NIOCore
import Testing
@testable import LBProxy
#if canImport(Glibc)
import Glibc
#endif

/// lb's own event loop as a SwiftNIO `EventLoop`: tasks, scheduled tasks, cancellation and shutdown.
struct EpollLoopTests {
    @Test func tasksFromAnotherThreadRunOnTheLoopInOrder() async throws {
        let loop = try EpollLoop(name: "test-loop")
        let seen = NIOLockedValueBox<[Int]>([])
        for index in 0..<100 {
            loop.execute {
                precondition(loop.inEventLoop)
                seen.withLockedValue { $0.append(index) }
            }
        }
        let onLoop = try await loop.submit { loop.inEventLoop }.get()
        #expect(onLoop)
        #expect(!loop.inEventLoop)
        #expect(seen.withLockedValue { $0 } == Array(0..<100))
        try await loop.shutdownGracefully()
    }

    @Test func scheduledTasksRunAtTheirDeadlinesInOrderAndCancelledOnesDoNot() async throws {
        let loop = try EpollLoop(name: "test-loop")
        let seen = NIOLockedValueBox<[String]>([])
        let start = NIODeadline.now()
        let late = loop.scheduleTask(in: .milliseconds(60)) { seen.withLockedValue { $0.append("60ms") } }
        let cancelled = loop.scheduleTask(in: .milliseconds(30)) { seen.withLockedValue { $0.append("cancelled") } }
        let early = loop.scheduleTask(in: .milliseconds(20)) { seen.withLockedValue { $0.append("20ms") } }
        cancelled.cancel()
        try await early.futureResult.get()
        #expect(NIODeadline.now() - start >= .milliseconds(20))
        try await late.futureResult.get()
        #expect(NIODeadline.now() - start >= .milliseconds(60))
        await #expect(throws: EventLoopError.cancelled) { try await cancelled.futureResult.get() }
        #expect(seen.withLockedValue { $0 } == ["20ms", "60ms"])
        try await loop.shutdownGracefully()
    }

    /// glibc gives an ended thread's pthread_t (its cached stack, which holds the thread's descriptor) to
    /// the next thread created, so the loop's thread is told by a thread-local, not by comparing pthread_t
    /// values. Run alone, the first thread created here gets the ended loop's pthread_t, and the
    /// comparison failed this test every time; with the whole suite running, other threads may take that
    /// stack first.
    @Test func threadsStartedAfterTheLoopEndedAreNotTheLoops() async throws {
        let loop = try EpollLoop(name: "test-loop")
        let task = try await loop.submit { try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/thread-self") }.get()
        try await loop.shutdownGracefully()
        try await waitUntil("the loop's thread to end") { !FileManager.default.fileExists(atPath: "/proc/\(task)") }
        for _ in 0..<20 {
            let inLoop = try await offloaded { loop.inEventLoop }
            #expect(!inLoop)
        }
    }

    /// A second request to shut down is answered when the loop has ended, not before.
    @Test func everyShutdownCallbackComesAfterTheEnd() async throws {
        let loop = try EpollLoop(name: "test-loop")
        let blocker = NIOLockedValueBox(false)
        loop.execute { while !blocker.withLockedValue({ $0 }) { usleep(1000) } }
        let answers = NIOLockedValueBox<[Bool]>([])
        let done = NIOLockedValueBox(0)
        for _ in 0..<2 {
            loop.shutdownGracefully { _ in
                // Ended: a task queued now is refused.
                answers.withLockedValue { $0.append(loop.tryExecute {}) }
                done.withLockedValue { $0 += 1 }
            }
        }
        #expect(answers.withLockedValue { $0 }.isEmpty, "answered while the loop still ran a task")
        blocker.withLockedValue { $0 = true }
        try await waitUntil("both shutdown callbacks") { done.withLockedValue { $0 } == 2 }
        #expect(answers.withLockedValue { $0 } == [false, false])
    }

    @Test func shutdownFailsWhatWasScheduledAndClosesWhatIsOpen() async throws {
        let loop = try EpollLoop(name: "test-loop")
        let pending = loop.scheduleTask(in: .hours(1)) { 1 }
        let listener = try await EpollServerChannel.bind(
            to: try SocketAddress(ipAddress: "127.0.0.1", port: 0), backlog: 4, on: loop, batch: 1) { _ in }.get()
        // Watched from before the shutdown: a future of a loop that has ended takes no new callbacks,
        // on SwiftNIO's loops as on this one.
        let outcomes = NIOLockedValueBox<[String]>([])
        pending.futureResult.whenFailure { error in outcomes.withLockedValue { $0.append("task: \(error)") } }
        listener.closeFuture.whenSuccess { outcomes.withLockedValue { $0.append("listener closed") } }
        try await loop.shutdownGracefully()
        #expect(outcomes.withLockedValue { $0 }.sorted() == ["listener closed", "task: \(EventLoopError.shutdown)"])
        #expect(throws: RawClient.Failure.self) { try RawClient(port: listener.localAddress!.port!) }
    }
}

/// `EpollSocketChannel` and `EpollServerChannel` over loopback, with SwiftNIO handlers in their pipelines.
struct EpollChannelTests {
    /// Echoes what it reads and half-closes when the peer does.
    private final class Echo: ChannelInboundHandler {
        typealias InboundIn = ByteBuffer
        typealias OutboundOut = ByteBuffer
        func channelRead(context: ChannelHandlerContext, data: NIOAny) { context.write(data, promise: nil) }
        func channelReadComplete(context: ChannelHandlerContext) { context.flush() }
        func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
            if let event = event as? ChannelEvent, event == .inputClosed { context.close(mode: .output, promise: nil) }
        }
    }

    /// Writes `total` bytes (a counting pattern) when the connection becomes active, and records each
    /// writability change.
    private final class Flood: ChannelInboundHandler {
        typealias InboundIn = ByteBuffer
        typealias OutboundOut = ByteBuffer
        let total: Int
        let changes: NIOLockedValueBox<[Bool]>
        init(total: Int, changes: NIOLockedValueBox<[Bool]>) {
            self.total = total
            self.changes = changes
        }
        func channelActive(context: ChannelHandlerContext) {
            // 64 KiB is a multiple of 256, so the same chunk continues the count.
            var chunk = context.channel.allocator.buffer(capacity: 64 * 1024)
            chunk.writeBytes((0..<64 * 1024).map { UInt8(truncatingIfNeeded: $0) })
            for _ in 0..<total / chunk.readableBytes { context.write(wrapOutboundOut(chunk), promise: nil) }
            context.flush()
        }
        func channelWritabilityChanged(context: ChannelHandlerContext) {
            changes.withLockedValue { $0.append(context.channel.isWritable) }
        }
    }

    private func listen(on loop: EpollLoop, _ makeHandler: @escaping @Sendable () -> ChannelHandler) async throws -> Channel {
        let address = try SocketAddress(ipAddress: "127.0.0.1", port: 0)
        return try await EpollServerChannel.bind(to: address, backlog: 16, on: loop, batch: 4) { child in
            try child.syncOptions?.setOption(.allowRemoteHalfClosure, value: true)
            try child.pipeline.syncOperations.addHandler(makeHandler())
        }.get()
    }

    @Test func anAcceptedConnectionEchoesAndHalfClosesWhenThePeerDoes() async throws {
        let loop = try EpollLoop(name: "test-loop")
        let server = try await listen(on: loop) { Echo() }
        let client = try RawClient(port: server.localAddress!.port!)
        try client.send("hello over epoll")
        var received: [UInt8] = []
        while received.count < 16, client.fill() { received = client.pending }
        #expect(String(decoding: received, as: UTF8.self) == "hello over epoll")
        client.shutdownWrite()
        // The echo saw the FIN as `inputClosed` and closed its own output in turn.
        #expect(client.waitForClose())
        try await server.close()
        try await loop.shutdownGracefully()
    }

    @Test func writesBeyondTheHighWaterMarkMakeTheChannelUnwritableUntilTheyDrain() async throws {
        let loop = try EpollLoop(name: "test-loop")
        let changes = NIOLockedValueBox<[Bool]>([])
        let total = 8 * 1024 * 1024
        let server = try await listen(on: loop) { Flood(total: total, changes: changes) }
        let client = try RawClient(port: server.localAddress!.port!)
        var received = 0
        var inOrder = true
        while received < total, client.fill() {
            for byte in client.pending {
                if byte != UInt8(truncatingIfNeeded: received) { inOrder = false }
                received += 1
            }
            client.pending.removeAll()
        }
        #expect(received == total)
        #expect(inOrder)
        // Unwritable while the megabytes waited, writable again once the socket took them all.
        try await loop.submit {}.get()
        #expect(changes.withLockedValue { $0 } == [false, true])
        try await server.close()
        try await loop.shutdownGracefully()
    }

    /// Writes `count` small chunks, each from the promise of the one before (as a relay does that
    /// writes the next piece once the last is out), continuing the same counting pattern.
    private final class Chain: ChannelInboundHandler {
        typealias InboundIn = ByteBuffer
        typealias OutboundOut = ByteBuffer
        let count: Int
        init(count: Int) { self.count = count }
        func channelActive(context: ChannelHandlerContext) { write(0, context) }
        private func write(_ index: Int, _ context: ChannelHandlerContext) {
            guard index < count else { return }
            var chunk = context.channel.allocator.buffer(capacity: 256)
            chunk.writeBytes((0..<256).map { UInt8($0) })
            let bound = NIOLoopBound(context, eventLoop: context.eventLoop)
            // The callback is in place before the flush sends the chunk, so it runs from inside the send.
            let sent = context.eventLoop.makePromise(of: Void.self)
            sent.futureResult.assumeIsolated().whenSuccess { [self] in write(index + 1, bound.value) }
            context.writeAndFlush(wrapOutboundOut(chunk), promise: sent)
        }
    }

    /// A sent write's promise completes after the channel's send is over, so the write its callback
    /// makes is added to the channel's queue, not into the middle of the send (an exclusivity fault), and
    /// sent by the send already running rather than by one nested in it for each chunk.
    @Test func writesMadeBySentWritesPromisesAreSentInOrder() async throws {
        let loop = try EpollLoop(name: "test-loop")
        let chunks = 4000
        let server = try await listen(on: loop) { Chain(count: chunks) }
        let client = try RawClient(port: server.localAddress!.port!)
        var received = 0
        var inOrder = true
        while received < chunks * 256, client.fill() {
            for byte in client.pending {
                if byte != UInt8(truncatingIfNeeded: received) { inOrder = false }
                received += 1
            }
            client.pending.removeAll()
        }
        #expect(received == chunks * 256)
        #expect(inOrder)
        try await server.close()
        try await loop.shutdownGracefully()
    }

    /// Counts what it reads.
    private final class Counter: ChannelInboundHandler {
        typealias InboundIn = ByteBuffer
        let count: NIOLockedValueBox<Int>
        init(count: NIOLockedValueBox<Int>) { self.count = count }
        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            let bytes = unwrapInboundIn(data).readableBytes
            count.withLockedValue { $0 += bytes }
        }
    }

    /// A read that fills its buffer exactly leaves the socket looking readable; the read asked for next
    /// finds it empty. That read must stay asked for, so the next bytes are read when they come.
    @Test func aReadThatFindsTheSocketEmptyStaysAskedFor() async throws {
        let loop = try EpollLoop(name: "test-loop")
        let count = NIOLockedValueBox(0)
        let address = try SocketAddress(ipAddress: "127.0.0.1", port: 0)
        let server = try await EpollServerChannel.bind(to: address, backlog: 4, on: loop, batch: 1) { child in
            try child.syncOptions?.setOption(.recvAllocator, value: FixedSizeRecvByteBufferAllocator(capacity: 512))
            try child.syncOptions?.setOption(.maxMessagesPerRead, value: 1)
            try child.pipeline.syncOperations.addHandler(Counter(count: count))
        }.get()
        let client = try RawClient(port: server.localAddress!.port!)
        try client.send([UInt8](repeating: 1, count: 512))
        try await waitUntil("the first 512 bytes to be read", within: 5) { count.withLockedValue { $0 } == 512 }
        try client.send([UInt8](repeating: 2, count: 100))
        try await waitUntil("the next 100 bytes to be read", within: 5) { count.withLockedValue { $0 } == 612 }
        try await server.close()
        try await loop.shutdownGracefully()
    }

    @Test func aConnectToAClosedPortFailsAndOneToAListenerBecomesActive() async throws {
        let loop = try EpollLoop(name: "test-loop")
        let closedPort = freePort()
        let refused = try await loop.submit { () -> EventLoopFuture<Void> in
            let channel = try EpollSocketChannel.openTCP(on: loop, to: try SocketAddress(ipAddress: "127.0.0.1", port: closedPort))
            let promise = loop.makePromise(of: Void.self)
            channel.connect(to: try SocketAddress(ipAddress: "127.0.0.1", port: closedPort), timeout: .seconds(5), promise: promise)
            return promise.futureResult
        }.get()
        await #expect { try await refused.get() } throws: { error in
            (error as? IOError)?.errnoCode == ECONNREFUSED
        }
        let server = try await listen(on: loop) { Echo() }
        let target = server.localAddress!
        let connected = try await loop.submit { () -> EventLoopFuture<Channel> in
            let channel = try EpollSocketChannel.openTCP(on: loop, to: target)
            try channel.pipeline.syncOperations.addHandler(Echo())
            let promise = loop.makePromise(of: Void.self)
            channel.connect(to: target, timeout: .seconds(5), promise: promise)
            return promise.futureResult.map { channel as Channel }
        }.get().get()
        #expect(connected.isActive)
        #expect(connected.remoteAddress?.port == target.port)
        try await connected.close()
        try await server.close()
        try await loop.shutdownGracefully()
    }
}
