import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Makes the calling thread a named background thread: its name shows in `top -H`, `ps -L` and
/// profiles, and on Linux it runs under `SCHED_BATCH`. The log writer works in batches at its own pace
/// (a tick of 10 ms, or a ring's batch), so when it is woken it should not preempt the event loop
/// that is serving traffic on that core; it still gets its fair share of the CPU, so it keeps up.
enum BackgroundThread {
    /// `SCHED_BATCH` of <linux/sched.h>; glibc declares it only for `_GNU_SOURCE`.
    static let batchPolicy: Int32 = 3

    /// The policy first, so that a thread seen under its name already runs under it.
    static func become(named name: String) {
        #if os(Linux)
        var parameters = sched_param()
        parameters.sched_priority = 0
        _ = sched_setscheduler(0, batchPolicy, &parameters)
        #endif
        Thread.current.name = name
    }
}
