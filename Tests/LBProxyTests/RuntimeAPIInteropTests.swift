import Atomics
import Foundation
import LBTestSupport
import Testing
@testable import LBProxy

/// The same runtime-API commands sent to a real haproxy and to lb, run with equivalent configurations;
/// the answers are compared: `show stat`'s header byte for byte, error messages exactly, the rest by
/// shape (columns, keys, field names).
@Suite(.serialized, .enabled(if: RuntimeAPIInterop.haproxyPath != nil, "needs haproxy (Debian package haproxy)"))
struct RuntimeAPIInteropTests {
    @Test func sameCommandsGiveAnswersOfTheSameShape() async throws {
        // Both servers hold /slow until `release`, so that a request there stays in progress as a session.
        let release = ManagedAtomic(false)
        let respond: @Sendable (TestBackend.Request) -> TestBackend.Action = { request in
            request.path == "/slow"
                ? .sendWhen(ready: { release.load(ordering: .relaxed) }, TestBackend.ok(body: "late\n"))
                : .send(TestBackend.ok(body: "ok\n"))
        }
        let s1 = try await TestBackend(name: "s1", respond: respond), s2 = try await TestBackend(name: "s2", respond: respond)
        let directory = NSTemporaryDirectory() + "lb-api-interop-\(getpid())-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)

        let haproxyPort = freePort(), lbPort = freePort()
        let haproxy = RuntimeAPIInterop.Peer(name: "haproxy", port: haproxyPort, admin: directory + "/h-admin.sock", user: directory + "/h-user.sock")
        let lb = RuntimeAPIInterop.Peer(name: "lb", port: lbPort, admin: directory + "/l-admin.sock", user: directory + "/l-user.sock")
        let configPath = directory + "/haproxy.cfg"
        try RuntimeAPIInterop.config(haproxy, s1: s1.port, s2: s2.port).write(toFile: configPath, atomically: true, encoding: .utf8)

        let process = ChildProcess()
        process.executableURL = URL(fileURLWithPath: RuntimeAPIInterop.haproxyPath!)
        process.arguments = ["-db", "-f", configPath]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try ProcessLaunch.run(process)
        // haproxy goes away however the test ends (a failed #require throws through here).
        defer { process.stop() }
        let harness = try await LBHarness.start(RuntimeAPIInterop.config(lb, s1: s1.port, s2: s2.port))
        try await RuntimeAPIInterop.waitFor("haproxy's stats socket") {
            FileManager.default.fileExists(atPath: haproxy.admin) && (try? haproxy.ask("show info"))?.hasPrefix("Name: HAProxy") == true
        }

        // One finished request through each stores the client's address in the stick table.
        for peer in [haproxy, lb] {
            #expect(try fetch(port: peer.port, "GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").status == 200)
        }
        try await RuntimeAPIInterop.waitFor("a stick-table entry in both") {
            try [haproxy, lb].allSatisfy { try $0.ask("show table").contains("used:1") }
        }

        // show stat: the header is haproxy's, byte for byte; every line has as many columns; same rows.
        let statH = try haproxy.ask("show stat"), statL = try lb.ask("show stat")
        let headerH = statH.split(separator: "\n").first.map(String.init), headerL = statL.split(separator: "\n").first.map(String.init)
        #expect(headerL == headerH)
        let columns = statH.split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).count }
        #expect(Set(columns).count == 1)
        for line in statL.split(separator: "\n") {
            #expect(line.split(separator: ",", omittingEmptySubsequences: false).count == columns.first, "\(line)")
        }
        #expect(RuntimeAPIInterop.rowNames(statL) == RuntimeAPIInterop.rowNames(statH))
        #expect(statH.hasSuffix("\n\n") && statL.hasSuffix("\n\n"))

        // show info: every key lb documents is one of haproxy's, in haproxy's order, with values of the same form.
        let infoH = RuntimeAPIInterop.info(try haproxy.ask("show info")), infoL = RuntimeAPIInterop.info(try lb.ask("show info"))
        #expect(infoL.map(\.0) == RuntimeAPI.infoKeys)
        let keysH = infoH.map(\.0)
        #expect(Set(RuntimeAPI.infoKeys).isSubset(of: keysH), "\(Set(RuntimeAPI.infoKeys).subtracting(keysH))")
        #expect(keysH.filter { RuntimeAPI.infoKeys.contains($0) } == RuntimeAPI.infoKeys)
        let valuesH = Dictionary(infoH, uniquingKeysWith: { a, _ in a }), valuesL = Dictionary(infoL, uniquingKeysWith: { a, _ in a })
        for key in RuntimeAPI.infoKeys where !["Name", "Version", "Build info", "node"].contains(key) {
            #expect(RuntimeAPIInterop.form(valuesL[key] ?? "") == RuntimeAPIInterop.form(valuesH[key] ?? ""), "\(key)")
        }

        // show servers state: same version line and column header, rows of as many fields with the same state.
        try RuntimeAPIInterop.compareServersState(haproxy, lb)
        #expect(try lb.ask("show backend") == haproxy.ask("show backend"))

        // show table: the same listing; entries with the same fields.
        #expect(try lb.ask("show table") == haproxy.ask("show table"))
        let tableH = try haproxy.ask("show table be").split(separator: "\n"), tableL = try lb.ask("show table be").split(separator: "\n")
        #expect(tableL.first == tableH.first)
        #expect(tableL.dropFirst().map(RuntimeAPIInterop.shape) == tableH.dropFirst().map(RuntimeAPIInterop.shape))
        #expect(tableL.dropFirst().map { RuntimeAPIInterop.field("key", $0) } == tableH.dropFirst().map { RuntimeAPIInterop.field("key", $0) })

        // show sess: a request held by a server is listed by both, with the same fields in the same order.
        var slowH: RawClient? = try RawClient(port: haproxy.port), slowL: RawClient? = try RawClient(port: lb.port)
        try slowH?.send("GET /slow HTTP/1.1\r\nHost: x\r\n\r\n")
        try slowL?.send("GET /slow HTTP/1.1\r\nHost: x\r\n\r\n")
        try await RuntimeAPIInterop.waitFor("the held request in show sess") {
            try [haproxy, lb].allSatisfy { try RuntimeAPIInterop.clientSessions($0.ask("show sess")).count == 1 }
        }
        let sessH = try RuntimeAPIInterop.clientSessions(haproxy.ask("show sess")), sessL = try RuntimeAPIInterop.clientSessions(lb.ask("show sess"))
        #expect(sessL.map(RuntimeAPIInterop.shape) == sessH.map(RuntimeAPIInterop.shape))
        for field in ["proto", "fe", "be"] {
            #expect(sessL.map { RuntimeAPIInterop.field(field, $0) } == sessH.map { RuntimeAPIInterop.field(field, $0) }, "\(field)")
        }
        #expect(sessL.first.map { RuntimeAPIInterop.field("src", $0)?.hasPrefix("127.0.0.1:") == true } == true)
        release.store(true, ordering: .relaxed)
        #expect(try slowH?.readResponse().status == 200)
        #expect(try slowL?.readResponse().status == 200)
        slowH = nil
        slowL = nil
        try await RuntimeAPIInterop.waitFor("the held requests to end") {
            try [haproxy, lb].allSatisfy { try RuntimeAPIInterop.clientSessions($0.ask("show sess")).isEmpty }
        }

        // Commands that change servers, and the state they leave, answer alike.
        for command in ["get weight be/s1", "set weight be/s1 50%", "get weight be/s1", "set weight be/s1 100%",
                        "disable server be/s1", "set server be/s1 state drain", "enable server be/s1", "get weight be/s1"] {
            #expect(try lb.ask(command) == haproxy.ask(command), "\(command)")
            try RuntimeAPIInterop.compareServersState(haproxy, lb)
        }

        // Frontends paused and resumed: the same answers; a paused one refuses connections in both.
        for command in ["enable frontend fe", "disable frontend fe", "disable frontend fe"] {
            #expect(try lb.ask(command) == haproxy.ask(command), "\(command)")
        }
        for peer in [haproxy, lb] { #expect(throws: (any Error).self, "\(peer.name)") { _ = try RawClient(port: peer.port) } }
        #expect(try lb.ask("enable frontend fe") == haproxy.ask("enable frontend fe"))

        // Errors: the same messages.
        for command in ["set weight nosuch/x 1", "disable server be/zz", "get weight be/zz", "get weight", "disable server be",
                        "set weight be/s1 300", "set weight be/s1 -1%", "set weight be/s1", "set server be/s1 state sideways",
                        "show servers state nosuch", "show table nosuch", "clear table nosuch", "clear table",
                        "show table be key", "show table be extra", "show table be data.conn_cnt gt 0",
                        "show table be data.nosuch gt 0", "show table be data.server_id zz 1", "show table be data.server_id eq",
                        "show table be data.server_id eq 1 foo", "clear table be data.nosuch eq 1",
                        "show table be data.server_id ge 0 data.server_id ge 0 data.server_id ge 0 data.server_id ge 0 x",
                        "show sess 0x1", "disable frontend nosuch", "enable frontend nosuch", "disable frontend"] {
            #expect(try lb.ask(command) == haproxy.ask(command), "\(command)")
        }
        // haproxy 2.6 forgets the newline after these two (later versions print it).
        for command in ["set weight be/s1 abc", "set weight be/s1 5x"] {
            #expect(try lb.ask(command).trimmingCharacters(in: .newlines) == haproxy.ask(command).trimmingCharacters(in: .newlines), "\(command)")
        }

        // help and unknown commands: the same title line, the same closing lines.
        for command in ["help", "frobnicate"] {
            let helpH = try haproxy.ask(command).split(separator: "\n"), helpL = try lb.ask(command).split(separator: "\n")
            #expect(helpL.first == helpH.first, "\(command)")
            #expect(Array(helpL.suffix(3)) == Array(helpH.suffix(3)), "\(command)")
        }

        // Levels: a user may look at tables (not at their contents) and not at sessions.
        for command in ["show sess", "show table be", "show table", "clear table be key 127.0.0.1", "clear table be",
                        "disable server be/s1", "show table be key 127.0.0.1"] {
            #expect(try lb.askAsUser(command) == haproxy.askAsUser(command), "\(command)")
        }

        // Clearing the table empties it in both.
        #expect(try lb.ask("clear table be") == haproxy.ask("clear table be"))
        #expect(try lb.ask("show table be") == haproxy.ask("show table be"))
        #expect(try lb.ask("show table be").contains("used:0"))

        await harness.stop()
        await s1.stop()
        await s2.stop()
        try? FileManager.default.removeItem(atPath: directory)
    }
}

