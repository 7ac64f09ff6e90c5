#if canImport(Glibc)
import Glibc
#endif
import Foundation
import LBConfig
import NIOCore
import NIOPosix

/// Serves the runtime API on each `stats socket` (unix stream sockets): one command line per
/// connection, or several after `prompt` (interactive mode) until `quit`.
enum RuntimeAPIServer {
    static func bind(
        _ socket: StatsSocket, runtime: ProxyRuntime, group: EventLoopGroup, startedAt: UInt64,
        processFacts: @escaping @Sendable () -> [(String, String)], reopenLogs: @escaping @Sendable () -> Bool,
        switchFrontend: RuntimeAPI.FrontendSwitch? = nil
    ) async throws -> Channel {
        let level = RuntimeAPILevel(socket.level)
        let exposesListeners = socket.exposesListeners
        let bootstrap = ServerBootstrap(group: group)
                // A client such as `socat` closes its sending side right after the command: the answer
                // (possibly gathered from other loops) must still go out.
                .childChannelOption(.allowRemoteHalfClosure, value: true)
                .childChannelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        var api = RuntimeAPI(runtime: runtime, startedAt: startedAt, level: level, eventLoop: channel.eventLoop,
                                             processFacts: processFacts, reopenLogs: reopenLogs)
                        api.exposesListeners = exposesListeners
                        api.switchFrontend = switchFrontend
                        try channel.pipeline.syncOperations.addHandler(RuntimeAPIConnection(api: api))
                    }
                }
        if let descriptor = socket.descriptor {
            // `stats socket fd@N`: an inherited socket, created with its owner's mode; nothing to chmod.
            do {
                try InheritedSocket.validate(descriptor)
                return try await bootstrap.withBoundSocket(descriptor).get()
            } catch {
                throw StartupError(message: "\(socket.location): stats socket '\(socket.path)': \(error)")
            }
        }
        // As HAProxy does: bound under a temporary name, given its mode, then renamed over the path. The
        // path never lacks a socket, even while a reloaded lb replaces the previous one's; and when the
        // previous process closes its socket, SwiftNIO removes the name it bound (the temporary one,
        // long gone), not the path the new process now serves.
        let temporary = "\(socket.path).\(getpid()).tmp"
        let channel: Channel
        do {
            channel = try await bootstrap.bind(unixDomainSocketPath: temporary, cleanupExistingSocketFile: true).get()
        } catch {
            throw StartupError(message: "\(socket.location): stats socket '\(socket.path)': \(error)")
        }
        guard chmod(temporary, mode_t(socket.mode ?? 0o600)) == 0 else {
            try? await channel.close()
            throw StartupError(message: "\(socket.location): stats socket '\(socket.path)': cannot set its mode")
        }
        guard rename(temporary, socket.path) == 0 else {
            let reason = String(cString: strerror(errno))
            try? await channel.close()
            throw StartupError(message: "\(socket.location): stats socket '\(socket.path)': cannot create it: \(reason)")
        }
        return channel
    }
}

/// One client of the runtime API. Lines run one at a time, in order: a command whose answer needs the
/// other event loops (`show sess`) holds the next lines back until its answer is written.
final class RuntimeAPIConnection: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    let api: RuntimeAPI
    private var pending: [UInt8] = []
    /// Complete lines not run yet.
    private var lines: [String] = []
    private var interactive = false
    private var busy = false
    private var closing = false
    /// The client sent everything it will send.
    private var inputClosed = false
    /// A command ending in `<<` waits for its payload: the lines up to an empty one.
    private var payloadCommand: String?
    private var payload: [String] = []

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
            collect(line)
        }
        runLines(context: context)
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        guard let event = event as? ChannelEvent, event == .inputClosed else {
            context.fireUserInboundEventTriggered(event)
            return
        }
        inputClosed = true
        runLines(context: context)
    }

    /// Queues a complete line, or gathers it into the payload of the command before it.
    private func collect(_ line: String) {
        if let command = payloadCommand {
            if line.isEmpty || line == "\r" {
                lines.append(command + "\n" + payload.joined(separator: "\n"))
                payloadCommand = nil
                payload = []
            } else {
                payload.append(line)
            }
            return
        }
        let trimmed = line.trimmingCharacters(in: .whitespaces)
        if trimmed.hasSuffix("<<") {
            payloadCommand = String(trimmed.dropLast(2))
            return
        }
        lines.append(line)
    }

    private func runLines(context: ChannelHandlerContext) {
        while !busy, !closing, !lines.isEmpty {
            handle(lines.removeFirst(), context: context)
        }
        if inputClosed, !busy, !closing, lines.isEmpty { reply("", context: context, close: true) }
    }

    /// Runs one line. HAProxy ends each command's output with an empty line, or with the prompt in
    /// interactive mode; outside interactive mode the connection closes after the line.
    private func handle(_ entry: String, context: ChannelHandlerContext) {
        // A command with a payload arrives as the command, a newline, then the payload.
        let parts = entry.split(separator: "\n", maxSplits: 1, omittingEmptySubsequences: false)
        let line = String(parts[0])
        let payload = parts.count > 1 ? String(parts[1]) + "\n" : nil
        let words = RuntimeAPI.words(line)
        if words == ["prompt"] {
            interactive.toggle()
            reply(interactive ? "\n> " : "", context: context, close: false)
            return
        }
        if words == ["quit"] {
            reply("", context: context, close: true)
            return
        }
        if words.isEmpty {
            // HAProxy answers an empty line in interactive mode with the list of commands.
            reply(interactive ? api.usage([], isHelp: false) + "\n> " : "", context: context, close: !interactive)
            return
        }
        busy = true
        let terminator = interactive ? "\n> " : "\n"
        api.execute(line: line, terminator: terminator, payload: payload).hop(to: context.eventLoop).assumeIsolated().whenComplete { result in
            self.busy = false
            let output = (try? result.get()) ?? ""
            self.reply(output, context: context, close: !self.interactive)
            self.runLines(context: context)
        }
    }

    private func reply(_ text: String, context: ChannelHandlerContext, close: Bool) {
        guard !closing else { return }
        if close { closing = true }
        let written = context.writeAndFlush(wrapOutboundOut(context.channel.allocator.buffer(string: text)))
        if close { written.assumeIsolated().whenComplete { _ in context.close(promise: nil) } }
    }
}
