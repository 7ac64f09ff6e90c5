import Foundation
import Testing
@testable import LBLog
@testable import LBReport

/// A small log in every form lb writes: httplog behind a syslog prefix, CLF, JSON, tcplog; one bad line.
enum TailFixture {
    static let date = Int64(LogDate.days(year: 2026, month: 11, day: 25)) * 86_400_000 + (2 * 3600 + 40 * 60 + 29) * 1000 + 39

    static func record(_ index: Int, status: Int = 200, backend: String = "be_app") -> LogRecord {
        LogRecord(
            clientAddress: "10.0.0.1", clientPort: 40000 + index, acceptDateMilliseconds: date + Int64(index),
            requestDateMilliseconds: date + Int64(index), frontend: "fe_main", backend: backend, server: "web\(index % 2 + 1)",
            timeRequest: 0, timeQueue: 0, timeConnect: 1, timeResponse: 2, timeActive: index, status: status, bytesToClient: 100,
            terminationState: "----", activeConnections: 1, frontendConnections: 1, requestLine: "GET /r/\(index)?q=1 HTTP/1.1")
    }

    static var tcp: LogRecord {
        LogRecord(clientAddress: "10.0.0.2", clientPort: 5000, acceptDateMilliseconds: date, frontend: "fe_tcp", backend: "be_tcp",
                  server: "db1", timeQueue: 0, timeConnect: 1, timeTotal: 250, bytesToClient: 10, terminationState: "----", isHTTP: false)
    }

    /// The lines, and what `tail` prints for each record (text), in order.
    static var lines: (text: String, printed: [String]) {
        let httplog = "Nov 25 02:40:29 lbhost lb[1]: " + LogFormat.httplog.string(record(1))
        let clf = LogFormat.httplogCLF.string(record(2, status: 503, backend: "be_api"))
        let json = JSONRecordFormat.string(record(3))
        let tcplog = LogFormat.tcplog.string(tcp)
        let text = [httplog, clf, "not a log line", json, tcplog].joined(separator: "\n") + "\n"
        return (text, [
            "2026-11-25 02:40:29.040 fe_main be_app/web2 200 Ta=1ms ---- GET /r/1",
            "2026-11-25 02:40:29.041 fe_main be_api/web1 503 Ta=2ms ---- GET /r/2",
            "2026-11-25 02:40:29.042 fe_main be_app/web2 200 Ta=3ms ---- GET /r/3",
            "2026-11-25 02:40:29.039 fe_tcp be_tcp/db1 tcp Tt=250ms --",
        ])
    }
}

@Suite struct TailTests {
    @Test func textLinesAndFilters() throws {
        let path = writeTemp(TailFixture.lines.text, name: "tail.log")
        let tail = LogTail(paths: [path], fromStart: true)
        var printed: [UInt8] = []
        var unparsed: [LineError] = []
        let everything = TailPrinter()
        let errorsOnly = TailPrinter(format: .text, filters: [try FilterClause.parse("status>=500")])
        var errors: [UInt8] = []
        tail.poll { line in
            switch line.outcome {
            case .record:
                everything.append(line.entry, into: &printed)
                errorsOnly.append(line.entry, into: &errors)
            case .invalid(let reason): unparsed.append(reason)
            default: break
            }
        }
        #expect(String(decoding: printed, as: UTF8.self) == TailFixture.lines.printed.map { $0 + "\n" }.joined())
        #expect(String(decoding: errors, as: UTF8.self) == TailFixture.lines.printed[1] + "\n")
        #expect(unparsed == [.missingDate])
    }

    @Test func jsonLinesAreLbsJSONFormat() throws {
        let path = writeTemp(TailFixture.lines.text, name: "tail.log")
        let tail = LogTail(paths: [path], fromStart: true)
        var printed: [UInt8] = []
        let printer = TailPrinter(format: .json, filters: [try FilterClause.parse("backend=be_api")])
        tail.poll { line in if line.outcome == .record { printer.append(line.entry, into: &printed) } }
        let lines = String(decoding: printed, as: UTF8.self).split(separator: "\n")
        #expect(lines.count == 1)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(lines[0].utf8)) as? [String: Any])
        #expect(object["backend"] as? String == "be_api")
        #expect(object["status"] as? Int == 503)
        #expect(object["client_port"] as? Int == 40002)
        #expect(object["request_line"] as? String == "GET /r/2?q=1 HTTP/1.1")
    }
}

/// The `lblog tail` executable on a fixture: what the file holds with --from-start, then what is
/// appended while it runs; filters and JSON.
@Suite(.enabled(if: LBLogProcess.isBuilt, "the lblog executable is not built next to the tests"), .serialized)
struct TailCommandTests {
    @Test func tailFromStartThenFollows() throws {
        let fixture = TailFixture.lines
        let path = writeTemp(fixture.text, name: "access.log")
        let tail = try LBLogProcess(["tail", "--from-start", "--interval", "50ms", path])
        defer { tail.stop() }
        #expect(eventually { tail.outputLines.count >= fixture.printed.count })
        #expect(tail.outputLines == fixture.printed)
        appendText(LogFormat.httplog.string(TailFixture.record(7)) + "\n", to: path)
        let expected = fixture.printed + ["2026-11-25 02:40:29.046 fe_main be_app/web2 200 Ta=7ms ---- GET /r/7"]
        #expect(eventually { tail.outputLines.count >= expected.count })
        #expect(tail.outputLines == expected)
        #expect(tail.errors.contains("unparsable line (\(LineError.missingDate.rawValue)): not a log line"))
        #expect(tail.isRunning)
    }

    @Test func tailStartsAtTheEndWithFiltersAndJSON() throws {
        let path = writeTemp(TailFixture.lines.text, name: "access.log")
        let tail = try LBLogProcess(["tail", "--format", "json", "--filter", "status>=500", "--interval", "50ms", path])
        defer { tail.stop() }
        func ports() throws -> [Int] {
            try tail.outputLines.map { line in
                let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
                #expect((object?["status"] as? Int).map { $0 >= 500 } == true)
                return object?["client_port"] as? Int ?? -1
            }
        }
        // Nothing says when the child has reached the end of the file, so errors are appended (each
        // with a 200 that the filter drops) until one shows: those written before it opened the file
        // are behind its starting point and never print; every later one prints once, in order.
        var appended: [Int] = []
        for probe in 0..<50 where try ports().isEmpty {
            appended.append(40_100 + probe)
            appendText(LogFormat.httplog.string(TailFixture.record(100 + probe, status: 502)) + "\n"
                       + LogFormat.httplog.string(TailFixture.record(200 + probe)) + "\n", to: path)
            _ = eventually(timeout: 0.5) { !tail.outputLines.isEmpty }
        }
        let seen = try ports()
        #expect(!seen.isEmpty && Array(appended.suffix(seen.count)) == seen)
        appendText(LogFormat.httplog.string(TailFixture.record(300, status: 504)) + "\n", to: path)
        #expect(eventually { tail.outputLines.count > seen.count })
        #expect(try ports() == seen + [40_300])
        // The 503 that was in the file before the start never printed.
        #expect(!tail.output.contains("40002"))
    }

    @Test func badArgumentsExitWithStatus2() throws {
        let tail = try LBLogProcess(["tail", "--filter", "nonsense>1", "/nonexistent"])
        #expect(eventually { !tail.isRunning })
        tail.stop()
        #expect(tail.status == 2)
        #expect(tail.errors.contains("unknown field"))
    }
}
