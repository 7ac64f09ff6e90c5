import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import NIOSSL

/// A small HTTP/1 server on loopback for tests. It parses requests just enough (head, Content-Length or
/// chunked body) and answers as the test's script says, so tests can make servers misbehave on purpose.
final class TestBackend: Sendable {
    /// What the server saw of one request.
    struct Request: Sendable {
        var head: String
        var body: [UInt8]
        var connectionNumber: Int
        var requestLine: String { String(head.split(separator: "\r\n", maxSplits: 1).first ?? "") }
        var path: String { String(requestLine.split(separator: " ").dropFirst().first ?? "") }
        func header(_ name: String) -> String? {
            for line in head.split(separator: "\r\n").dropFirst() {
                let parts = line.split(separator: ":", maxSplits: 1)
                if parts.count == 2, parts[0].lowercased() == name.lowercased() {
                    return parts[1].trimmingCharacters(in: " ")
                }
            }
            return nil
        }
        func headers(_ name: String) -> [String] {
            head.split(separator: "\r\n").dropFirst().compactMap { line in
                let parts = line.split(separator: ":", maxSplits: 1)
                return parts.count == 2 && parts[0].lowercased() == name.lowercased() ? parts[1].trimmingCharacters(in: " ") : nil
            }
        }
    }

    enum Action: Sendable {
        /// Send these bytes and keep the connection.
        case send([UInt8])
        /// Send these bytes, then close.
        case sendAndClose([UInt8])
        /// Close without answering.
        case close
        /// Never answer.
        case hang
        /// Send the first bytes, wait, then the rest (then keep the connection).
        case sendInParts([[UInt8]], pauseMilliseconds: Int64)
        /// Send these bytes once `ready` returns true (checked every 5 ms).
        case sendWhen(ready: @Sendable () -> Bool, [UInt8])
    }

    let name: String
    let group: MultiThreadedEventLoopGroup
    let channel: Channel
    private let state = NIOLockedValueBox<(requests: [Request], connections: Int, open: Int)>(([], 0, 0))

    var port: Int { channel.localAddress!.port! }
    var requests: [Request] { state.withLockedValue { $0.requests } }
    var connectionCount: Int { state.withLockedValue { $0.connections } }
    /// Connections accepted and not closed yet.
    var openConnections: Int { state.withLockedValue { $0.open } }
    /// When each connection closed, in order.
    var closeTimes: [NIODeadline] { closes.withLockedValue { $0 } }
    private let closes = NIOLockedValueBox<[NIODeadline]>([])

    /// Starts a server; `respond` decides the answer to each request (default: 200 with the server name).
    /// With `tls`, it speaks HTTPS.
    init(name: String, tls: NIOSSLContext? = nil, respond: (@Sendable (Request) -> Action)? = nil) async throws {
        self.name = name
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        self.group = group
        let state = self.state
        let closes = self.closes
        let script: @Sendable (Request) -> Action = respond ?? { _ in .send(TestBackend.ok(body: name + "\n")) }
        channel = try await ServerBootstrap(group: group)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.allowRemoteHalfClosure, value: true)
            .childChannelInitializer { channel in
                let number = state.withLockedValue { value -> Int in
                    value.connections += 1
                    value.open += 1
                    return value.connections
                }
                channel.closeFuture.whenComplete { _ in
                    state.withLockedValue { $0.open -= 1 }
                    closes.withLockedValue { $0.append(.now()) }
                }
                return channel.eventLoop.makeCompletedFuture {
                    if let tls { try channel.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: tls)) }
                    try channel.pipeline.syncOperations.addHandler(
                        ScriptedHTTPHandler(connectionNumber: number, script: script) { request in
                            state.withLockedValue { $0.requests.append(request) }
                        })
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
    }

    func stop() async {
        try? await channel.close()
        try? await group.shutdownGracefully()
    }

    /// A complete 200 response with Content-Length.
    static func ok(body: String, headers: [String] = []) -> [UInt8] {
        response(status: 200, body: body, headers: headers)
    }

    static func response(status: Int, reason: String = "OK", body: String, headers: [String] = []) -> [UInt8] {
        var text = "HTTP/1.1 \(status) \(reason)\r\nContent-Length: \(body.utf8.count)\r\n"
        for header in headers { text += header + "\r\n" }
        return Array((text + "\r\n" + body).utf8)
    }
}

