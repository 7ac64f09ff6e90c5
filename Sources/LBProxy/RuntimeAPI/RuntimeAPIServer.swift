#if canImport(Glibc)
import Glibc
#endif
import LBConfig
import NIOCore
import NIOPosix

/// Serves the runtime API on each `stats socket` (unix stream sockets): one command line per
/// connection, or several after `prompt` (interactive mode) until `quit`.
enum RuntimeAPIServer {
    static func bind(
        _ socket: StatsSocket, runtime: ProxyRuntime, group: EventLoopGroup, startedAt: UInt64,
        processFacts: @escaping @Sendable () -> [(String, String)], reopenLogs: @escaping @Sendable () -> Bool
    ) async throws -> Channel {
        let level = RuntimeAPILevel(socket.level)
        let channel: Channel
        do {
            channel = try await ServerBootstrap(group: group)
                .childChannelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        let api = RuntimeAPI(runtime: runtime, startedAt: startedAt, level: level,
                                             processFacts: processFacts, reopenLogs: reopenLogs)
                        try channel.pipeline.syncOperations.addHandler(RuntimeAPIConnection(api: api))
                    }
                }
                .bind(unixDomainSocketPath: socket.path, cleanupExistingSocketFile: true).get()
        } catch {
            throw StartupError(message: "\(socket.location): stats socket '\(socket.path)': \(error)")
        }
        if chmod(socket.path, mode_t(socket.mode ?? 0o600)) != 0 {
            throw StartupError(message: "\(socket.location): stats socket '\(socket.path)': cannot set its mode")
        }
        return channel
    }
}

/// One client of the runtime API.
final class RuntimeAPIConnection: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    let api: RuntimeAPI
    private var pending: [UInt8] = []
    private var interactive = false

    init(api: RuntimeAPI) { self.api = api }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        pending += unwrapInboundIn(data).readableBytesView
        if pending.count > 65536 {
            reply("Command line too long.\n", context: context, close: true)
            return
        }
        while let newline = pending.firstIndex(of: UInt8(ascii: "\n")) {
            let line = String(decoding: pending[..<newline], as: UTF8.self)
            pending.removeSubrange(...newline)
            if !handle(line, context: context) { return }
        }
    }

    /// Runs one line; returns false once the connection is closing.
    private func handle(_ line: String, context: ChannelHandlerContext) -> Bool {
        let words = RuntimeAPI.words(line)
        if words == ["prompt"] {
            interactive.toggle()
            reply(interactive ? "\n> " : "", context: context, close: false)
            return true
        }
        if words == ["quit"] {
            reply("", context: context, close: true)
            return false
        }
        let output = api.execute(line: line)
        if interactive {
            reply(output + "\n> ", context: context, close: false)
            return true
        }
        reply(output, context: context, close: true)
        return false
    }

    private func reply(_ text: String, context: ChannelHandlerContext, close: Bool) {
        let written = context.writeAndFlush(wrapOutboundOut(context.channel.allocator.buffer(string: text)))
        if close { written.assumeIsolated().whenComplete { _ in context.close(promise: nil) } }
    }
}
