import LBCore

/// The runtime API's commands over the running configuration (HAProxy's management commands that lb
/// supports). Pure text in, text out: the socket handler feeds it lines.
struct RuntimeAPI: Sendable {
    let runtime: ProxyRuntime
    let startedAt: UInt64
    let level: RuntimeAPILevel
    /// Drops, counters and other process facts that live outside the runtime (the log pipeline).
    let processFacts: @Sendable () -> [(String, String)]
    /// Re-opens log files (`reopen logs`, for logrotate users); false when it did not finish in time.
    let reopenLogs: @Sendable () -> Bool

    static let commands: [RuntimeCommand] = showCommands + serverCommands + [
        RuntimeCommand(words: ["help"], arguments: "", help: "list the commands", level: .user) { _, api in api.helpText() },
        RuntimeCommand(words: ["reopen", "logs"], arguments: "", help: "re-open log files (after logrotate moved them)", level: .operator) { _, api in
            api.reopenLogs() ? "" : "Log files could not be re-opened in time.\n"
        },
        RuntimeCommand(words: ["clear", "counters"], arguments: "[all]", help: "reset the counters", level: .operator) { args, api in
            api.clearCounters(all: args.first == "all")
        },
    ]

    /// Runs one command line (several commands may be separated by `;`), returning all output.
    func execute(line: String) -> String {
        var output = ""
        for part in Self.splitCommands(line) {
            let words = Self.words(part)
            guard !words.isEmpty else { continue }
            output += execute(words: words)
        }
        return output
    }

    func execute(words: [String]) -> String {
        guard let command = Self.commands.filter({ $0.matches(words) }).max(by: { $0.words.count < $1.words.count }) else {
            return "Unknown command: '\(words.joined(separator: " "))'\n\n" + helpText()
        }
        guard level >= command.level else { return "Permission denied\n" }
        return command.run(Array(words.dropFirst(command.words.count)), self)
    }

    func helpText() -> String {
        var text = "The following commands are valid at this level:\n"
        for command in Self.commands.sorted(by: { $0.usage < $1.usage }) where command.level <= level {
            text += "  \(command.usage.padding(to: 44))\(command.help)\n"
        }
        text += "  \("prompt".padding(to: 44))toggle interactive mode with prompt\n"
        text += "  \("quit".padding(to: 44))disconnect\n"
        return text
    }

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

    /// Finds `backend/server` (names, or `#id` for either part).
    func locate(_ path: String?) -> Result<(BackendRuntime, Int), LocateError> {
        guard let path, let slash = path.firstIndex(of: "/") else { return .failure(.syntax) }
        let backendName = String(path[..<slash]), serverName = String(path[path.index(after: slash)...])
        guard let backend = runtime.backends.first(where: { $0.plan.name == backendName || "#\($0.index + 1)" == backendName }) else {
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

extension String {
    func padding(to width: Int) -> String {
        count >= width ? self + " " : self + String(repeating: " ", count: width - count)
    }
}
