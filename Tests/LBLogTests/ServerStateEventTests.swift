import Testing
@testable import LBLog

struct ServerStateEventTests {
    @Test func checkFailuresAndRecoveriesAsHAProxyWritesThem() throws {
        let down = try #require(ServerStateEvent.parse(
            "<145>Dec  6 07:10:01 node1 haproxy[812]: Server be_app/web2 is DOWN, reason: Layer4 connection problem, "
                + "info: \"Connection refused\", check duration: 0ms. 1 active and 0 backup servers left. "
                + "0 sessions active, 0 requeued, 0 remaining in queue."))
        #expect(down == ServerStateEvent(time: "Dec  6 07:10:01", server: "be_app/web2", state: "DOWN",
                                         reason: "Layer4 connection problem, info: \"Connection refused\""))
        let up = try #require(ServerStateEvent.parse(
            "Dec  6 07:10:09 node1 lb[90]: Backup Server be_app/spare is UP, reason: Layer7 check passed, code: 200, "
                + "check duration: 1ms. 2 active and 1 backup servers online. 0 sessions requeued, 0 total in queue."))
        #expect(up == ServerStateEvent(time: "Dec  6 07:10:09", server: "be_app/spare", state: "UP",
                                       reason: "Layer7 check passed, code: 200"))
    }

    @Test func operatorChangesAndTrafficBasedHealth() throws {
        let maint = try #require(ServerStateEvent.parse(
            "<133>1 2026-12-06T07:11:00.120Z node1 lb 90 - - Server be_app/web1 is going DOWN for maintenance. "
                + "1 active and 0 backup servers left. 0 sessions active, 0 requeued, 0 remaining in queue."))
        #expect(maint.state == "MAINT")
        #expect(maint.time == "2026-12-06T07:11:00.120Z")
        #expect(ServerStateEvent.parse("Dec  6 07:11:05 n lb[9]: Server be_app/web1 enters drain state. 1 active and 0 backup servers online.")?.state == "DRAIN")
        let back = try #require(ServerStateEvent.parse("Dec  6 07:11:09 n lb[9]: Server be_app/web1 is UP/READY (leaving forced maintenance)."))
        #expect(back.state == "UP")
        #expect(back.reason == "leaving forced maintenance")
        let analyzed = try #require(ServerStateEvent.parse(
            "Dec  6 07:12:00 n haproxy[1]: Server be_app/web3 is DOWN, reason: Health analyze, info: \"Detected 5 consecutive errors, last one was: L7STS/500 at step 1 of ...\", check duration: 0ms."))
        #expect(analyzed.reason.hasPrefix("Health analyze, info: \"Detected 5 consecutive errors"))
    }

    @Test func otherMessagesAreNotStateChanges() {
        for line in ["Dec  6 07:10:01 node1 haproxy[812]: Proxy fe_main started.",
                     "Dec  6 07:10:01 node1 haproxy[812]: Server without-slash is DOWN, reason: x",
                     "Dec  6 07:10:01 node1 haproxy[812]: Server be/s1 answered slowly",
                     "Dec  6 07:10:01 node1 haproxy[812]: backend be_app has no server available!", ""] {
            #expect(ServerStateEvent.parse(line) == nil, "\(line)")
        }
    }
}
