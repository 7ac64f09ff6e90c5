import LBConfig
import Testing
@testable import LBCore

struct HealthStateTests {
    @Test func startsUpOneFailureFromDown() {
        var state = HealthState(rise: 2, fall: 3)
        #expect(state.isUp)
        #expect(state.health == 2)
        #expect(state.status == .upGoingDown(1, of: 3))
        #expect(state.record(passed: false) == .wentDown)
        #expect(state.status == .down)
    }

    @Test func firstPassMovesToTheTopThenFallFailuresGoDown() {
        var state = HealthState(rise: 2, fall: 3)
        #expect(state.record(passed: true) == nil)
        #expect(state.status == .up)
        #expect(state.health == 4)
        var statuses: [String] = []
        var transitions: [HealthState.Transition?] = []
        for _ in 0..<3 {
            transitions.append(state.record(passed: false))
            statuses.append(state.status.description)
        }
        #expect(statuses == ["UP 2/3", "UP 1/3", "DOWN"])
        #expect(transitions == [nil, nil, .wentDown])
    }

    @Test func riseConsecutivePassesBringItUp() {
        var state = HealthState(rise: 3, fall: 2, initialHealth: 0)
        #expect(state.status == .down)
        var statuses: [String] = []
        var transitions: [HealthState.Transition?] = []
        for _ in 0..<4 {
            transitions.append(state.record(passed: true))
            statuses.append(state.status.description)
        }
        #expect(statuses == ["DOWN 1/3", "DOWN 2/3", "UP", "UP"])
        #expect(transitions == [nil, nil, .wentUp, nil])
    }

    struct Sequence: Sendable, CustomTestStringConvertible {
        var rise: Int
        var fall: Int
        var initial: Int?
        var results: String  // "+" pass, "-" fail
        var statuses: [String]
        var testDescription: String { "rise \(rise) fall \(fall) \(results)" }
    }

    static let sequences: [Sequence] = [
        // A failure while going up drops the counter back to 0.
        Sequence(rise: 3, fall: 3, initial: 0, results: "++-++", statuses: ["DOWN 1/3", "DOWN 2/3", "DOWN", "DOWN 1/3", "DOWN 2/3"]),
        // A pass while going down restores full health.
        Sequence(rise: 2, fall: 3, initial: 4, results: "--+-", statuses: ["UP 2/3", "UP 1/3", "UP", "UP 2/3"]),
        // Failures at 0 and passes at the top saturate.
        Sequence(rise: 1, fall: 1, initial: 0, results: "--++-", statuses: ["DOWN", "DOWN", "UP", "UP", "DOWN"]),
        Sequence(rise: 2, fall: 2, initial: nil, results: "+---++", statuses: ["UP", "UP 1/2", "DOWN", "DOWN", "DOWN 1/2", "UP"]),
    ]

    @Test(arguments: sequences)
    func sequencesOfResults(_ sequence: Sequence) {
        var state = HealthState(rise: sequence.rise, fall: sequence.fall, initialHealth: sequence.initial)
        let statuses = sequence.results.map { result -> String in
            _ = state.record(passed: result == "+")
            return state.status.description
        }
        #expect(statuses == sequence.statuses)
        #expect((0...state.top).contains(state.health))
    }

    @Test func intervalsFollowTheState() {
        var state = HealthState(rise: 2, fall: 2, initialHealth: 3)
        #expect(state.nextCheckInterval(inter: 2000, fastInter: 500, downInter: 10000) == 2000)
        _ = state.record(passed: false)
        #expect(state.nextCheckInterval(inter: 2000, fastInter: 500, downInter: 10000) == 500)
        _ = state.record(passed: false)
        #expect(state.nextCheckInterval(inter: 2000, fastInter: 500, downInter: 10000) == 10000)
        _ = state.record(passed: true)
        #expect(state.nextCheckInterval(inter: 2000, fastInter: 500, downInter: 10000) == 500)
        var server = ServerDeclaration(name: "s", host: "h", port: 1, location: Fixture.location(1))
        server.checkInterval = 1000
        server.downInterval = 5000
        #expect(state.nextCheckInterval(for: ServerPlan(declaration: server, index: 0)) == 1000)  // fastinter defaults to inter
    }

    @Test func forcedStates() {
        var state = HealthState(rise: 2, fall: 3)
        #expect(state.force(up: false) == .wentDown)
        #expect(state.force(up: false) == nil)
        #expect(state.force(up: true) == .wentUp)
        #expect(state.status == .up)
    }
}

struct HTTPCheckExpectationTests {
    static let rows: [([String], Int, Bool)] = [
        ([], 200, true), ([], 302, true), ([], 404, false), ([], 500, false), ([], 199, false),
        (["status", "200"], 200, true), (["status", "200"], 204, false),
        (["status", "200-399"], 301, true), (["status", "200-399"], 404, false),
        (["status", "200,204,300-302"], 204, true), (["status", "200,204,300-302"], 301, true), (["status", "200,204,300-302"], 303, false),
        (["!", "status", "500-599"], 404, true), (["!", "status", "500-599"], 503, false),
        (["rstatus", "^2"], 299, true), (["rstatus", "^2"], 302, false),
        (["!", "rstatus", "^5"], 200, true), (["!", "rstatus", "^5"], 502, false),
        (["string", "OK"], 200, true), (["string", "OK"], 500, false),
    ]

    @Test(arguments: rows)
    func verdict(_ expect: [String], _ status: Int, _ passes: Bool) {
        #expect(HTTPCheckExpectation.verdict(expect: expect, status: status) == passes)
    }

    @Test func statusOnlyAndErrors() throws {
        #expect(try HTTPCheckExpectation(["status", "200"]).isSupported)
        #expect(try HTTPCheckExpectation(["string", "OK"]).isSupported)
        #expect(try !HTTPCheckExpectation(["hdr", "name", "X"]).isSupported)
        #expect(throws: HTTPCheckExpectation.ParseError.self) { try HTTPCheckExpectation(["status"]) }
        #expect(throws: HTTPCheckExpectation.ParseError.self) { try HTTPCheckExpectation(["status", "300-200"]) }
        #expect(throws: HTTPCheckExpectation.ParseError.self) { try HTTPCheckExpectation(["rstatus", "("]) }
        #expect(throws: HTTPCheckExpectation.ParseError.self) { try HTTPCheckExpectation(["!"]) }
    }
}

struct ConnectionModeTests {
    static let rows: [(HTTPConnectionMode?, HTTPConnectionMode?, HTTPConnectionMode)] = [
        (nil, nil, .keepAlive),
        (.keepAlive, nil, .keepAlive),
        (nil, .serverClose, .serverClose),
        (.close, .keepAlive, .close),
        (.serverClose, .close, .close),
        (.keepAlive, .serverClose, .serverClose),
    ]

    @Test(arguments: rows)
    func strongerWins(_ frontend: HTTPConnectionMode?, _ backend: HTTPConnectionMode?, _ expected: HTTPConnectionMode) {
        #expect(HTTPConnectionMode.effective(frontend: frontend, backend: backend) == expected)
    }
}
