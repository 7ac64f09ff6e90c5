import Dispatch
import LBCore
import NIOCore

/// Where the stats page and the Prometheus exposition are rendered: off the event loops, one rendering
/// at a time. A full exposition of a large configuration takes milliseconds that the loop would
/// otherwise take from the traffic it carries.
enum BackgroundRendering {
    static let queue = DispatchQueue(label: "lb.stats-rendering", qos: .utility)
}

extension HTTPSession {
    /// Answers the request with what `render` builds on the rendering queue. Meanwhile the session waits
    /// as it would for a server (pipelined requests stay buffered); if the client leaves first, the
    /// answer is dropped.
    func answerInBackground(_ parsed: ParsedRequest, server: String,
                            render: @escaping @Sendable () -> LocalResponse) {
        let token = machine.timings.requestStart
        let session = NIOLoopBound(self, eventLoop: context.eventLoop)
        let parsedOnLoop = NIOLoopBound(parsed, eventLoop: context.eventLoop)
        let eventLoop = context.eventLoop
        BackgroundRendering.queue.async {
            let response = render()
            eventLoop.execute {
                let session = session.value
                guard session.machine.state == .routing, session.machine.timings.requestStart == token, session.exchange == nil else { return }
                session.answerLocally(response, parsedOnLoop.value, server: server)
                session.upstream?.flushIfNeeded()
            }
        }
    }
}