enum RuntimeAPIInterop {
    static let haproxyPath = ["/usr/sbin/haproxy", "/usr/bin/haproxy"].first { FileManager.default.isExecutableFile(atPath: $0) }

    /// A proxy under test: its frontend port and its two stats sockets.
    struct Peer {
        var name: String
        var port: Int
        var admin: String
        var user: String

        func ask(_ command: String) throws -> String { try RuntimeAPITests.socat(admin, command + "\n") }
        func askAsUser(_ command: String) throws -> String { try RuntimeAPITests.socat(user, command + "\n") }
    }

    /// The configuration both run: one frontend, one backend of two servers with a stick table.
    static func config(_ peer: Peer, s1: Int, s2: Int) -> String {
        """
        global
            stats socket \(peer.admin) mode 600 level admin
            stats socket \(peer.user) mode 600 level user
        defaults
            mode http
            timeout connect 1s
            timeout client 10s
            timeout server 10s
        frontend fe
            bind 127.0.0.1:\(peer.port)
            default_backend be
        backend be
            balance roundrobin
            stick-table type ip size 100 expire 30m
            stick on src
            server s1 127.0.0.1:\(s1)
            server s2 127.0.0.1:\(s2)

        """
    }

    /// Polls `condition` every 20 ms for up to 10 s.
    static func waitFor(_ what: String, _ condition: () throws -> Bool) async throws {
        // Generous: at the start of a full run many peers (prometheus, haproxy, chromium) start at once on
        // two cores, and prometheus alone has taken more than 10 s to be ready then.
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline {
            if (try? condition()) == true { return }
            try await Task.sleep(for: .milliseconds(20))
        }
        throw RawClient.Failure(description: "timed out waiting for \(what)")
    }

