/// A connection whose writes wait for the end of its loop's batch of events (`DeferredFlushes`).
///
/// The target, not its channel, says whether there is still something to flush: it is the object the
/// batch just used, so asking it costs no trip through a channel's pipeline and lifecycle state, which
/// with thousands of connections are rarely in the cache any more.
protocol DeferredFlushTarget: AnyObject {
    /// Sends what was written, unless the connection closed since it asked for the flush.
    func flushDeferred()
}
