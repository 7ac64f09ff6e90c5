/// Keywords of the `global` section.
enum GlobalSectionParser {
    /// Keywords with a handler below, for spelling suggestions.
    static let handled: [String] = [
        "maxconn", "nbthread", "log", "log-tag", "log-send-hostname", "stats", "pidfile", "daemon", "user", "group",
        "uid", "gid", "chroot", "nbproc", "tune.bufsize", "tune.http.maxhdr", "ulimit-n", "hard-stop-after",
        "master-worker", "setenv", "presetenv", "unsetenv", "resetenv", "ssl-default-bind-options",
        "ssl-default-bind-ciphers", "ssl-default-bind-ciphersuites", "crt-base", "ca-base", "ssl-server-verify",
        "server-state-file", "server-state-base",
    ]

    static func parse(_ directive: Directive, into global: inout GlobalSettings, context: inout ParseContext) {
        let keyword = directive.keyword
        guard KeywordArity.check(directive, in: KeywordArity.global, context: &context) else { return }
        switch keyword {
        case "maxconn":
            if let value = context.integer(directive, 1, keyword, in: 1...Int(Int32.max)) { global.maxConnections = value }
        case "nbthread":
            if let value = context.integer(directive, 1, keyword, in: 1...4096) { global.threads = value }
        case "noepoll":
            global.noEpoll = true
        case "log":
            if let target = LogTargetParser.parse(directive, context: &context) { global.logTargets.append(target) }
        case "log-tag":
            global.logTag = context.argument(directive, 1, keyword, "a tag")
        case "log-send-hostname":
            global.logSendHostname = directive.text(1) ?? ""
        case "stats":
            parseStats(directive, into: &global, context: &context)
        case "pidfile":
            global.pidFile = context.argument(directive, 1, keyword, "a path")
        case "daemon":
            global.daemon = true
        case "user", "group", "chroot":
            guard let value = context.argument(directive, 1, keyword, keyword == "chroot" ? "a directory" : "a name") else { return }
            switch keyword {
            case "user": global.user = value
            case "group": global.group = value
            default: global.chroot = value
            }
            warnUnlessRoot(directive, context: &context)
        case "uid", "gid":
            guard let value = context.integer(directive, 1, keyword, in: 0...Int(UInt32.max)) else { return }
            if keyword == "uid" { global.uid = value } else { global.gid = value }
            warnUnlessRoot(directive, context: &context)
        case "nbproc":
            context.warning("'nbproc' is ignored: lb runs one process with several threads", at: directive.location,
                            hint: "remove it; use 'nbthread' to choose the number of threads")
        case "master-worker":
            global.masterWorker = true
            // HAProxy's only option: a master that outlives a failed worker. lb's master exits with it.
            if directive.count > 1 {
                context.warning("'master-worker \(directive.words[1].text)' is ignored: lb's master stops when its worker fails",
                                at: directive.location)
            }
        case "tune.bufsize":
            if let value = context.size(directive, 1, keyword) {
                if value < 1024 {
                    context.error("'tune.bufsize' must be at least 1024 bytes", at: directive.location(of: 1))
                } else {
                    global.bufferSize = value
                }
            }
        case "tune.http.maxhdr":
            if let value = context.integer(directive, 1, keyword, in: 1...32767) { global.maxHeaders = value }
        case "ulimit-n":
            if let value = context.integer(directive, 1, keyword, in: 1...Int(Int32.max)) { global.fileDescriptorLimit = value }
        case "hard-stop-after":
            if let value = context.duration(directive, 1, keyword) { global.hardStopAfter = value }
        case "setenv", "presetenv":
            guard let name = context.argument(directive, 1, keyword, "a name and a value"),
                  let value = context.argument(directive, 2, keyword, "a name and a value") else { return }
            if keyword == "setenv" || context.environment[name] == nil { context.environment[name] = value }
        case "unsetenv":
            for name in directive.texts(from: 1) { context.environment[name] = nil }
        case "resetenv":
            let keep = Set(directive.texts(from: 1))
            context.environment = context.environment.filter { keep.contains($0.key) }
        case "ssl-default-bind-options":
            context.tlsDefaults.options = directive.texts(from: 1)
            context.tlsDefaults.optionsLocation = directive.location
        case "ssl-default-bind-ciphers":
            context.tlsDefaults.ciphers = context.argument(directive, 1, keyword, "a cipher list")
        case "ssl-default-bind-ciphersuites":
            context.tlsDefaults.cipherSuites = context.argument(directive, 1, keyword, "a TLS 1.3 cipher suite list")
        case "ssl-server-verify":
            guard let value = context.argument(directive, 1, keyword, "none or required") else { return }
            guard let verify = ServerTLS.Verify(rawValue: value) else {
                context.error("'ssl-server-verify' expects none or required, not '\(value)'", at: directive.location(of: 1))
                return
            }
            global.serverVerify = verify
        case "server-state-file":
            global.serverStateFile = context.argument(directive, 1, keyword, "a path")
        case "server-state-base":
            global.serverStateBase = context.argument(directive, 1, keyword, "a directory")
        case "crt-base":
            context.tlsDefaults.certificateBase = context.argument(directive, 1, keyword, "a directory")
        case "ca-base":
            context.tlsDefaults.caBase = context.argument(directive, 1, keyword, "a directory")
        default:
            if UnappliedKeywords.isTLSGlobal(keyword) {
                context.warning("'\(keyword)' is ignored: lb does not support it", at: directive.location)
                global.unappliedDirectives.append(RawDirective(keyword: keyword, words: directive.texts(from: 0), location: directive.location))
            } else if UnappliedKeywords.global.contains(keyword) || keyword.hasPrefix("tune.") {
                context.notApplied("'\(keyword)'", at: directive.location)
                global.unappliedDirectives.append(RawDirective(keyword: keyword, words: directive.texts(from: 0), location: directive.location))
            } else {
                context.error("unknown keyword '\(keyword)' in the global section", at: directive.location,
                              hint: Spelling.hint(for: keyword, among: handled + UnappliedKeywords.global))
            }
        }
    }

