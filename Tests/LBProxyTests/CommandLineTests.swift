import Foundation
import LBConfig
import LBProxy
import LBTestSupport
import Testing

/// The options lb shares with haproxy's command line: -vv, -cc, -q, -V, -dD, -L, -p and -D.
@Suite(.serialized) struct CommandLineTests {
    private func temporaryConfig(_ text: String, _ name: String) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("lb-cli-\(name)-\(getpid()).cfg").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test func versionReportHasHAProxysLayoutAndLbsFeatures() throws {
        let result = try CommandTests.run(["-vv"])
        #expect(result.status == 0)
        let lines = result.output.split(separator: "\n").map(String.init)
        #expect(lines.first == "lb version \(LBVersion.current)")
        // The lines HAProxy's run-regtests.sh reads, in its way: the third word of the version line...
        let versionLine = try #require(lines.first { $0.contains("HAProxy version") })
        #expect(versionLine.split(separator: " ")[2] == "2.6")
        // ...and what follows " : " or " = " on the others.
        #expect(lines.contains { $0.hasPrefix("  TARGET  = ") })
        #expect(lines.contains("Feature list : \(HAProxyDialect.featureLine)"))
        #expect(lines.contains("Available services : prometheus-exporter"))
        #expect(try CommandTests.run(["-v"]).output.hasPrefix("lb version "))
    }

    @Test(arguments: [
        ("1", Int32(0)), ("0", 1), ("version_atleast(2.5-dev0)", 0), ("version_before(2.6)", 1),
        ("feature(PROMEX) && feature(OPENSSL)", 0), ("!feature(OPENSSL)", 1), ("", 1),
        // A condition that starts with '-' is still the value of -cc, not an option.
        ("-1000 && 200", 0), ("-0", 1),
    ])
    func conditionExitStatus(condition: String, status: Int32) throws {
        let result = try CommandTests.run(["-cc", condition])
        #expect(result.status == status, "\(condition): \(result.errors)")
        #expect(result.output.isEmpty && result.errors.isEmpty)
    }

    @Test func conditionErrorsSayWhyAndExitWith2() throws {
        let result = try CommandTests.run(["-cc", "streq(a"])
        #expect(result.status == 2)
        #expect(result.errors.contains("invalid condition 'streq(a' at position 8: missing ')'"), "\(result.errors)")
    }

    @Test func localPeerNameIsVisibleToConditions() throws {
        #expect(try CommandTests.run(["-L", "edge-1", "-cc", "streq(\"${HAPROXY_LOCALPEER}\",edge-1)"]).status == 0)
        #expect(try CommandTests.run(["-L", "edge-2", "-cc", "streq(\"${HAPROXY_LOCALPEER}\",edge-1)"]).status == 1)
        // The braceless form in double quotes, as HAProxy's reg-tests write it.
        #expect(try CommandTests.run(["-L", "edge-1", "-cc", "streq(\"$HAPROXY_LOCALPEER\",edge-1)"]).status == 0)
    }

    @Test func messagesFollowQuietVerboseAndDiagnosticMode() throws {
        let path = try temporaryConfig("""
        .diag "diag message"
        .notice "notice message"
        .warning "warning message"
        defaults
            mode http
            timeout connect 1s
            timeout client 5s
            timeout server 5s
        frontend fe
            bind 127.0.0.1:1
            http-request return status 200
        """, "messages")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let plain = try CommandTests.run(["-c", "-f", path])
        #expect(plain.status == 0)
        #expect(plain.errors.contains("\(path):2: notice: notice message"))
        #expect(plain.errors.contains("\(path):3: warning: warning message"))
        #expect(!plain.errors.contains("diag message"))
        let diagnostic = try CommandTests.run(["-c", "-dD", "-f", path])
        #expect(diagnostic.errors.contains("\(path):1: diag: diag message"))
        let quiet = try CommandTests.run(["-c", "-q", "-f", path])
        #expect(quiet.status == 0)
        #expect(quiet.output.isEmpty && quiet.errors.isEmpty, "\(quiet.output)\(quiet.errors)")
        // -V undoes -q.
        let verbose = try CommandTests.run(["-c", "-q", "-V", "-f", path])
        #expect(verbose.errors.contains("warning message"))
        #expect(verbose.output.contains("Configuration file is valid"))
    }

    @Test func anAlertStopsTheCheckEvenWhenQuiet() throws {
        let path = try temporaryConfig(".if !feature(LUA)\n.alert \"needs Lua\"\n.endif\n", "alert")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let result = try CommandTests.run(["-c", "-q", "-f", path])
        #expect(result.status == 1)
        #expect(result.errors.contains("\(path):2: error: alert: needs Lua"), "\(result.errors)")
    }

