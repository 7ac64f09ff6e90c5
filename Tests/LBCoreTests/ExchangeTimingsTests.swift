import LBConfig
import Testing
@testable import LBCore

struct ExchangeTimingsTests {
    static let ms: UInt64 = 1_000_000

    /// A proxied request: idle 5 ms, head in 2, queued 3, connected in 4, answered in 10, done at 30.
    static var proxied: ExchangeTimings {
        var timings = ExchangeTimings(idleSince: 1_000 * ms)
        timings.requestStart = 1_005 * ms
        timings.headDone = 1_007 * ms
        timings.serverChosen = 1_010 * ms
        timings.connected = 1_014 * ms
        timings.responseHead = 1_024 * ms
        return timings
    }

    @Test func logTimersFollowHAProxysDefinitions() {
        let timers = Self.proxied.logTimers(end: 1_035 * Self.ms + 999_999, answeredLocally: false)
        #expect(timers == .init(request: 2, queue: 3, connect: 4, response: 10, active: 30, idle: 5, handshake: 0, total: 35))
    }

    /// Th is the first request's only; Ti then counts from the end of the handshake, and Tt = Th + Ti + Ta.
    @Test func handshakeTimeIsTheFirstRequestsAndStartsItsIdleTime() {
        var machine = ExchangeMachine(acceptedAt: 1_000 * Self.ms, timeouts: .init())
        machine.handshakeCompleted(at: 1_012 * Self.ms, duration: 12 * Self.ms + 700_000)
        machine.timings.requestStart = 1_015 * Self.ms
        machine.timings.headDone = 1_016 * Self.ms
        let first = machine.timings.logTimers(end: 1_020 * Self.ms, answeredLocally: true)
        #expect((first.handshake, first.idle, first.active, first.total) == (12, 3, 5, 20))
        machine.exchangeLogged(end: 1_020 * Self.ms)
        machine.timings.requestStart = 1_021 * Self.ms
        #expect(machine.timings.logTimers(end: 1_022 * Self.ms, answeredLocally: true).handshake == 0)
        // A handshake reported once a request started changes nothing (it cannot happen: TLS comes first).
        machine.handshakeCompleted(at: 1_022 * Self.ms, duration: 22 * Self.ms)
        #expect(machine.timings.handshake == 0)
    }

    @Test func phasesNeverReachedAreMinusOne() {
        var timings = Self.proxied
        timings.responseHead = 0
        #expect(timings.logTimers(end: 1_040 * Self.ms, answeredLocally: false).response == -1)
        timings.connected = 0
        let noConnection = timings.logTimers(end: 1_040 * Self.ms, answeredLocally: false)
        #expect((noConnection.queue, noConnection.connect, noConnection.response) == (3, -1, -1))
        timings.serverChosen = 0
        let noServer = timings.logTimers(end: 1_040 * Self.ms, answeredLocally: false)
        #expect((noServer.queue, noServer.connect, noServer.response) == (-1, -1, -1))
        timings.headDone = 0
        #expect(timings.logTimers(end: 1_040 * Self.ms, answeredLocally: false).request == -1)
    }

    @Test func aLocalAnswerIsItsOwnResponse() {
        var timings = ExchangeTimings(idleSince: 1 * Self.ms)
        timings.requestStart = 1 * Self.ms
        timings.headDone = 2 * Self.ms
        #expect(timings.logTimers(end: 3 * Self.ms, answeredLocally: true).response == 0)
        #expect(timings.logTimers(end: 3 * Self.ms, answeredLocally: false).response == -1)
    }

    /// The histograms read the same instants: each log timer is its sample truncated to milliseconds.
    @Test func histogramSamplesAgreeWithTheLog() {
        let end = 1_035 * Self.ms + 456_789
        let timings = Self.proxied
        let samples = timings.histogramSamples(end: end)
        let timers = timings.logTimers(end: end, answeredLocally: false)
        #expect(samples.total == 30_456)
        #expect(samples.total / 1000 == timers.active)
        #expect(samples.connect.map { $0 / 1000 } == timers.connect)
        #expect(samples.response.map { $0 / 1000 } == timers.response)
        var unanswered = timings
        unanswered.responseHead = 0
        #expect(unanswered.histogramSamples(end: end).response == nil)
    }
}