/// Parses requests on one connection and runs the script for each.
private final class ScriptedHTTPHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    let connectionNumber: Int
    let script: @Sendable (TestBackend.Request) -> TestBackend.Action
    let record: (TestBackend.Request) -> Void
    var buffer: [UInt8] = []
    var hanging = false

    init(connectionNumber: Int, script: @escaping @Sendable (TestBackend.Request) -> TestBackend.Action,
         record: @escaping (TestBackend.Request) -> Void) {
        self.connectionNumber = connectionNumber
        self.script = script
        self.record = record
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let bytes = unwrapInboundIn(data)
        buffer += bytes.readableBytesView
        while !hanging, let (request, used) = parseOne() {
            buffer.removeFirst(used)
            record(request)
            switch script(request) {
            case .send(let bytes):
                context.writeAndFlush(wrapOutboundOut(context.channel.allocator.buffer(bytes: bytes)), promise: nil)
            case .sendAndClose(let bytes):
                context.writeAndFlush(wrapOutboundOut(context.channel.allocator.buffer(bytes: bytes)))
                    .assumeIsolated().whenComplete { _ in context.close(promise: nil) }
                hanging = true
            case .close:
                context.close(promise: nil)
                hanging = true
            case .hang:
                hanging = true
            case .sendWhen(let ready, let bytes):
                func poll() {
                    if ready() {
                        context.writeAndFlush(wrapOutboundOut(context.channel.allocator.buffer(bytes: bytes)), promise: nil)
                    } else {
                        context.eventLoop.assumeIsolated().scheduleTask(in: .milliseconds(5)) { poll() }
                    }
                }
                poll()
            case .sendInParts(let parts, let pause):
                var delay: Int64 = 0
                for part in parts {
                    let bytes = part
                    context.eventLoop.assumeIsolated().scheduleTask(in: .milliseconds(delay)) {
                        context.writeAndFlush(self.wrapOutboundOut(context.channel.allocator.buffer(bytes: bytes)), promise: nil)
                    }
                    delay += pause
                }
            }
        }
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let event = event as? ChannelEvent, event == .inputClosed { context.close(promise: nil) }
    }

    /// One complete request from the buffer: head, then a Content-Length or chunked body.
    private func parseOne() -> (TestBackend.Request, Int)? {
        guard let headEnd = find([13, 10, 13, 10], in: buffer) else { return nil }
        let head = String(decoding: buffer[0..<headEnd], as: UTF8.self)
        var position = headEnd + 4
        let request = TestBackend.Request(head: head, body: [], connectionNumber: connectionNumber)
        if request.header("transfer-encoding")?.lowercased().contains("chunked") == true {
            var body: [UInt8] = []
            while true {
                guard let lineEnd = find([13, 10], in: buffer, from: position) else { return nil }
                let sizeText = String(decoding: buffer[position..<lineEnd], as: UTF8.self).split(separator: ";").first ?? ""
                guard let size = Int(sizeText, radix: 16) else { return nil }
                position = lineEnd + 2
                if size == 0 {
                    guard let end = find([13, 10], in: buffer, from: position) else { return nil }
                    position = end + 2
                    break
                }
                guard buffer.count >= position + size + 2 else { return nil }
                body += buffer[position..<(position + size)]
                position += size + 2
            }
            var done = request
            done.body = body
            return (done, position)
        }
        let length = Int(request.header("content-length") ?? "0") ?? 0
        guard buffer.count >= position + length else { return nil }
        var done = request
        done.body = Array(buffer[position..<(position + length)])
        return (done, position + length)
    }
}

func find(_ needle: [UInt8], in haystack: [UInt8], from start: Int = 0) -> Int? {
    guard haystack.count >= needle.count, start <= haystack.count - needle.count else { return nil }
    var index = start
    while index <= haystack.count - needle.count {
        if haystack[index] == needle[0] && Array(haystack[index..<(index + needle.count)]) == needle { return index }
        index += 1
    }
    return nil
}

extension Substring {
    func trimmingCharacters(in set: String) -> String {
        var result = self
        while let first = result.first, set.contains(first) { result.removeFirst() }
        while let last = result.last, set.contains(last) { result.removeLast() }
        return String(result)
    }
}
