import LBStats
import Testing

struct CSVAndJSONTests {
    let lines = StatsFixtures.text(CSVRenderer.render(StatsFixtures.snapshot())).split(separator: "\n").map(String.init)

    func field(_ line: String, _ name: String) -> String {
        let fields = line.split(separator: ",", omittingEmptySubsequences: false)
        return String(fields[StatRows.columns.firstIndex(of: name)!])
    }

    @Test func headerHasHAProxysColumnOrder() {
        #expect(lines[0].hasPrefix("# pxname,svname,qcur,qmax,scur,smax,slim,stot,bin,bout,dreq,dresp,ereq,econ,eresp,"))
        // 103 fixed columns, then HAProxy 2.6's `-` and its 24 module columns.
        #expect(StatRows.columns.count == 128)
        #expect(StatRows.columns[48] == "req_tot")
        #expect(StatRows.columns[73] == "addr")
        #expect(StatRows.columns[102] == "agg_check_status")
        #expect(StatRows.columns[103...106] == ["-", "ssl_sess", "ssl_reused_sess", "ssl_failed_handshake"])
    }

    @Test func rowsAreFrontendServersBackendWithTheirValues() {
        #expect(lines.count == 4)
        #expect(lines[1].hasPrefix("fe_main,FRONTEND,"))
        #expect(lines[2].hasPrefix("be_app,s1,"))
        #expect(lines[3].hasPrefix("be_app,BACKEND,"))
        #expect(field(lines[1], "req_tot") == "2")
        #expect(field(lines[3], "req_tot") == "2")
        #expect(field(lines[2], "status") == "UP")
        #expect(field(lines[2], "check_status") == "L4OK")
        #expect(field(lines[3], "type") == "1")
        #expect(field(lines[2], "hrsp_2xx") == "2")
        for line in lines.dropFirst() {
            #expect(line.split(separator: ",", omittingEmptySubsequences: false).count == 129, "128 fields and a trailing comma")
            #expect(field(line, "-") == "-")
        }
    }

    @Test func unmeasuredFieldsAreEmptyNotZero() {
        // Rates are empty until a second has been measured (the fixture has none).
        for name in ["rate", "req_rate", "qtime", "ttime", "chkdown"] {
            #expect(field(lines[2], name) == "", "\(name)")
        }
    }

    @Test func fieldsAreQuotedOnlyWhenNeeded() {
        let text = StatsFixtures.text(CSVRenderer.render(StatsFixtures.snapshot(backendName: "a,\"b")))
        #expect(text.contains("\n\"a,\"\"b\",BACKEND,"))
    }

    @Test func jsonHasTypedFields() {
        let text = StatsFixtures.text(JSONRenderer.render(StatsFixtures.snapshot(backendName: "x\"y")))
        #expect(text.hasPrefix("[\n{\"pxname\":\"fe_main\",\"svname\":\"FRONTEND\","))
        #expect(text.contains("\"pxname\":\"x\\\"y\""))
        #expect(text.contains("\"req_tot\":2"))
        #expect(!text.contains("\"qtime\""))
    }
}
