import Dispatch
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// Waits for the signals that stop lb.
enum SignalWaiter {
    enum Stop: Sendable {
        /// SIGTERM / SIGINT: finish in-flight requests within the grace period.
        case graceful
        /// SIGUSR1: stop listening and let every session end by itself.
        case soft
    }

    static func wait() async -> Stop {
        signal(SIGPIPE, SIG_IGN)
        return await withCheckedContinuation { continuation in
            let waiter = FirstSignal(continuation)
            let queue = DispatchQueue(label: "lb.signals")
            for (number, stop) in [(SIGTERM, Stop.graceful), (SIGINT, .graceful), (SIGUSR1, .soft)] {
                signal(number, SIG_IGN)
                let source = DispatchSource.makeSignalSource(signal: number, queue: queue)
                // The handler holds the waiter, which holds the source: both live as long as the process.
                source.setEventHandler { waiter.resume(stop) }
                source.resume()
                waiter.keep(source)
            }
        }
    }
}

/// Resumes the waiting task once, with whichever stop signal came first.
private final class FirstSignal: Sendable {
    private let state: Mutex<(continuation: CheckedContinuation<SignalWaiter.Stop, Never>?, sources: [DispatchSourceSignal])>

    init(_ continuation: CheckedContinuation<SignalWaiter.Stop, Never>) {
        state = Mutex((continuation, []))
    }

    func keep(_ source: DispatchSourceSignal) {
        state.withLock { $0.sources.append(source) }
    }

    func resume(_ stop: SignalWaiter.Stop) {
        state.withLock {
            $0.continuation?.resume(returning: stop)
            $0.continuation = nil
        }
    }
}
