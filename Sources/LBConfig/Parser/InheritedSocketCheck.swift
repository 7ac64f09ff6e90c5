/// An inherited listening socket (`fd@N`) can serve one listener only: two would both close it when
/// they stop, and the second close could hit an unrelated descriptor that reused the number.
enum InheritedSocketCheck {
    static func run(_ proxies: [ProxyBuilder], statsSockets: [StatsSocket], context: inout ParseContext) {
        var first: [Int32: SourceLocation] = [:]
        func use(_ descriptor: Int32?, at location: SourceLocation) {
            guard let descriptor else { return }
            if let previous = first[descriptor] {
                context.error("fd@\(descriptor) is already used at \(previous.fileAndLine)", at: location,
                              hint: "an inherited socket serves one 'bind' or 'stats socket'; put several frontends on different sockets")
            } else {
                first[descriptor] = location
            }
        }
        for socket in statsSockets { use(socket.descriptor, at: socket.location) }
        for builder in proxies {
            for bind in builder.proxy.binds { use(bind.descriptor, at: bind.location) }
        }
    }
}
