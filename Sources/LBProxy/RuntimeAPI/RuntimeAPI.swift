import LBCore
import NIOCore

/// The runtime API's commands over the running configuration (HAProxy's management commands that lb
/// supports). Text in, text out: the socket handler feeds it lines and writes what it answers.
struct RuntimeAPI: Sendable {
    let runtime: ProxyRuntime
    let startedAt: UInt64
    let level: RuntimeAPILevel
    /// The loop of the client connection: answers that need other loops are completed there.
    let eventLoop: EventLoop
    /// Drops, counters and other process facts that live outside the runtime (the log pipeline).
    let processFacts: @Sendable () -> [(String, String)]
    /// Re-opens log files (`reopen logs`, for logrotate users); false when it did not finish in time.
    let reopenLogs: @Sendable () -> Bool

    /// The payload that followed the command (`COMMAND <<`, then lines up to an empty one), if any.
    var payload: String?
    /// `stats socket ... expose-fd listeners`: `_getsocks` may hand the listening sockets to a new lb.
    var exposesListeners = false
    /// `enable frontend` (true) and `disable frontend` (false): the load balancer binds or closes the
    /// frontend's listening sockets, and answers as HAProxy's CLI does.
    typealias FrontendSwitch = @Sendable (_ name: String, _ enable: Bool, _ loop: EventLoop) -> EventLoopFuture<String>
    var switchFrontend: FrontendSwitch?

    static let commands: [RuntimeCommand] = showCommands + serverCommands + frontendCommands + tableCommands + sslCommands + peersCommands + [
        RuntimeCommand(words: ["reopen", "logs"], arguments: "", help: "re-open log files (after logrotate moved them)", level: .operator) { _, api in
            api.reopenLogs() ? "" : "Log files could not be re-opened in time.\n"
        },
        RuntimeCommand(words: ["clear", "counters"], arguments: "[all]", help: "reset the error counters (or all counters)", level: .operator) { args, api in
            api.clearCounters(all: args.first == "all")
        },
    ]

    /// Runs one command line (several commands may be separated by `;`). As HAProxy does, each
    /// command's output is followed by `terminator`: an empty line, or the prompt in interactive mode.
    /// Commands run one after the other, each seeing what the previous one changed.
    func execute(line: String, terminator: String, payload: String? = nil) -> EventLoopFuture<String> {
        var output = eventLoop.makeSucceededFuture("")
        var api = self
        api.payload = payload
        for part in Self.splitCommands(line) {
            let words = Self.words(part)
            guard !words.isEmpty else { continue }
            output = output.flatMap { [api] done in
                switch api.execute(words: words) {
                case .text(let text): self.eventLoop.makeSucceededFuture(done + text + terminator)
                case .later(let future): future.hop(to: self.eventLoop).map { done + $0 + terminator }
                }
            }
        }
        return output
    }

    func execute(words: [String]) -> RuntimeAnswer {
        if words.first == "help" { return .text(usage(Array(words.dropFirst()), isHelp: true)) }
        // Internal, as HAProxy's: used by a new lb started with `-x`, never listed in the help.
        if words.first == "_getsocks", exposesListeners, level >= .admin {
            guard words.count == 2 else { return .text("Usage: _getsocks PATH\n") }
            do {
                return .text("OK \(try ListenerExport.send(to: words[1]))\n")
            } catch {
                return .text("Cannot send the listening sockets: \(error)\n")
            }
        }
        guard let command = Self.commands.filter({ $0.matches(words) }).max(by: { $0.words.count < $1.words.count }) else {
            return .text(usage(words, isHelp: false))
        }
        guard level >= command.level else { return .text("Permission denied\n") }
        return command.run(Array(words.dropFirst(command.words.count)), self)
    }

    // MARK: Help

    /// HAProxy's help and unknown-command answer: a title line, the commands (those matching the first
    /// words when some match; for an unknown command the closest ones), then help, prompt and quit.
    func usage(_ words: [String], isHelp: Bool) -> String {
        let visible = Self.commands.filter { $0.level <= level }
        // How many leading words some command matches exactly.
        var matched = 0
        for command in visible {
            var count = 0
            while count < min(command.words.count, words.count), command.words[count] == words[count] { count += 1 }
            matched = max(matched, count)
        }
        var text: String
        if isHelp {
            text = "The following commands are valid at this level:\n"
        } else if words.isEmpty {
            text = "Unknown command. Please enter one of the following commands only:\n"
        } else {
            text = "Unknown command, but maybe one of the following ones is a better match:\n"
        }
        let candidates = visible.filter { $0.words.count >= matched && Array($0.words.prefix(matched)) == Array(words.prefix(matched)) }
        var listed = candidates
        if matched < words.count {
            // The words after the matching ones are compared loosely, by their letter pairs.
            let typed = Self.fingerprint(words[matched...])
            let typedLength = words[matched...].reduce(0) { $0 + $1.count }
            let near = candidates.compactMap { command -> (RuntimeCommand, Int)? in
                let rest = command.words[matched...]
                let distance = Self.distance(typed, Self.fingerprint(rest))
                let length = typedLength + rest.reduce(0) { $0 + $1.count }
                return distance < 5 * length / 2 ? (command, distance) : nil
            }.sorted { $0.1 < $1.1 }.prefix(5)
            if let best = near.first?.1 {
                listed = near.filter { $0.1 <= 5 * best / 2 }.map(\.0)
            }
        }
        for command in listed.sorted(by: { $0.words.lexicographicallyPrecedes($1.words) }) {
            text += Self.helpLine(command.usage, command.help)
        }
        text += Self.helpLine("help [<command>]", "list matching or all commands")
        text += Self.helpLine("prompt", "toggle interactive mode with prompt")
        text += Self.helpLine("quit", "disconnect")
        return text
    }

