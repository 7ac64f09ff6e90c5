import CEpoll
import Foundation
import NIOConcurrencyHelpers
import NIOCore
#if canImport(Glibc)
import Glibc
#endif

/// What an `EpollLoop` calls when a descriptor it watches is ready. Called on the loop's thread only.
protocol EpollReadiness: AnyObject {
    /// `events` is the epoll event mask (`EPOLLIN`, `EPOLLOUT`, `EPOLLRDHUP`, `EPOLLHUP`, `EPOLLERR`).
    func epollReady(_ events: UInt32)
    /// The loop is shutting down: close.
    func epollLoopStopping()
}

/// An event loop on a thread of its own that drives sockets through edge-triggered epoll, with no
/// channel machinery between the readiness event and the handler that acts on it.
///
/// It is a SwiftNIO `EventLoop`, so futures, promises, scheduled tasks and everything lb keeps per loop
/// (`LoopContext`, its timers, deferred flushes, retries, queue wake-ups) work on it unchanged. Tasks
/// run after the batch of readiness events they were queued in, as on SwiftNIO's own loops, which is
/// what `DeferredFlushes` relies on.
///
/// A descriptor is registered once, for reading and writing, edge-triggered: no `epoll_ctl` follows
/// until the descriptor is closed (which removes it), where SwiftNIO changes the interest as a
/// channel's reads and writes come and go.
final class EpollLoop: EventLoop, @unchecked Sendable {
    /// At most this many readiness events are taken per `epoll_wait`, as haproxy takes at most 200.
    static let batchSize = 256

    private let epollDescriptor: Int32
    private let wakeDescriptor: Int32
    /// Who watches each descriptor number, and since which registration; on the loop's thread only.
    private var registrations: [Registration] = []
    /// Counts registrations. An event carries its registration's number beside the descriptor's, so one
    /// reported for a socket closed earlier in the same batch is not taken for the socket that got its
    /// number since.
    private var lastGeneration: UInt32 = 0

    private struct Registration {
        var handler: EpollReadiness?
        var generation: UInt32 = 0
    }
    private let lock = NIOLock()
    /// Guarded by `lock`.
    private var queued: [@Sendable () -> Void] = []
    /// Guarded by `lock`.
    private var schedule = ScheduledTaskHeap()
    /// Guarded by `lock`: the loop sleeps in `epoll_wait` and must be woken for work from elsewhere.
    private var sleeping = false
    /// Guarded by `lock`.
    private var stopping = false
    /// Guarded by `lock`: the loop has ended; nothing queued from now on runs.
    private var finished = false
    /// On the loop's thread only: the epoll and wake descriptors are closed, and their numbers may be
    /// another's by now.
    private var descriptorsClosed = false
    /// On the loop's thread only: the loop is shutting down and has closed what it watched; a socket
    /// registered now would be left open, so none is (as SwiftNIO's loops refuse registrations then).
    private var refusingRegistrations = false
    /// Tasks queued from the loop's own thread for after the current batch, without the lock.
    private var localTasks: [() -> Void] = []
    private let started = ConditionLock(value: false)
    private var shutdownCallbacks: [(DispatchQueue, @Sendable (Error?) -> Void)] = []
    let name: String

    init(name: String) throws {
        self.name = name
        epollDescriptor = lb_epoll_create()
        guard epollDescriptor >= 0 else { throw IOError(errnoCode: -epollDescriptor, reason: "epoll_create1") }
        wakeDescriptor = lb_eventfd()
        guard wakeDescriptor >= 0 else {
            _ = Glibc.close(epollDescriptor)
            throw IOError(errnoCode: -wakeDescriptor, reason: "eventfd")
        }
        let added = lb_epoll_add(epollDescriptor, wakeDescriptor, EpollEvent.input, UInt64.max)
        guard added == 0 else {
            _ = Glibc.close(epollDescriptor)
            _ = Glibc.close(wakeDescriptor)
            throw IOError(errnoCode: -added, reason: "epoll_ctl")
        }
        let thread = Thread { [self] in self.run() }
        thread.name = name
        thread.start()
        started.lock(whenValue: true)
        started.unlock()
    }

    // MARK: Descriptors

    /// Watches `descriptor` for reading and writing, edge-triggered, until it is closed with `close(_:)`.
    func register(_ descriptor: Int32, _ handler: EpollReadiness) throws(IOError) {
        let events = EpollEvent.input | EpollEvent.output | EpollEvent.peerClosedInput | EpollEvent.edgeTriggered
        try add(descriptor, handler, events: events)
    }

    /// Watches a listening socket for readability, level-triggered: connections left in its queue (a
    /// batch limit, a paused listener) are reported again.
    func registerListener(_ descriptor: Int32, _ handler: EpollReadiness) throws(IOError) {
        try add(descriptor, handler, events: EpollEvent.input)
    }

