#if canImport(Glibc)
import Glibc
#endif
import LBCore
import NIOCore

extension RuntimeAPI {
    static let showCommands: [RuntimeCommand] = [
        RuntimeCommand(words: ["show", "info"], arguments: "", help: "report information about the running process", level: .user) { _, api in
            api.showInfo()
        },
        RuntimeCommand(words: ["show", "stat"], arguments: "", help: "report counters for each proxy and server (CSV)", level: .user) { args, api in
            guard args.isEmpty else { return "lb prints the whole CSV only: 'show stat' takes no argument.\n" }
            return StatsPage.csv(api.runtime.statsSnapshot())
        },
        RuntimeCommand(words: ["show", "servers", "state"], arguments: "[<backend>]", help: "dump volatile server information (all or for a single backend)", level: .user) { args, api in
            api.showServersState(backend: args.first)
        },
        RuntimeCommand(words: ["show", "backend"], arguments: "", help: "list backends in the current running config", level: .user) { _, api in
            "# name\n" + api.runtime.backends.map { $0.plan.name + "\n" }.joined()
        },
        RuntimeCommand(words: ["show", "sess"], arguments: "[all|<id>]", help: "report the list of current sessions (one line each)", level: .operator,
                       answer: { args, api in .later(api.showSessions(args.first)) }),
    ]

    // MARK: show info

    /// The `show info` keys lb reports, in HAProxy's order, each with HAProxy's meaning. Anything else lb
    /// prints (after these) is its own (`LogQueueBytes`).
    static let infoKeys = [
        "Name", "Version", "Nbthread", "Nbproc", "Process_num", "Pid", "Uptime", "Uptime_sec", "Ulimit-n",
        "Maxconn", "Hard_maxconn", "CurrConns", "CumConns", "CumReq", "node", "Stopping", "DroppedLogs",
        "Build info", "Start_time_sec",
    ]

    func showInfo() -> String {
        let uptime = Int((monotonicNow() &- startedAt) / 1_000_000_000)
        var limit = rlimit()
        getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
        var host = [CChar](repeating: 0, count: 256)
        gethostname(&host, host.count - 1)
        var values: [String: String] = [
            "Name": "lb",
            "Version": LBVersion.current,
            "Nbthread": String(runtime.loopCount),
            "Nbproc": "1",
            "Process_num": "1",
            "Pid": String(getpid()),
            "Uptime": "\(uptime / 86400)d \((uptime % 86400) / 3600)h\(Self.twoDigits(uptime % 3600 / 60))m\(Self.twoDigits(uptime % 60))s",
            "Uptime_sec": String(uptime),
            "Ulimit-n": String(limit.rlim_cur),
            // lb has no `set maxconn global`: the hard limit is the configured one.
            "Maxconn": String(runtime.processMaxConnections),
            "Hard_maxconn": String(runtime.processMaxConnections),
            "CurrConns": String(runtime.currentConnections.load(ordering: .relaxed)),
            "CumConns": String(runtime.totalConnections.load(ordering: .relaxed)),
            "CumReq": String(runtime.frontends.reduce(0) { $0 + $1.totalRequests.load(ordering: .relaxed) }),
            "node": String(decoding: host.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self),
            "Stopping": "0",
            // Without a log pipeline nothing can be dropped.
            "DroppedLogs": "0",
            "Build info": LBVersion.current,
            "Start_time_sec": String(runtime.clock.milliseconds(at: startedAt) / 1000),
        ]
        var extra: [(String, String)] = []
        for (key, value) in processFacts() {
            if Self.infoKeys.contains(key) { values[key] = value } else { extra.append((key, value)) }
        }
        return (Self.infoKeys.map { ($0, values[$0] ?? "") } + extra).map { "\($0.0): \($0.1)\n" }.joined()
    }

    static func twoDigits(_ value: Int) -> String { value < 10 ? "0\(value)" : String(value) }

    // MARK: show stat

    // MARK: show servers state