    static func helpLine(_ usage: String, _ help: String) -> String {
        "  " + usage + String(repeating: " ", count: max(0, 40 - usage.count)) + ": " + help + "\n"
    }

    /// Counts of letter pairs (with start and end marks; digits and other characters grouped), the
    /// measure HAProxy's CLI uses to suggest commands.
    static func fingerprint(_ words: ArraySlice<String>) -> [Int: Int] {
        var counts: [Int: Int] = [:]
        for word in words {
            var previous = 28
            for byte in word.lowercased().utf8 {
                let current: Int
                switch byte {
                case UInt8(ascii: "a")...UInt8(ascii: "z"): current = Int(byte - UInt8(ascii: "a")) + 1
                case UInt8(ascii: "0")...UInt8(ascii: "9"): current = 27
                default: current = 28
                }
                counts[previous * 32 + current, default: 0] += 1
                previous = current
            }
            counts[previous * 32 + 28, default: 0] += 1
        }
        return counts
    }

    static func distance(_ a: [Int: Int], _ b: [Int: Int]) -> Int {
        var total = 0
        for key in Set(a.keys).union(b.keys) { total += abs(a[key, default: 0] - b[key, default: 0]) }
        return total
    }

    // MARK: Parsing

    /// Splits at `;` outside backslash escapes.
    static func splitCommands(_ line: String) -> [String] {
        var parts: [String] = []
        var current = ""
        var escaped = false
        for character in line {
            if escaped {
                current.append(character)
                escaped = false
            } else if character == "\\" {
                escaped = true
            } else if character == ";" {
                parts.append(current)
                current = ""
            } else {
                current.append(character)
            }
        }
        parts.append(current)
        return parts
    }

    static func words(_ text: String) -> [String] {
        text.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\r" }).map(String.init)
    }

    // MARK: Proxies and servers

    /// HAProxy's proxy id (`iid` in `show stat`, `be_id` in `show servers state`, `#id` in commands):
    /// the numbering of `ProxyGroup.groups`, frontends first in order, a backend named like a frontend
    /// (a `listen` section) sharing its id, the other backends after them.
    func proxyID(_ backend: BackendRuntime) -> Int {
        var paired = Set<Int>()
        for (position, frontend) in runtime.frontends.enumerated() {
            if let index = runtime.backends.firstIndex(where: { $0.plan.name == frontend.plan.name }), !paired.contains(index) {
                paired.insert(index)
                if index == backend.index { return position + 1 }
            }
        }
        var id = runtime.frontends.count
        for candidate in runtime.backends where !paired.contains(candidate.index) {
            id += 1
            if candidate.index == backend.index { break }
        }
        return id
    }

    /// Finds `backend/server` (names, or `#id` for either part).
    func locate(_ path: String?) -> Result<(BackendRuntime, Int), LocateError> {
        guard let path, let slash = path.firstIndex(of: "/") else { return .failure(.syntax) }
        let backendName = String(path[..<slash]), serverName = String(path[path.index(after: slash)...])
        guard let backend = runtime.backends.first(where: { $0.plan.name == backendName || "#\(proxyID($0))" == backendName }) else {
            return .failure(.noBackend)
        }
        guard let index = backend.servers.firstIndex(where: { $0.plan.name == serverName || "#\($0.plan.index + 1)" == serverName }) else {
            return .failure(.noServer)
        }
        return .success((backend, index))
    }

    enum LocateError: Error {
        case syntax, noBackend, noServer
        var message: String {
            switch self {
            case .syntax: "Require 'backend/server'.\n"
            case .noBackend: "No such backend.\n"
            case .noServer: "No such server.\n"
            }
        }
    }

    func clearCounters(all: Bool) -> String {
        for backend in runtime.backends {
            backend.deniedResponses.store(0, ordering: .relaxed)
            for server in backend.servers {
                for counter in [server.connectionErrors, server.responseErrors, server.retries, server.redispatches] {
                    counter.store(0, ordering: .relaxed)
                }
                if all {
                    for counter in [server.totalSessions, server.bytesIn, server.bytesOut] { counter.store(0, ordering: .relaxed) }
                }
            }
        }
        for frontend in runtime.frontends {
            for counter in [frontend.requestErrors, frontend.deniedRequests, frontend.deniedResponses] {
                counter.store(0, ordering: .relaxed)
            }
            if all {
                for counter in [frontend.totalConnections, frontend.totalRequests, frontend.bytesIn, frontend.bytesOut] {
                    counter.store(0, ordering: .relaxed)
                }
            }
        }
        return ""
    }
}
