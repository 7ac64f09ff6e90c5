import NIOConcurrencyHelpers
import NIOCore

/// Requests waiting for a server slot of one backend (all its servers at `maxconn`), oldest first.
/// Sessions live on different event loops: a waiter is woken on its own loop when a slot frees up.
final class BackendQueue: Sendable {
    /// A queued session, reachable only from its own loop.
    struct Waiter: Sendable {
        let id: ObjectIdentifier
        let wake: NIOLoopBoundBox<WeakWaiter>
    }

    /// Holds the session weakly: a client that went away must not be kept alive by the queue.
    final class WeakWaiter {
        weak var target: (any QueueWaiter)?
        init(_ target: any QueueWaiter) { self.target = target }
    }

    private let waiters = NIOLockedValueBox(CircularBuffer<Waiter>())
    private let highest = NIOLockedValueBox(0)

    /// Number of requests waiting now.
    var count: Int { waiters.withLockedValue { $0.count } }
    /// The most requests that ever waited at once.
    var maximum: Int { highest.withLockedValue { $0 } }

    /// Adds a waiter (at the back, or at the front when it had already been served a turn); returns how
    /// many requests wait before it.
    @discardableResult
    func enqueue(_ waiter: Waiter, atFront: Bool = false) -> Int {
        let (position, size) = waiters.withLockedValue { queue -> (Int, Int) in
            if atFront {
                queue.prepend(waiter)
                return (0, queue.count)
            }
            queue.append(waiter)
            return (queue.count - 1, queue.count)
        }
        highest.withLockedValue { $0 = max($0, size) }
        return position
    }

    func remove(_ id: ObjectIdentifier) {
        waiters.withLockedValue { queue in
            if let index = queue.firstIndex(where: { $0.id == id }) { queue.remove(at: index) }
        }
    }

    /// A server slot was released: wake the oldest waiter on its loop. A waiter that is gone passes the
    /// turn on to the next one.
    func wakeNext() {
        guard let waiter = waiters.withLockedValue({ $0.popFirst() }) else { return }
        waiter.wake.eventLoop.execute {
            if waiter.wake.value.target?.slotMayBeFree() != true { self.wakeNext() }
        }
    }
}

/// A session that can wait in a backend queue.
protocol QueueWaiter: AnyObject {
    /// Called on the session's loop when a server slot was released; the session tries again. Returns
    /// false when it no longer waits (the turn then passes to the next waiter).
    func slotMayBeFree() -> Bool
}
