import LBCore

extension RuntimeAPI {
    static let showCommands: [RuntimeCommand] = [
        RuntimeCommand(words: ["show", "info"], arguments: "", help: "report information about the running process", level: .user) { _, api in
            api.showInfo()
        },
        RuntimeCommand(words: ["show", "stat"], arguments: "", help: "report counters for each proxy and server (CSV)", level: .user) { _, api in
            StatsPage.csv(api.runtime) + "\n"
        },
        RuntimeCommand(words: ["show", "servers", "state"], arguments: "[backend]", help: "dump the state of the servers", level: .user) { args, api in
            api.showServersState(backend: args.first)
        },
        RuntimeCommand(words: ["show", "backend"], arguments: "", help: "list the backends", level: .user) { _, api in
            "# name\n" + api.runtime.backends.map { $0.plan.name + "\n" }.joined()
        },
    ]

    func showInfo() -> String {
        let uptime = Int((monotonicNow() &- startedAt) / 1_000_000_000)
        var lines: [(String, String)] = [
            ("Name", "lb"),
            ("Version", LBVersion.current),
            ("Nbthread", String(runtime.loopCount)),
            ("Nbproc", "1"),
            ("Process_num", "1"),
            ("Pid", String(getProcessID())),
            ("Uptime", "\(uptime / 86400)d \((uptime % 86400) / 3600)h\((uptime % 3600) / 60)m\(uptime % 60)s"),
            ("Uptime_sec", String(uptime)),
            ("Maxconn", String(runtime.processMaxConnections)),
            ("CurrConns", String(runtime.currentConnections.load(ordering: .relaxed))),
            ("CumConns", String(runtime.totalConnections.load(ordering: .relaxed))),
            ("CumReq", String(runtime.frontends.reduce(0) { $0 + $1.totalRequests.load(ordering: .relaxed) })),
            ("Stopping", "0"),
        ]
        lines += processFacts()
        return lines.map { "\($0.0): \($0.1)\n" }.joined()
    }

    /// `show servers state`: format version 1, one line per server, HAProxy's columns.
    func showServersState(backend name: String?) -> String {
        var text = "1\n# be_id be_name srv_id srv_name srv_addr srv_op_state srv_admin_state srv_uweight srv_iweight "
        text += "srv_time_since_last_change srv_check_status srv_check_result srv_check_health srv_check_state "
        text += "srv_agent_state bk_f_forced_id srv_f_forced_id srv_fqdn srv_port srvrecord srv_use_ssl srv_check_port "
        text += "srv_check_addr srv_agent_addr srv_agent_port\n"
        let now = monotonicNow()
        for backend in runtime.backends where name == nil || backend.plan.name == name {
            for server in backend.servers {
                let healthy = server.healthy.load(ordering: .relaxed)
                let opState = healthy ? 2 : 0
                let adminState: Int
                switch server.admin.mode {
                case .ready: adminState = 0
                case .drain: adminState = 0x08
                case .maintenance: adminState = 0x01
                }
                let changed = server.admin.lastChange.load(ordering: .relaxed)
                let sinceChange = changed == 0 ? Int((now &- startedAt) / 1_000_000_000) : Int((now &- changed) / 1_000_000_000)
                let checkResult = !server.plan.check ? 0 : (healthy ? 3 : 2)
                let fields: [String] = [
                    String(backend.index + 1), backend.plan.name, String(server.plan.index + 1), server.plan.name,
                    server.resolvedHost, String(opState), String(adminState),
                    String(server.weight.load(ordering: .relaxed)), String(server.plan.weight), String(sinceChange),
                    String(server.lastCheck.load(ordering: .relaxed)), String(checkResult),
                    String(server.admin.checkHealth.load(ordering: .relaxed)),
                    String(server.plan.check ? (server.admin.checksEnabled.load(ordering: .relaxed) ? 6 : 0) : 0),
                    "0", "0", "0", "-", server.plan.port.map(String.init) ?? "0", "-", "0",
                    String(server.plan.checkPort ?? 0), server.plan.checkAddress ?? "-", "-", "0",
                ]
                text += fields.joined(separator: " ") + "\n"
            }
        }
        return text
    }
}

#if canImport(Glibc)
import Glibc
private func getProcessID() -> Int32 { getpid() }
#endif