    private static func warnUnlessRoot(_ directive: Directive, context: inout ParseContext) {
        guard !context.isRoot else { return }
        context.warning("'\(directive.keyword)' is applied only when lb starts as root; ignored", at: directive.location)
    }

    /// `stats socket PATH [mode OCTAL] [level user|operator|admin] [expose-fd listeners] ...` and `stats timeout`.
    private static func parseStats(_ directive: Directive, into global: inout GlobalSettings, context: inout ParseContext) {
        switch directive.text(1) {
        case "socket":
            guard let path = context.argument(directive, 2, "stats socket", "a path or address") else { return }
            var socket = StatsSocket(path: path, location: directive.location)
            switch AddressParsing.inheritedDescriptor(path) {
            case .failure(let failure)?:
                context.error(failure.message, at: directive.location(of: 2), hint: failure.hint)
                return
            case .success(let descriptor)?:
                socket.descriptor = descriptor
            case nil:
                break
            }
            var index = 3
            while let option = directive.text(index) {
                switch option {
                case "mode":
                    guard let text = directive.text(index + 1), let mode = UInt32(text, radix: 8), mode <= 0o7777 else {
                        context.error("'stats socket ... mode' expects octal permissions such as 600", at: directive.location(of: index))
                        return
                    }
                    socket.mode = mode
                    index += 2
                case "level":
                    guard let text = directive.text(index + 1), let level = StatsSocket.Level(rawValue: text) else {
                        context.error("'stats socket ... level' expects user, operator or admin", at: directive.location(of: index))
                        return
                    }
                    socket.level = level
                    index += 2
                case "expose-fd":
                    guard directive.text(index + 1) == "listeners" else {
                        context.error("'stats socket ... expose-fd' expects 'listeners'", at: directive.location(of: index))
                        return
                    }
                    socket.exposesListeners = true
                    if socket.level != .admin {
                        context.warning("'expose-fd listeners' needs 'level admin' on the same socket: '_getsocks' is refused below it",
                                        at: directive.location(of: index))
                    }
                    index += 2
                case "user", "group", "uid", "gid", "name", "maxconn", "backlog", "process", "thread", "severity-output":
                    context.warning("'stats socket ... \(option)' is ignored", at: directive.location(of: index))
                    index += 2
                default:
                    context.error("unknown 'stats socket' option '\(option)'", at: directive.location(of: index),
                                  hint: "lb supports: mode OCTAL, level user|operator|admin")
                    return
                }
            }
            global.statsSockets.append(socket)
        case "timeout":
            if let value = context.duration(directive, 2, "stats timeout") { global.statsTimeout = value }
        case "maxconn", "bind-process":
            let phrase = "stats \(directive.text(1) ?? "")"
            context.notApplied("'\(phrase)'", at: directive.location)
            global.unappliedDirectives.append(RawDirective(keyword: phrase, words: directive.texts(from: 0), location: directive.location))
        default:
            context.error("'stats' in the global section expects socket, timeout or maxconn", at: directive.location)
        }
    }
}
