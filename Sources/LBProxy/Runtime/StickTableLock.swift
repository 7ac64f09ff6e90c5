import LBCore
import Synchronization

/// A backend's stick table behind its lock. A class, so that "this backend has no table" is a plain
/// optional reference: an optional `Mutex` (a noncopyable value) tested as non-nil even when empty.
final class StickTableLock: Sendable {
    private let mutex: Mutex<StickTableStore>

    init(_ store: StickTableStore) { mutex = Mutex(store) }

    func withLock<Result>(_ body: (inout StickTableStore) -> Result) -> Result {
        mutex.withLock { body(&$0) }
    }
}
