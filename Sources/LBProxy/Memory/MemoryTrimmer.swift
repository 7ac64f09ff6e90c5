import CMallocTrim
import Dispatch
import NIOConcurrencyHelpers

/// Gives memory back to the system once a load has passed. The allocator keeps the memory that thousands
/// of connections used in its free lists, so a process that served a burst stays at its peak size while
/// idle; `malloc_trim` releases the free pages. It runs when the open connections have fallen well below
/// the peak seen since the last trim, on a queue of its own (a trim of a large heap takes milliseconds
/// that an event loop must not spend), and never while traffic is at its peak.
final class MemoryTrimmer: Sendable {
    /// Connections that must have closed since the peak before a trim is worth it.
    static let minimumDrop = 256
    private let peak = NIOLockedValueBox(0)
    private let queue = DispatchQueue(label: "lb.memory-trim", qos: .background)

    /// Looks at the open connections now (called once a second); trims when they have fallen to half of
    /// the peak or less, and by at least `minimumDrop`. Returns whether it trims.
    @discardableResult
    func observe(openConnections: Int) -> Bool {
        let due = peak.withLockedValue { peak -> Bool in
            peak = max(peak, openConnections)
            guard peak - openConnections >= Self.minimumDrop, openConnections * 2 <= peak else { return false }
            peak = openConnections
            return true
        }
        guard due else { return false }
        queue.async {
            #if os(Linux)
            _ = lb_malloc_trim(0)
            #endif
        }
        return true
    }
}