    private func add(_ descriptor: Int32, _ handler: EpollReadiness, events: UInt32) throws(IOError) {
        guard !refusingRegistrations else { throw IOError(errnoCode: ESHUTDOWN, reason: "register: the event loop is shutting down") }
        let index = Int(descriptor)
        if index >= registrations.count {
            registrations.append(contentsOf: repeatElement(Registration(), count: max(index + 1 - registrations.count, registrations.count)))
        }
        lastGeneration &+= 1
        registrations[index] = Registration(handler: handler, generation: lastGeneration)
        let key = UInt64(lastGeneration) << 32 | UInt64(UInt32(bitPattern: descriptor))
        let result = lb_epoll_add(epollDescriptor, descriptor, events, key)
        guard result == 0 else {
            registrations[index].handler = nil
            throw IOError(errnoCode: -result, reason: "epoll_ctl")
        }
    }

    /// Stops watching `descriptor` without closing it.
    func unregister(_ descriptor: Int32) {
        if !descriptorsClosed { _ = lb_epoll_remove(epollDescriptor, descriptor) }
        if Int(descriptor) < registrations.count { registrations[Int(descriptor)].handler = nil }
    }

    /// Closes `descriptor`, which also takes it out of the epoll set.
    func close(_ descriptor: Int32) {
        if Int(descriptor) < registrations.count { registrations[Int(descriptor)].handler = nil }
        let closed = Glibc.close(descriptor)
        // A descriptor closed twice may close another's socket, pipe or epoll set in between: a fault to
        // find where it happens, not later where its victim fails.
        assert(closed == 0 || errno != EBADF, "descriptor \(descriptor) closed twice")
    }

    // MARK: EventLoop

    var inEventLoop: Bool {
        lb_current_loop() == Unmanaged.passUnretained(self).toOpaque()
    }

    func execute(_ task: @escaping @Sendable () -> Void) {
        tryExecute(task)
    }

    /// Queues `task`; false when the loop has ended, which drops it, as SwiftNIO's loops drop tasks
    /// after their shutdown. A caller handing over a resource (a descriptor) releases it then.
    @discardableResult
    func tryExecute(_ task: @escaping @Sendable () -> Void) -> Bool {
        lock.withLock { () -> Bool in
            if finished { return false }
            queued.append(task)
            wakeIfSleeping()
            return true
        }
    }

    /// Tasks queued by code that knows it runs on this loop (deferred flushes, SwiftNIO's isolated
    /// views) go to the loop's own queue, without the lock.
    func _executeIsolatedUnsafeUnchecked(_ task: @escaping () -> Void) {
        if inEventLoop {
            localTasks.append(task)
        } else {
            let task = UncheckedTask(run: task)
            execute { task.run() }
        }
    }

    /// A task its caller vouches for: it runs on this loop only.
    private struct UncheckedTask: @unchecked Sendable {
        let run: () -> Void
    }

    /// Runs `task` after the current batch of events; only from the loop's own thread.
    func executeOnLoop(_ task: @escaping () -> Void) {
        localTasks.append(task)
    }

    /// Runs `task` on the loop after `delay`; only from the loop's own thread.
    func executeAfter(_ delay: TimeAmount, _ task: @escaping () -> Void) {
        let task = NIOLoopBound(task, eventLoop: self)
        _ = scheduleTask(in: delay) { task.value() }
    }

    func scheduleTask<T>(deadline: NIODeadline, _ task: @escaping @Sendable () throws -> T) -> Scheduled<T> {
        let promise: EventLoopPromise<T> = makePromise()
        let entry = ScheduledTaskHeap.Entry(deadline: deadline.uptimeNanoseconds, run: {
            // Run on this loop, where the value may be handed over without being Sendable.
            do { promise.assumeIsolatedUnsafeUnchecked().succeed(try task()) } catch { promise.fail(error) }
        }, abandon: { promise.fail($0) })
        let accepted = lock.withLock { () -> Bool in
            if finished { return false }
            if schedule.insert(entry) { wakeIfSleeping() }
            return true
        }
        guard accepted else {
            promise.fail(EventLoopError.shutdown)
            return Scheduled(promise: promise) {}
        }
        return Scheduled(promise: promise) { [self] in
            let cancelled = lock.withLock { schedule.cancel(entry) }
            if cancelled { promise.fail(EventLoopError.cancelled) }
        }
    }

    func scheduleTask<T>(in delay: TimeAmount, _ task: @escaping @Sendable () throws -> T) -> Scheduled<T> {
        scheduleTask(deadline: .now() + delay, task)
    }

