import LBStats
import Testing

/// The check and agent details of a server in the CSV and on the page: status, code, duration, the
/// reason and its detail.
struct CheckDetailStatsTests {
    static func server() -> ServerSnapshot {
        var server = StatsFixtures.server("s1", healthy: false)
        server.status.agentChecked = true
        server.status.agentDown = true
        server.checkStatus = "HANA"
        server.checkDescription = "Health analyze"
        server.lastCheckInfo = "Detected 5 consecutive errors, last one was: Wrong http response"
        server.checkHealth = 0
        server.trafficErrorTrips = 1
        server.agent = AgentCheckSnapshot(status: "L7STS", code: 0, duration: 3, description: "Layer7 wrong status",
                                          info: "via agent : down (disk full)", health: 0)
        return server
    }

    @Test func csvCarriesTheCheckAndAgentColumns() throws {
        let snapshot = StatsFixtures.snapshot(servers: [Self.server()])
        let lines = StatsFixtures.text(CSVRenderer.render(snapshot)).split(separator: "\n")
        let line = try #require(lines.first { $0.contains(",s1,") })
        func field(_ name: String) -> String {
            // The detail holds a comma, so it is quoted: split on the CSV's own rules.
            var fields: [String] = [], current = "", quoted = false
            for character in line {
                if character == "\"" { quoted.toggle() } else if character == "," && !quoted {
                    fields.append(current)
                    current = ""
                } else { current.append(character) }
            }
            fields.append(current)
            return fields[StatRows.columns.firstIndex(of: name)!]
        }
        #expect(field("status") == "DOWN (agent)")
        #expect(field("check_status") == "HANA")
        #expect(field("check_desc") == "Health analyze")
        #expect(field("last_chk") == "Detected 5 consecutive errors, last one was: Wrong http response")
        #expect(field("check_health") == "0")
        #expect(field("hanafail") == "1")
        #expect(field("agent_status") == "L7STS")
        #expect(field("agent_code") == "0")
        #expect(field("agent_duration") == "3")
        #expect(field("agent_desc") == "Layer7 wrong status")
        #expect(field("last_agt") == "via agent : down (disk full)")
        #expect([field("agent_rise"), field("agent_fall"), field("agent_health")] == ["1", "1", "0"])
    }

    @Test func pageShowsTheReasons() {
        let page = StatsFixtures.text(HTMLRenderer.render(StatsFixtures.snapshot(servers: [Self.server()]),
                                                          options: HTMLPageOptions(uri: "/stats")))
        #expect(page.contains("data-status=\"DOWN (agent)\""))
        #expect(page.contains("Health analyze: Detected 5 consecutive errors, last one was: Wrong http response"))
        #expect(page.contains("agent: <span title=\"Layer7 wrong status: via agent : down (disk full)\">L7STS/0 in 3ms</span>"))
    }

    @Test func drainWithAnAgentSaysSo() {
        var input = ServerStatusInput(admin: .drain, configuredDisabled: false, checked: true, healthy: true, backup: false)
        #expect(input.text == "DRAIN")
        input.agentChecked = true
        #expect(input.text == "DRAIN (agent)")
    }
}
