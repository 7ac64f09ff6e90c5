import LBStats
import Testing

struct HTMLRendererTests {
    @Test(arguments: [
        (ServerStatusInput(admin: .ready, configuredDisabled: false, checked: true, healthy: true, backup: false), "UP", "active_up"),
        (ServerStatusInput(admin: .ready, configuredDisabled: false, checked: true, healthy: true, backup: true), "UP", "backup_up"),
        (ServerStatusInput(admin: .ready, configuredDisabled: false, checked: true, healthy: false, backup: false), "DOWN", "down"),
        (ServerStatusInput(admin: .ready, configuredDisabled: false, checked: false, healthy: true, backup: false), "no check", "nocheck"),
        (ServerStatusInput(admin: .maint, configuredDisabled: false, checked: true, healthy: true, backup: false), "MAINT", "maintain"),
        (ServerStatusInput(admin: .drain, configuredDisabled: false, checked: true, healthy: true, backup: false), "DRAIN", "draining"),
        (ServerStatusInput(admin: .ready, configuredDisabled: false, checked: true, healthy: true, backup: false,
                           progress: .goingDown(1, 3)), "UP 1/3", "going_down"),
        (ServerStatusInput(admin: .ready, configuredDisabled: false, checked: true, healthy: false, backup: false,
                           progress: .goingUp(1, 2)), "DOWN 1/2", "going_up"),
    ] as [(ServerStatusInput, String, String)])
    func statusStringsAndColoursFollowHAProxy(input: ServerStatusInput, text: String, css: String) {
        #expect(input.text == text)
        #expect(input.cssClass == css)
    }

    @Test(arguments: [(3, 3, 2, true, HealthProgress?.some(.goingDown(1, 2))), (2, 2, 3, true, .goingDown(1, 3)), (1, 2, 3, false, .goingUp(1, 2)),
                      (0, 2, 3, false, nil), (4, 2, 3, true, nil)] as [(Int, Int, Int, Bool, HealthProgress?)])
    func progressComesFromTheRiseFallCounter(health: Int, rise: Int, fall: Int, healthy: Bool, expected: HealthProgress?) {
        #expect(HealthProgress.from(health: health, rise: rise, fall: fall, healthy: healthy) == expected)
    }

    @Test func namesAreEscapedAndThePageIsSelfContained() {
        let snapshot = StatsFixtures.snapshot(servers: [StatsFixtures.server("<img src=x>", requests: [1000])],
                                              backendName: "be<script>", frontendName: "fe&\"x\"")
        let page = StatsFixtures.text(HTMLRenderer.render(snapshot, options: HTMLPageOptions(uri: "/stats")))
        #expect(!page.contains("<script>"))
        #expect(!page.contains("<img"))
        #expect(page.contains("be&lt;script&gt;"))
        #expect(page.contains("fe&amp;&quot;x&quot;"))
        #expect(!page.contains("http://") && !page.contains("https://"))
        #expect(page.contains("prefers-color-scheme: dark"))
    }

    @Test func showsHAProxyColumnGroupsStatusAndPercentiles() {
        let snapshot = StatsFixtures.snapshot(servers: [StatsFixtures.server("s1", requests: [1_500, 1_500, 40_000]),
                                                        StatsFixtures.server("s2", id: 2, healthy: false)])
        let page = StatsFixtures.text(HTMLRenderer.render(snapshot, options: HTMLPageOptions(uri: "/stats")))
        for group in ["Queue", "Session rate", "Sessions", "Bytes", "Denied", "Errors", "Warnings", "Server", "Latency"] {
            #expect(page.contains(">\(group)</th>"), "\(group)")
        }
        #expect(page.contains("data-name=\"s1\" data-status=\"UP\""))
        #expect(page.contains("<tr class=\"down\" data-kind=\"server\" data-name=\"s2\" data-status=\"DOWN\""))
        #expect(page.contains("ms</td>"))
        #expect(!page.contains("<form"), "no admin form without a token")
    }

    @Test func adminFormCarriesTheTokenAndBackendId() {
        let page = StatsFixtures.text(HTMLRenderer.render(StatsFixtures.snapshot(),
                                                          options: HTMLPageOptions(uri: "/stats", adminToken: "t0k", actionStatus: "DONE")))
        #expect(page.contains("<form class=\"admin\" method=\"post\" action=\"/stats\">"))
        #expect(page.contains("name=\"token\" value=\"t0k\""))
        #expect(page.contains("name=\"b\" value=\"#1\""))
        #expect(page.contains("<input type=\"checkbox\" name=\"s\" value=\"s1\">"))
        #expect(page.contains("Action processed successfully."))
    }
}
