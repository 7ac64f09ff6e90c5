/// `log TARGET [len N] [format F] [sample RANGES:SIZE] FACILITY [MAXLEVEL [MINLEVEL]]`, in `global` and in
/// proxies. Targets are validated and kept as written; sending is another module's job.
///
/// For `file@PATH` targets, `key=value` words written right after the target are kept in `extraOptions`.
/// `sample` and `profile` values are kept there too, under those names.
enum LogTargetParser {
    /// Parses words from index 1 of a `log` directive.
    static func parse(_ directive: Directive, context: inout ParseContext) -> LogTarget? {
        guard let target = directive.text(1) else {
            context.error("'log' expects a target and a facility", at: directive.location,
                          hint: "for example: log 127.0.0.1:514 local0, log stdout format raw local0, or log global")
            return nil
        }
        guard validTarget(target, directive: directive, context: &context) else { return nil }

        var index = 2
        var extra: [String: String] = [:]
        while let word = directive.text(index), let equal = word.firstIndex(of: "=") {
            guard target.hasPrefix("file@") else {
                context.error("unexpected option '\(word)' after log target '\(target)'", at: directive.location(of: index),
                              hint: "key=value options are only accepted after a file@ target")
                return nil
            }
            extra[String(word[..<equal])] = String(word[word.index(after: equal)...])
            index += 1
        }

        var length: Int?
        var format: String?
        while let word = directive.text(index), ["len", "format", "sample", "profile"].contains(word) {
            guard let value = directive.text(index + 1) else {
                context.error("'log \(word)' expects a value", at: directive.location(of: index))
                return nil
            }
            switch word {
            case "len":
                guard let parsed = context.integer(directive, index + 1, "log len", in: 80...65535) else { return nil }
                length = parsed
            case "format":
                guard SyslogVocabulary.formats.contains(value) else {
                    context.error("unknown log format '\(value)'", at: directive.location(of: index + 1),
                                  hint: "expected one of: " + SyslogVocabulary.formats.joined(separator: ", "))
                    return nil
                }
                format = value
            default:
                extra[word] = value
            }
            index += 2
        }

        guard let facility = directive.text(index) else {
            context.error("'log \(target)' expects a facility", at: directive.location,
                          hint: "for example local0; facilities: " + SyslogVocabulary.facilities.joined(separator: " "))
            return nil
        }
        guard SyslogVocabulary.facilities.contains(facility) else {
            let near = Spelling.suggestion(for: facility, among: SyslogVocabulary.facilities)
            context.error("unknown syslog facility '\(facility)'", at: directive.location(of: index),
                          hint: near.map { "did you mean '\($0)'?" }
                            ?? "expected one of: " + SyslogVocabulary.facilities.joined(separator: " "))
            return nil
        }
        var levels: [String] = []
        for levelIndex in (index + 1)..<max(index + 1, directive.count) {
            let level = directive.words[levelIndex].text
            guard levels.count < 2 else {
                context.error("unexpected argument '\(level)' after the log levels", at: directive.location(of: levelIndex))
                return nil
            }
            guard SyslogVocabulary.levels.contains(level) else {
                context.error("unknown syslog level '\(level)'", at: directive.location(of: levelIndex),
                              hint: "expected one of: " + SyslogVocabulary.levels.joined(separator: " "))
                return nil
            }
            levels.append(level)
        }

        var result = LogTarget(target: target, facility: facility, location: directive.location)
        result.length = length
        result.format = format
        result.maxLevel = levels.first
        result.minLevel = levels.count > 1 ? levels[1] : nil
        result.extraOptions = extra
        return result
    }

    private static func validTarget(_ target: String, directive: Directive, context: inout ParseContext) -> Bool {
        func fail(_ message: String, _ hint: String? = nil) -> Bool {
            context.error(message, at: directive.location(of: 1), hint: hint)
            return false
        }
        if target == "global" { return fail("'log global' is only valid in a proxy section") }
        if target == "stdout" || target == "stderr" || target.hasPrefix("/") { return true }
        if target.hasPrefix("fd@") {
            return Int(target.dropFirst(3)).map { $0 >= 0 } == true ? true : fail("invalid file descriptor in '\(target)'")
        }
        for prefix in ["file@", "unix@", "ring@", "backend@"] where target.hasPrefix(prefix) {
            return target.count > prefix.count ? true : fail("'\(prefix)' needs a path or name after it")
        }
        var address = Substring(target)
        var needsPort = false
        for prefix in ["tcp@", "tcp4@", "tcp6@", "udp@", "udp4@", "udp6@"] where target.hasPrefix(prefix) {
            address = target.dropFirst(prefix.count)
            needsPort = prefix.hasPrefix("tcp")
        }
        switch AddressParsing.server(String(address)) {
        case .failure(let failure):
            return fail("invalid log target '\(target)': \(failure.message)",
                        failure.hint ?? "expected ip[:port], [ipv6]:port, /path, stdout, stderr, fd@N, tcp@host:port or file@/path")
        case .success(let parsed):
            if needsPort && parsed.port == nil { return fail("log target '\(target)' needs a port") }
            return true
        }
    }
}