    @Test func socketActivationVariablesAreCheckedAgainstTheConfiguration() throws {
        let path = try temporaryConfig("""
        defaults
            mode http
            timeout connect 1s
            timeout client 5s
            timeout server 5s
        frontend fe
            bind fd@4
            http-request return status 200
        """, "activation")
        defer { try? FileManager.default.removeItem(atPath: path) }
        // `exec` keeps the shell's process id, so LISTEN_PID names lb as systemd would.
        func check(_ variables: String) throws -> ExternalTool.Outcome {
            try ExternalTool.run("/bin/sh", ["-c", "\(variables) exec \(CommandTests.lbPath) -c -f \(path)"])
        }
        let wrongNumber = try check("LISTEN_PID=$$ LISTEN_FDS=1")
        #expect(wrongNumber.status == 1)
        #expect(wrongNumber.errors.contains("\(path):7: error: fd@4 was not passed by systemd, which passed 3"), "\(wrongNumber.errors)")
        let unused = try check("LISTEN_PID=$$ LISTEN_FDS=2 LISTEN_FDNAMES=www:spare")
        #expect(unused.status == 0, "\(unused.errors)")
        #expect(unused.errors.contains("warning: systemd passed the socket fd@3 ('www') but no 'bind' or 'stats socket' takes it"))
        // Variables meant for another process are not lb's.
        let elsewhere = try check("LISTEN_PID=1 LISTEN_FDS=1")
        #expect(elsewhere.status == 0 && !elsewhere.errors.contains("systemd"), "\(elsewhere.errors)")
    }

    @Test func daemonModeReturnsOnceServingAndWritesThePidFile() async throws {
        let port = freePort()
        let path = try temporaryConfig("""
        defaults
            mode http
            timeout connect 1s
            timeout client 5s
            timeout server 5s
        frontend fe
            bind 127.0.0.1:\(port)
            http-request return status 200 content-type text/plain string "daemon\\n"
        """, "daemon")
        let pidFile = FileManager.default.temporaryDirectory.appendingPathComponent("lb-cli-\(getpid()).pid").path
        defer {
            try? FileManager.default.removeItem(atPath: path)
            try? FileManager.default.removeItem(atPath: pidFile)
        }
        // Returns only when the daemon has bound its listener (or failed).
        let started = try CommandTests.run(["-D", "-p", pidFile, "-f", path])
        #expect(started.status == 0, "\(started.errors)")
        let pidText = try String(contentsOfFile: pidFile, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        let pid = try #require(Int32(pidText))
        // Killed at the end unless seen gone: a pid signalled after its process ended may be another's by
        // then (pid_max is 32768 here, and the test process alone makes thousands of threads).
        var gone = false
        defer { if !gone { kill(pid, SIGKILL) } }
        #expect(started.output.contains("(pid \(pid))"), "the banner comes from the daemon: \(started.output)")
        #expect(pid != getpid())
        // In a session of its own, away from the terminal's signals.
        #expect(getsid(pid) == pid)
        let answer = try fetch(port: port, "GET / HTTP/1.1\r\nHost: t\r\n\r\n")
        #expect(answer.bodyText == "daemon\n")
        kill(pid, SIGTERM)
        // It is not our child, so it cannot be waited for: it has ended when its pid is gone, or is a
        // zombie with no thread left, which is what an ended process is until whoever adopted it reaps
        // it (PID 1 here, which may take its time on a loaded machine).
        do {
            try await waitUntil("the lb daemon to exit after SIGTERM", within: 15) { ProcessEnd.hasEnded(pid) }
        } catch {
            Issue.record("\(error); the daemon is \(ProcessEnd.describe(pid))")
            return
        }
        gone = true
    }

    @Test func daemonModeReportsAFailedStartWithItsStatus() throws {
        let listener = try InheritedListener.tcp()
        defer { listener.close() }
        let path = try temporaryConfig("""
        defaults
            mode http
            timeout connect 1s
            timeout client 5s
            timeout server 5s
        frontend fe
            bind 127.0.0.1:\(listener.port)
            http-request return status 200
        """, "daemon-busy")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let result = try CommandTests.run(["-D", "-f", path])
        #expect(result.status == 1)
        #expect(result.errors.contains("cannot bind 127.0.0.1:\(listener.port)"), "\(result.errors)")
    }
}