    func shutdownGracefully(queue: DispatchQueue, _ callback: @escaping @Sendable (Error?) -> Void) {
        let ended = lock.withLock { () -> Bool in
            if finished { return true }
            shutdownCallbacks.append((queue, callback))
            if !stopping {
                stopping = true
                wakeIfSleeping()
            }
            return false
        }
        if ended { queue.async { callback(nil) } }
    }

    // MARK: The loop

    /// Wakes the loop from `epoll_wait`; with `lock` held and the loop not finished. Under the lock, so
    /// that the wake descriptor is still the loop's: it is closed once the loop has finished, and its
    /// number may then be another's, which a late write would corrupt.
    private func wakeIfSleeping() {
        guard sleeping else { return }
        sleeping = false
        var one: UInt64 = 1
        _ = Glibc.write(wakeDescriptor, &one, 8)
    }

    private func run() {
        lb_set_current_loop(Unmanaged.passUnretained(self).toOpaque())
        started.lock()
        started.unlock(withValue: true)
        var events = [lb_epoll_ready](repeating: lb_epoll_ready(), count: Self.batchSize)
        var tasks: [@Sendable () -> Void] = []
        var ownTasks: [() -> Void] = []
        var due: [ScheduledTaskHeap.Entry] = []
        while true {
            // Tasks queued while the last batch was handled, and scheduled tasks now due. The loop ends
            // in the same critical section that finds nothing left to run, so that no task queued
            // meanwhile is accepted and then never run.
            let (stopping, ending) = lock.withLock { () -> (Bool, Bool) in
                sleeping = false
                swap(&tasks, &queued)
                schedule.takeDue(now: NIODeadline.now().uptimeNanoseconds, into: &due)
                if self.stopping, refusingRegistrations, tasks.isEmpty, due.isEmpty, localTasks.isEmpty { finished = true }
                return (self.stopping, finished)
            }
            if ending { break }
            if stopping, !refusingRegistrations {
                // What is still open closes now, as SwiftNIO's loops close their channels at shutdown.
                refusingRegistrations = true
                for registration in registrations { registration.handler?.epollLoopStopping() }
            }
            swap(&ownTasks, &localTasks)
            for task in ownTasks { task() }
            ownTasks.removeAll(keepingCapacity: true)
            for task in tasks { task() }
            tasks.removeAll(keepingCapacity: true)
            for entry in due { entry.run() }
            due.removeAll(keepingCapacity: true)
            let wait = lock.withLock { () -> Int32 in
                if !queued.isEmpty || !localTasks.isEmpty || self.stopping { return 0 }
                guard let next = schedule.earliest else {
                    sleeping = true
                    return -1
                }
                let now = NIODeadline.now().uptimeNanoseconds
                if next <= now { return 0 }
                sleeping = true
                // Rounded up: waking before the deadline would only mean waiting again.
                return Int32(clamping: (next - now + 999_999) / 1_000_000)
            }
            let count = events.withUnsafeMutableBufferPointer {
                lb_epoll_wait(epollDescriptor, $0.baseAddress, Int32(Self.batchSize), wait)
            }
            guard count > 0 else { continue }
            for index in 0..<Int(count) {
                let event = events[index]
                let key = event.key
                if key == UInt64.max {
                    var value: UInt64 = 0
                    _ = Glibc.read(wakeDescriptor, &value, 8)
                    continue
                }
                let descriptor = Int(UInt32(truncatingIfNeeded: key))
                // A socket closed by an earlier event of this batch is gone; its number may even belong
                // to a socket opened since, under another registration.
                guard descriptor < registrations.count, registrations[descriptor].generation == UInt32(key >> 32),
                      let handler = registrations[descriptor].handler
                else { continue }
                handler.epollReady(event.events)
            }
        }
        // Scheduled work that will never run fails, as on SwiftNIO's loops, so no promise is left open.
        // Still this loop's thread: what those failures call runs here, and what they queue on the loop
        // runs below.
        let (callbacks, abandoned) = lock.withLock { () -> ([(DispatchQueue, @Sendable (Error?) -> Void)], [ScheduledTaskHeap.Entry]) in
            (shutdownCallbacks, schedule.removeAll())
        }
        for entry in abandoned { entry.abandon(EventLoopError.shutdown) }
        for registration in registrations { registration.handler?.epollLoopStopping() }
        while !localTasks.isEmpty {
            swap(&ownTasks, &localTasks)
            for task in ownTasks { task() }
            ownTasks.removeAll()
        }
        registrations.removeAll()
        descriptorsClosed = true
        _ = Glibc.close(epollDescriptor)
        _ = Glibc.close(wakeDescriptor)
        lb_set_current_loop(nil)
        for (queue, callback) in callbacks { queue.async { callback(nil) } }
    }
}
