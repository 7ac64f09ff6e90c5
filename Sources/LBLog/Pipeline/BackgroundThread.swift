import Foundation
#if canImport(Glibc)
import Glibc
import CThreadName
#endif

/// Makes the calling thread a named background thread: its name shows in `top -H`, `ps -L` and
/// profiles, and on Linux it runs under `SCHED_BATCH`. The log writer works in batches at its own pace
/// (a tick of 10 ms, or a ring's batch), so when it is woken it should not preempt the event loop
/// that is serving traffic on that core; it still gets its fair share of the CPU, so it keeps up.
enum BackgroundThread {
    /// `SCHED_BATCH` of <linux/sched.h>; glibc declares it only for `_GNU_SOURCE`.
    static let batchPolicy: Int32 = 3

    /// The policy first, so that a thread seen under its name already runs under it. On Linux the name
    /// is given to the calling pthread itself: Foundation's `Thread.current.name` renames the thread
    /// only once the `Thread` object knows its pthread, which its creator records after the thread may
    /// already be running, so now and then the writer kept the name it inherited from the thread that
    /// started it (`oot.default-qos`, a dispatch worker's).
    static func become(named name: String) {
        #if os(Linux)
        var parameters = sched_param()
        parameters.sched_priority = 0
        _ = sched_setscheduler(0, batchPolicy, &parameters)
        // Linux takes at most 15 bytes.
        _ = lb_pthread_setname_np(UInt(pthread_self()), String(decoding: name.utf8.prefix(15), as: UTF8.self))
        #else
        Thread.current.name = name
        #endif
    }
}