    /// `show servers state`: format version 1, one line per server, HAProxy's columns.
    func showServersState(backend name: String?) -> String {
        let selected = runtime.backends.filter { name == nil || $0.plan.name == name || "#\(proxyID($0))" == name }
        if name != nil, selected.isEmpty { return "Can't find backend.\n" }
        var text = ServerStateFile.header
        let now = monotonicNow()
        for backend in selected {
            let backendID = proxyID(backend)
            for server in backend.servers {
                let healthy = server.healthy.load(ordering: .relaxed)
                typealias Admin = ServerStateFile.Admin
                // A `disabled` server carries the configuration's bit in every mode, so that loading the
                // state under a configuration that changed it lets the configuration decide.
                var adminState = server.plan.disabled ? Admin.configuredMaintenance : 0
                switch server.admin.mode {
                case .ready: break
                case .drain: adminState |= Admin.forcedDrain
                case .maintenance: adminState |= Admin.forcedMaintenance
                }
                // A server in maintenance is stopped, whatever its checks said (as in HAProxy).
                let opState = healthy && server.admin.mode != .maintenance ? 2 : 0
                let changed = server.admin.lastChange.load(ordering: .relaxed)
                let sinceChange = changed == 0 ? Int((now &- startedAt) / 1_000_000_000) : Int((now &- changed) / 1_000_000_000)
                let checkResult = !server.plan.check ? 0 : (healthy ? 3 : 2)
                let fields: [String] = [
                    String(backendID), backend.plan.name, String(server.plan.index + 1), server.plan.name,
                    server.resolvedHost, String(opState), String(adminState),
                    String(server.weight.load(ordering: .relaxed)), String(server.plan.weight), String(sinceChange),
                    String(server.lastCheck.load(ordering: .relaxed)), String(checkResult),
                    String(server.admin.checkHealth.load(ordering: .relaxed)),
                    String(server.plan.check ? ServerStateFile.Check.configured
                        | (server.admin.checksEnabled.load(ordering: .relaxed) ? ServerStateFile.Check.enabled : 0) : 0),
                    "0", "0", "0", "-", server.plan.port.map(String.init) ?? "0", "-",
                    server.plan.tls?.traffic == true ? "1" : "0",
                    String(server.plan.checkPort ?? 0), server.plan.checkAddress ?? "-", "-", "0",
                ]
                text += fields.joined(separator: " ") + "\n"
            }
        }
        return text
    }

    // MARK: show sess

    /// Asks every event loop for its sessions (each loop reads its own registry; nothing is locked) and
    /// renders them oldest first, one line each in HAProxy's `show sess` shape.
    func showSessions(_ argument: String?) -> EventLoopFuture<String> {
        let wanted: UInt?
        if let argument, argument != "all" {
            guard argument.hasPrefix("0x"), let id = UInt(argument.dropFirst(2), radix: 16) else {
                return eventLoop.makeSucceededFuture("Session not found.\n")
            }
            wanted = id
        } else {
            wanted = nil
        }
        let perLoop = runtime.allLoopContexts.map { loop, box in loop.submit { box.value.sessionFacts() } }
        return EventLoopFuture.whenAllSucceed(perLoop, on: eventLoop).map { lists in
            let now = monotonicNow()
            var sessions = lists.flatMap { $0 }.sorted { $0.acceptedAt < $1.acceptedAt }
            if let wanted {
                sessions = sessions.filter { $0.id == wanted }
                if sessions.isEmpty { return "Session not found.\n" }
            }
            return sessions.map { Self.sessionLine($0, now: now) }.joined()
        }
    }

    /// One `show sess` line. Fields lb measures: id, proto, src, fe, be, srv, age, the bytes waiting in
    /// each direction (`i=`), the server side's state (`scb=[state,...]`), the timer (`exp=`) and the
    /// retries (`rc=`). HAProxy's scheduler and buffer internals (ts, epoch, calls, rate, cpu, lat, the
    /// channel flags and analysers, file descriptors, rx/wx/ax and c_exp) have no lb counterpart and
    /// print neutral values: 0, empty, or fd=-1.
    static func sessionLine(_ session: SessionFacts, now: UInt64) -> String {
        let age = humanTime(Int((now &- session.acceptedAt) / 1_000_000_000))
        let expires = session.expiresIn.map { humanTime(Int($0 / 1_000_000_000)) } ?? ""
        var line = "0x" + String(session.id, radix: 16) + ":"
        line += " proto=" + (session.isIPv6 ? "tcpv6" : "tcpv4")
        line += " src=\(session.source):\(session.sourcePort)"
        line += " fe=\(session.frontend) be=\(session.backend ?? session.frontend) srv=\(session.server ?? "<none>")"
        line += " ts=00 epoch=0 age=\(age) calls=0 rate=0 cpu=0 lat=0"
        line += " rq[f=0h,i=\(session.requestBuffered),an=00h,rx=,wx=,ax=]"
        line += " rp[f=0h,i=\(session.responseBuffered),an=00h,rx=,wx=,ax=]"
        line += " scf=[8,0h,fd=-1] scb=[\(session.serverSide.rawValue),0h,fd=-1]"
        line += " exp=\(expires) rc=\(session.retries) c_exp=\n"
        return line
    }

    /// HAProxy's short durations: at most two units among d, h, m, s (`0s`, `45s`, `2m5s`, `3h`, `1d2h`).
    static func humanTime(_ seconds: Int) -> String {
        guard seconds >= 0 else { return "?" }
        var text = "", units = 2
        if seconds >= 86400 {
            text += "\(seconds / 86400)d"
            units -= 1
        }
        if units > 0, seconds % 86400 / 3600 > 0 {
            text += "\(seconds % 86400 / 3600)h"
            units -= 1
        }
        if units > 0, seconds % 3600 / 60 > 0 {
            text += "\(seconds % 3600 / 60)m"
            units -= 1
        }
        if (units > 0 && seconds % 60 > 0) || seconds == 0 { text += "\(seconds % 60)s" }
        return text
    }
}
