import LBConfig
import LBCore
import LBLog

/// Turns the configuration's `log` lines and log options into a running `LogPipeline`: one logger per
/// frontend that logs (its targets after `log global` is expanded, in its line format), plus the global
/// targets for process events (server state changes).
public enum LogSetup {
    /// Builds the access log, or nil when nothing in the configuration logs.
    public static func make(plan: ProxyPlan, onError: (@Sendable (String) -> Void)? = nil) throws -> PipelineAccessLog? {
        var loggers: [LoggerSpec] = []
        /// The logger name of each frontend (nil: it does not log).
        var frontendLoggers: [String?] = []
        /// The compiled `%[...]` expressions of each frontend's log-format (nil: none).
        var frontendSamples: [LogFormatSamples?] = []
        let global = plan.global
        for frontend in plan.frontends {
            let logging = frontend.logging
            var targets: [LogTarget] = []
            if !logging.disabled {
                if logging.useGlobal { targets += global.logTargets }
                targets += logging.targets
            }
            guard !targets.isEmpty else {
                frontendLoggers.append(nil)
                frontendSamples.append(nil)
                continue
            }
            let format = try lineFormat(logging.format, mode: frontend.mode, frontend: frontend.name, at: logging.formatLocation)
            frontendLoggers.append(frontend.name)
            frontendSamples.append(try samples(of: format, plan: plan, at: logging.formatLocation ?? SourceLocation(file: "log-format of \(frontend.name)", line: 0)))
            loggers.append(LoggerSpec(name: frontend.name, format: format, targets: try targets.map(spec), tag: logging.logTag))
        }
        if !global.logTargets.isEmpty {
            loggers.append(LoggerSpec(name: eventLogger, format: .httplog, targets: try global.logTargets.map(spec)))
        }
        guard !loggers.isEmpty else { return nil }
        let hostname: String? = global.logSendHostname.map { $0.isEmpty ? systemHostname() : $0 }
        let configuration = LogPipelineConfiguration(loggers: loggers, tag: global.logTag ?? "lb", hostname: hostname, onError: onError)
        let pipeline: LogPipeline
        do {
            pipeline = try LogPipeline(configuration)
        } catch {
            throw StartupError(message: "logging: \(error)")
        }
        let options = plan.frontends.map {
            PipelineAccessLog.Options(dontLogNormal: $0.logging.dontLogNormal, separateErrors: $0.logging.separateErrors)
        }
        return PipelineAccessLog(
            pipeline: pipeline, frontendLoggers: frontendLoggers.map { $0.flatMap(pipeline.handle(named:)) },
            options: options, events: pipeline.handle(named: eventLogger), samples: frontendSamples)
    }

    /// The `%[...]` expressions of a custom format, compiled against the plan (`lb -c` reported their
    /// problems already; a startup that gets this far and fails here says why).
    private static func samples(of format: LogLineFormat, plan: ProxyPlan, at location: SourceLocation) throws -> LogFormatSamples? {
        guard case .custom(let custom) = format, !custom.sampleExpressions.isEmpty else { return nil }
        let compiled = LogFormatSamples.compile(custom.sampleExpressions, plan: plan, at: location)
        guard let samples = compiled.samples else {
            throw StartupError(message: compiled.diagnostics.map(\.description).joined(separator: "\n"))
        }
        return samples
    }

    /// The logger that carries process events (a name no proxy can have).
    private static let eventLogger = "<events>"

    static func lineFormat(_ format: ProxyLogging.Format, mode: ProxyMode, frontend: String,
                           at location: SourceLocation? = nil) throws -> LogLineFormat {
        switch format {
        case .httplog: return mode == .http ? .httplog : .tcplog
        case .httpslog: return mode == .http ? .custom(LogFormat.httpslog) : .tcplog
        case .httplogCLF: return .httplogCLF
        case .httplogJSON: return .json
        case .tcplog, .none: return .tcplog
        case .custom(let text):
            do {
                return .custom(try LogFormat(text))
            } catch {
                throw StartupError(message: (location.map { "\($0): " } ?? "") + "frontend '\(frontend)': \(error)")
            }
        }
    }

    static func spec(_ target: LogTarget) throws -> LogTargetSpec {
        guard let facility = SyslogFacility(name: target.facility) else {
            throw StartupError(message: "\(target.location): unknown facility '\(target.facility)'")
        }
        var format: SyslogFormat?
        if let name = target.format {
            guard let parsed = SyslogFormat(rawValue: name) else {
                throw StartupError(message: "\(target.location): unknown log format '\(name)'")
            }
            format = parsed
        }
        return LogTargetSpec(
            target.target, facility: facility, format: format, length: target.length,
            maxLevel: target.maxLevel.flatMap(SyslogLevel.init(name:)) ?? .debug,
            minLevel: target.minLevel.flatMap(SyslogLevel.init(name:)) ?? .emerg,
            options: target.extraOptions)
    }

    /// The machine's name, for `%H` when `log-send-hostname` names none.
    static func systemHostname() -> String {
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count) == 0 else { return "localhost" }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}

#if canImport(Glibc)
import Glibc
#endif
