import Testing
@testable import LBCore

/// Reading HAProxy's server state file and deciding what each line changes.
struct ServerStateFileTests {
    /// Written by haproxy 2.6.12's `show servers state` after: `disabled` s1 enabled with `set server
    /// be/s1 state ready`, s2 drained and weighted 3, health checks of s3 (failing) disabled, s4 in
    /// maintenance.
    static let writtenByHAProxy = """
        1
        # be_id be_name srv_id srv_name srv_addr srv_op_state srv_admin_state srv_uweight srv_iweight srv_time_since_last_change srv_check_status srv_check_result srv_check_health srv_check_state srv_agent_state bk_f_forced_id srv_f_forced_id srv_fqdn srv_port srvrecord srv_use_ssl srv_check_port srv_check_addr srv_agent_addr srv_agent_port
        3 be 1 s1 127.0.0.1 2 4 1 1 0 1 0 0 8 0 0 0 - 19811 - 0 0 - - 0
        3 be 2 s2 127.0.0.1 2 8 3 7 0 1 0 2 0 0 0 0 - 19812 - 0 0 - - 0
        3 be 3 s3 127.0.0.1 0 0 1 1 1 8 2 0 2 0 0 0 - 19813 - 0 0 - - 0
        3 be 4 s4 127.0.0.1 0 1 1 1 0 1 0 0 0 0 0 0 - 19814 - 0 0 - - 0

        """

    @Test func readsHAProxysOutput() throws {
        let file = ServerStateFile(parsing: Self.writtenByHAProxy)
        #expect(file.problems.isEmpty)
        #expect(file.lines.map(\.serverName) == ["s1", "s2", "s3", "s4"])
        let s2 = try #require(file.line(backend: "be", server: "s2"))
        #expect(s2.backendID == 3 && s2.serverID == 2 && s2.address == "127.0.0.1")
        #expect(s2.operationalState == 2 && s2.adminState == 8 && s2.userWeight == 3 && s2.initialWeight == 7)
        #expect(file.line(backend: "other", server: "s2") == nil)
        // The header lb prints is the one haproxy prints.
        #expect(Self.writtenByHAProxy.hasPrefix(ServerStateFile.header))
    }

    @Test func refusesAnotherVersionAndReportsBadLines() {
        #expect(ServerStateFile(parsing: "2\n3 be 1 s1 127.0.0.1 2 0 1 1 0 1 0 0 0\n").lines.isEmpty)
        #expect(ServerStateFile(parsing: "2\n").problems == ["line 1: not a server state file of version 1"])
        #expect(ServerStateFile(parsing: "").problems.count == 1)
        let file = ServerStateFile(parsing: "1\n3 be 1 s1 127.0.0.1 2\n3 be x s1 127.0.0.1 2 0 1 1 0 1 0 0 0\n3 be 1 s1 ::1 2 0 1 1 0 1 0 0 0\n")
        #expect(file.problems == ["line 2: 6 fields, at least 14 expected", "line 3: a numeric field is not a number"])
        #expect(file.lines.map(\.address) == ["::1"])
    }

    static func decide(_ line: String, disabled: Bool = false, weight: Int = 1, checked: Bool = false,
                       rise: Int = 2, fall: Int = 3) throws -> ServerStateRestore {
        let parsed = try #require(ServerStateFile(parsing: "1\n" + line + "\n").lines.first)
        return ServerStateRestore(parsed, configured: .init(disabled: disabled, weight: weight, checked: checked, rise: rise, fall: fall))
    }

    @Test func adminStateFollowsTheFileUnlessTheConfigurationChanged() throws {
        let lines = ServerStateFile(parsing: Self.writtenByHAProxy).lines
        func line(_ name: String) -> String {
            let l = lines.first { $0.serverName == name }!
            return "3 be 1 \(name) 127.0.0.1 \(l.operationalState) \(l.adminState) \(l.userWeight) \(l.initialWeight) 0 1 0 0 \(l.checkState)"
        }
        // s4: forced maintenance stays.
        #expect(try Self.decide(line("s4")).admin == .maintenance)
        // s1: `disabled` but enabled at run time: the configuration did not change, the file wins...
        #expect(try Self.decide(line("s1"), disabled: true).admin == .ready)
        // ... and once `disabled` is removed, the configuration wins: ready.
        #expect(try Self.decide(line("s1"), disabled: false).admin == .ready)
        // `disabled` added since the file was written: maintenance, whatever the file says.
        #expect(try Self.decide("3 be 1 s 127.0.0.1 2 0 1 1 0 1 0 0 0", disabled: true).admin == .maintenance)
        // `disabled` removed since: ready, even though the file says maintenance.
        #expect(try Self.decide("3 be 1 s 127.0.0.1 0 5 1 1 0 1 0 0 0", disabled: false).admin == .ready)
        #expect(try Self.decide("3 be 1 s 127.0.0.1 0 5 1 1 0 1 0 0 0", disabled: true).admin == .maintenance)
        // s2: drained with a runtime weight of 3 out of 7.
        let s2 = try Self.decide(line("s2"), weight: 7)
        #expect(s2.admin == .drain && s2.weight == 3)
        // The configured weight changed: it wins over the runtime one.
        #expect(try Self.decide(line("s2"), weight: 5).weight == nil)
        // A drain that came from a configured weight of 0 ends when the configuration gives a weight.
        #expect(try Self.decide("3 be 1 s 127.0.0.1 2 8 0 0 0 1 0 0 0", weight: 4).admin == .ready)
        #expect(try Self.decide("3 be 1 s 127.0.0.1 2 8 0 0 0 1 0 0 0", weight: 0).admin == .drain)
    }

    @Test func checkedServersKeepTheirHealthUncheckedOnesStayUp() throws {
        // s3: checks configured but disabled at run time, stopped.
        let s3 = try Self.decide("3 be 3 s3 127.0.0.1 0 0 1 1 1 8 2 0 2", checked: true)
        #expect(s3.checksEnabled == false && s3.checkHealth == 0 && s3.isUp == false)
        let running = try Self.decide("3 be 1 s 127.0.0.1 2 0 1 1 0 6 3 4 6", checked: true, rise: 2, fall: 3)
        #expect(running.checksEnabled == nil && running.checkHealth == 4 && running.isUp == true)
        let starting = try Self.decide("3 be 1 s 127.0.0.1 1 0 1 1 0 6 3 1 6", checked: true, rise: 3)
        #expect(starting.checkHealth == 1 && starting.isUp == false)
        #expect(try Self.decide("3 be 1 s 127.0.0.1 1 0 1 1 0 6 3 1 6", checked: true, rise: 1).isUp == true)
        #expect(try Self.decide("3 be 1 s 127.0.0.1 3 0 1 1 0 6 3 3 6", checked: true, rise: 2).checkHealth == 2)
        // Without checks the file's operational state does not apply: nothing would bring it back up.
        let unchecked = try Self.decide("3 be 4 s4 127.0.0.1 0 0 1 1 0 1 0 0 0")
        #expect(unchecked.checkHealth == nil && unchecked.isUp == nil && unchecked.checksEnabled == nil)
    }
}
