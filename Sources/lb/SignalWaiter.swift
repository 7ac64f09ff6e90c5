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

    /// Runs `action` on every SIGHUP for the life of the process.
    static func onHangup(_ action: @escaping @Sendable () -> Void) {
        signal(SIGHUP, SIG_IGN)
        let source = DispatchSource.makeSignalSource(signal: SIGHUP, queue: DispatchQueue(label: "lb.sighup"))
        source.setEventHandler(handler: action)
        source.resume()
        HangupSource.keep(source)
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

/// Keeps the SIGHUP source alive for the process's life: its handler holds this box, the box holds the
/// source. Unchecked Sendable is sound: the reference is set once at init and never mutated.
private final class HangupSource: @unchecked Sendable {
    private let source: DispatchSourceSignal
    private init(_ source: DispatchSourceSignal) { self.source = source }

    static func keep(_ source: DispatchSourceSignal) {
        let box = HangupSource(source)
        source.setCancelHandler { _ = box }
    }
}