    /// `pxname/svname` of each CSV row.
    static func rowNames(_ csv: String) -> [String] {
        csv.split(separator: "\n").dropFirst().map { $0.split(separator: ",", omittingEmptySubsequences: false).prefix(2).joined(separator: "/") }
    }

    static func info(_ text: String) -> [(String, String)] {
        text.split(separator: "\n").compactMap { line in
            guard let colon = line.range(of: ": ") else { return nil }
            return (String(line[..<colon.lowerBound]), String(line[colon.upperBound...]))
        }
    }

    /// A value's form: digits become `9` and letters `a`, so `0d 0h00m01s` and `1d 2h03m04s` compare equal.
    static func form(_ value: String) -> String {
        var text = ""
        for character in value {
            let mark: Character = character.isNumber ? "9" : character.isLetter ? "a" : character
            if text.last != mark || (mark != "9" && mark != "a") { text.append(mark) }
        }
        return text
    }

    /// The client sessions of a `show sess` answer (haproxy also lists its own CLI session).
    static func clientSessions(_ text: String) -> [Substring] {
        text.split(separator: "\n").filter { $0.contains(" proto=tcpv4 ") || $0.contains(" proto=tcpv6 ") }
    }

    /// The field names of a `show sess` or `show table` line: `id`, then each `name=` (and the names
    /// inside `name[...]`).
    static func shape(_ line: Substring) -> [String] {
        line.split(separator: " ").map { token -> String in
            if token.hasPrefix("0x"), token.hasSuffix(":") { return "id" }
            if let bracket = token.firstIndex(of: "["), token.firstIndex(of: "=").map({ $0 > bracket }) ?? true {
                let inner = token[token.index(after: bracket)...].dropLast()
                let names = inner.split(separator: ",").map { $0.split(separator: "=", maxSplits: 1).first.map(String.init) ?? "" }
                return String(token[..<bracket]) + "[" + names.joined(separator: ",") + "]"
            }
            return String(token.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false).first ?? "")
        }
    }

    static func field(_ name: String, _ line: Substring) -> String? {
        line.split(separator: " ").first { $0.hasPrefix(name + "=") }.map { String($0.dropFirst(name.count + 1)) }
    }

    /// `show servers state` of both: the same first two lines; per server the same count of fields and
    /// the same names, address, port, states and weights.
    static func compareServersState(_ haproxy: Peer, _ lb: Peer) throws {
        let h = try haproxy.ask("show servers state").split(separator: "\n"), l = try lb.ask("show servers state").split(separator: "\n")
        #expect(Array(l.prefix(2)) == Array(h.prefix(2)))
        #expect(l.count == h.count)
        for (rowH, rowL) in zip(h.dropFirst(2), l.dropFirst(2)) {
            let fieldsH = rowH.split(separator: " "), fieldsL = rowL.split(separator: " ")
            #expect(fieldsL.count == fieldsH.count)
            // be_name srv_id srv_name srv_addr srv_op_state srv_admin_state srv_uweight srv_iweight ... srv_port
            for index in [1, 2, 3, 4, 5, 6, 7, 8, 18] where index < min(fieldsH.count, fieldsL.count) {
                #expect(fieldsL[index] == fieldsH[index], "column \(index) of '\(rowL)' vs '\(rowH)'")
            }
        }
    }
}
