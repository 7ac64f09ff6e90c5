import LBConfig
import Testing
@testable import LBCore

/// The exchange state machine alone, driven by a test clock: every timeout, what each one means, and how
/// each way of ending an exchange is reported.
struct ExchangeMachineTests {
    static let running = RetryPolicy.ServerState(running: true, runningServers: 2)

    static func frontendTimeouts(request: Int? = 5_000, keepAlive: Int? = 2_000, client: Int? = 30_000,
                                 tunnel: Int? = nil) -> Timeouts {
        var timeouts = Timeouts()
        timeouts.httpRequest = request
        timeouts.httpKeepAlive = keepAlive
        timeouts.client = client
        timeouts.tunnel = tunnel
        return timeouts
    }

    static func route(connect: Int? = 1_000, server: Int? = 3_000, queue: Int? = 4_000, retries: Int = 0,
                      redispatch: Int? = nil, retryOn: RetryConditions = RetryConditions(), bodyless: Bool = true,
                      mode: HTTPConnectionMode = .keepAlive, clientWantsClose: Bool = false,
                      wantsUpgrade: Bool = false) -> ExchangeRoute {
        var timeouts = Timeouts()
        timeouts.connect = connect
        timeouts.server = server
        timeouts.queue = queue
        let policy = RetryPolicy(retries: retries, redispatchInterval: redispatch, pauseMilliseconds: 1_000, rotates: false)
        return ExchangeRoute(policy: ExchangePolicy(timeouts: timeouts, retryPolicy: policy, retryOn: retryOn), mode: mode,
                             requestBodyless: bodyless, clientWantsClose: clientWantsClose, wantsUpgrade: wantsUpgrade)
    }

    /// A machine whose request head is complete and routed, with the clock at the routing.
    static func routed(_ route: ExchangeRoute = route(), clock: inout TestClock,
                       timeouts: Timeouts = frontendTimeouts()) -> ExchangeMachine {
        var machine = ExchangeMachine(acceptedAt: clock.now, timeouts: timeouts)
        clock.advance(milliseconds: 1)
        machine.requestStarted(now: clock.now)
        clock.advance(milliseconds: 1)
        machine.headComplete(now: clock.now)
        machine.routed(route)
        machine.serverChosen(now: clock.now, persistent: false)
        return machine
    }

    /// Advances the clock to just before `milliseconds` and checks nothing expires, then to the instant.
    static func expiry(of machine: inout ExchangeMachine, after milliseconds: Int, clock: inout TestClock)
        -> (expired: TimeoutKind, action: ExchangeAction)? {
        clock.advance(milliseconds: milliseconds - 1)
        #expect(machine.timerFired(now: clock.now, server: running) == nil)
        clock.advance(milliseconds: 1)
        return machine.timerFired(now: clock.now, server: running)
    }

    // MARK: Every timeout

    @Test func httpRequestRunsFromTheAcceptForTheFirstRequest() {
        var clock = TestClock()
        var machine = ExchangeMachine(acceptedAt: clock.now, timeouts: Self.frontendTimeouts(request: 5_000))
        clock.advance(milliseconds: 3_000)
        machine.requestStarted(now: clock.now)
        // Bytes of the head do not move `timeout http-request`: it bounds the whole head.
        machine.clientActivity(now: clock.now)
        let fired = Self.expiry(of: &machine, after: 2_000, clock: &clock)
        #expect(fired?.expired == .requestHead)
        #expect(fired?.action == .answerError(status: 408, .by(.clientTimeout, .request)))
        #expect(machine.state == .closing)
    }

    @Test func httpRequestRunsFromTheFirstByteForLaterRequests() {
        var clock = TestClock()
        var machine = Self.routed(clock: &clock)
        machine.exchangeEnded(now: clock.now, keep: true)
        clock.advance(milliseconds: 1_500)
        machine.requestStarted(now: clock.now)
        #expect(machine.deadline.kind == .requestHead)
        let fired = Self.expiry(of: &machine, after: 5_000, clock: &clock)
        #expect(fired?.action == .answerError(status: 408, .by(.clientTimeout, .request)))
    }

    @Test func httpKeepAliveClosesAnIdleConnectionSilently() {
        var clock = TestClock()
        var machine = Self.routed(clock: &clock)
        machine.exchangeEnded(now: clock.now, keep: true)
        #expect(machine.state == .idle)
        #expect(machine.requestsServed == 1)
        let fired = Self.expiry(of: &machine, after: 2_000, clock: &clock)
        #expect(fired?.expired == .keepAlive)
        #expect(fired?.action == .close)
    }

    @Test func httpKeepAliveFallsBackToHttpRequest() {
        var clock = TestClock()
        var machine = Self.routed(clock: &clock, timeouts: Self.frontendTimeouts(request: 700, keepAlive: nil))
        machine.exchangeEnded(now: clock.now, keep: true)
        #expect(Self.expiry(of: &machine, after: 700, clock: &clock)?.action == .close)
    }

    @Test func queueTimeoutAnswers503sQ() {
        var clock = TestClock()
        var machine = Self.routed(Self.route(queue: 4_000), clock: &clock)
        machine.queued(position: 3, now: clock.now)
        #expect(machine.state == .queued)
        #expect(machine.progress?.queuePosition == 3)
        let fired = Self.expiry(of: &machine, after: 4_000, clock: &clock)
        #expect(fired?.expired == .queue)
        #expect(fired?.action == .answerError(status: 503, .by(.serverTimeout, .queue)))
    }

    @Test func queueTimeoutFallsBackToConnect() {
        var clock = TestClock()
        var machine = Self.routed(Self.route(connect: 1_200, queue: nil), clock: &clock)
        machine.queued(position: 0, now: clock.now)
        #expect(Self.expiry(of: &machine, after: 1_200, clock: &clock)?.expired == .queue)
    }

    @Test func connectTimeoutRetriesThenAnswers503sC() {
        var clock = TestClock()
        var machine = Self.routed(Self.route(connect: 1_000, retries: 1), clock: &clock)
        let first = machine.connectStarted(now: clock.now)
        // A connect that timed out has already spent its time: the retry goes at once.
        let retry = Self.expiry(of: &machine, after: 1_000, clock: &clock)
        #expect(retry?.expired == .connect)
        #expect(retry?.action == .retrySameServer(afterMilliseconds: 0))
        #expect(machine.progress?.retriesDone == 1)
        #expect(machine.deadline.kind == nil)
        #expect(machine.retryDue(serverRunning: true) == .reconnect)
        let second = machine.connectStarted(now: clock.now)
        #expect(second == first + 1)
        let last = Self.expiry(of: &machine, after: 1_000, clock: &clock)
        #expect(last?.action == .answerError(status: 503, .by(.serverTimeout, .connect)))
    }

    @Test func connectTimeoutRedispatchesAwayFromADownServer() {
        var clock = TestClock()
        var machine = Self.routed(Self.route(connect: 1_000, retries: 3, redispatch: -1), clock: &clock)
        _ = machine.connectStarted(now: clock.now)
        clock.advance(milliseconds: 1_000)
        let fired = machine.timerFired(now: clock.now, server: RetryPolicy.ServerState(running: false, runningServers: 1))
        #expect(fired?.action == .redispatch(countsRetry: true))
        #expect(machine.progress?.redispatched == true)
    }

    @Test func serverTimeoutBeforeTheHeadAnswers504sH() {
        var clock = TestClock()
        var machine = Self.routed(Self.route(server: 3_000), clock: &clock)
        _ = machine.connectStarted(now: clock.now)
        clock.advance(milliseconds: 10)
        machine.connected(now: clock.now, reused: false)
        #expect(machine.deadline.kind == .server)
        let fired = Self.expiry(of: &machine, after: 3_000, clock: &clock)
        #expect(fired?.action == .answerError(status: 504, .by(.serverTimeout, .headers)))
    }

    @Test func serverTimeoutIsRetriedWithRetryOnResponseTimeout() {
        var clock = TestClock()
        var conditions = RetryConditions()
        conditions.responseTimeout = true
        var machine = Self.routed(Self.route(server: 3_000, retries: 2, retryOn: conditions), clock: &clock)
        machine.connected(now: clock.now, reused: false)
        let fired = Self.expiry(of: &machine, after: 3_000, clock: &clock)
        #expect(fired?.action == .retrySameServer(afterMilliseconds: 0))
        #expect(machine.state == .connecting)
    }

    @Test func serverTimeoutDuringTheBodyCutsWithsD() {
        var clock = TestClock()
        var machine = Self.routed(Self.route(server: 3_000), clock: &clock)
        machine.connected(now: clock.now, reused: false)
        machine.serverActivity(now: clock.now)
        #expect(machine.responseHead(status: 200, serverKeepsAlive: true, untilClose: false, now: clock.now,
                                     server: Self.running) == .relay)
        // Response bytes keep `timeout server` from running out.
        clock.advance(milliseconds: 2_500)
        machine.serverActivity(now: clock.now)
        let fired = Self.expiry(of: &machine, after: 3_000, clock: &clock)
        #expect(fired?.action == .abort(.by(.serverTimeout, .data)))
    }

    @Test func clientTimeoutDuringAnUploadCutsWithcD() {
        var clock = TestClock()
        var machine = Self.routed(Self.route(bodyless: false), clock: &clock,
                                  timeouts: Self.frontendTimeouts(client: 2_000))
        machine.connected(now: clock.now, reused: false)
        #expect(machine.deadline.kind == .client)
        clock.advance(milliseconds: 1_500)
        machine.clientActivity(now: clock.now)
        let fired = Self.expiry(of: &machine, after: 2_000, clock: &clock)
        #expect(fired?.expired == .client)
        #expect(fired?.action == .abort(.by(.clientTimeout, .data)))
    }

    @Test func theWholeBodyHandsTheTimerToTheServer() {
        var clock = TestClock()
        var machine = Self.routed(Self.route(server: 3_000, bodyless: false), clock: &clock)
        machine.connected(now: clock.now, reused: false)
        #expect(machine.requestBodyProgress(started: true, complete: true, now: clock.now) == .none)
        #expect(machine.deadline.kind == .server)
        #expect(Self.expiry(of: &machine, after: 3_000, clock: &clock)?.expired == .server)
    }

    @Test func tunnelTimeoutCutsAnIdleTunnel() {
        var clock = TestClock()
        var machine = Self.routed(Self.route(wantsUpgrade: true), clock: &clock,
                                  timeouts: Self.frontendTimeouts(tunnel: 60_000))
        machine.connected(now: clock.now, reused: false)
        #expect(machine.responseHead(status: 101, serverKeepsAlive: false, untilClose: false, now: clock.now,
                                     server: Self.running) == .switchProtocols)
        #expect(machine.state == .tunnel)
        clock.advance(milliseconds: 59_000)
        machine.serverActivity(now: clock.now)
        clock.advance(milliseconds: 59_000)
        machine.clientActivity(now: clock.now)
        let fired = Self.expiry(of: &machine, after: 60_000, clock: &clock)
        #expect(fired?.expired == .tunnel)
        #expect(fired?.action == .abort(.by(.clientTimeout, .data)))
    }

    @Test func tarpitAnswersWhenTimeoutTarpitRunsOut() {
        var clock = TestClock()
        var timeouts = Self.frontendTimeouts()
        timeouts.tarpit = 2_000
        var machine = ExchangeMachine(acceptedAt: clock.now, timeouts: timeouts)
        machine.requestStarted(now: clock.now)
        machine.headComplete(now: clock.now)
        machine.holdInTarpit(status: 429, now: clock.now)
        // Nothing more is read from a tarpitted client.
        #expect(machine.state == .closing)
        let fired = Self.expiry(of: &machine, after: 2_000, clock: &clock)
        #expect(fired?.expired == .tarpit)
        #expect(fired?.action == .answerError(status: 429, .by(.proxy, .tarpit)))
    }

    @Test func tarpitFallsBackToTimeoutConnect() {
        var clock = TestClock()
        var timeouts = Self.frontendTimeouts()
        timeouts.connect = 700
        var machine = ExchangeMachine(acceptedAt: clock.now, timeouts: timeouts)
        machine.requestStarted(now: clock.now)
        machine.holdInTarpit(status: 500, now: clock.now)
        #expect(Self.expiry(of: &machine, after: 700, clock: &clock)?.action == .answerError(status: 500, .by(.proxy, .tarpit)))
    }

    @Test func inspectDelayEndsTheWaitForTheFirstBytes() {
        var clock = TestClock()
        var machine = ExchangeMachine(acceptedAt: clock.now, timeouts: Self.frontendTimeouts())
        machine.streamAccepted(now: clock.now)
        machine.inspecting(milliseconds: 5_000, now: clock.now)
        let fired = Self.expiry(of: &machine, after: 5_000, clock: &clock)
        #expect(fired?.expired == .inspect)
        #expect(fired?.action == .inspectionOver)
        // Bytes that decide early stop the wait.
        var early = ExchangeMachine(acceptedAt: clock.now, timeouts: Self.frontendTimeouts())
        early.streamAccepted(now: clock.now)
        early.inspecting(milliseconds: 5_000, now: clock.now)
        early.inspectionDone()
        #expect(early.deadline.kind == nil)
    }

    @Test func noTimeoutConfiguredMeansNoDeadline() {
        var clock = TestClock()
        var machine = ExchangeMachine(acceptedAt: clock.now, timeouts: Timeouts())
        #expect(machine.deadline.kind == nil)
        clock.advance(milliseconds: 3_600_000)
        #expect(machine.timerFired(now: clock.now, server: Self.running) == nil)
    }

    @Test func aStreamConnectsUnderTimeoutConnectThenRunsUnderTimeoutTunnel() {
        var clock = TestClock()
        var machine = ExchangeMachine(acceptedAt: clock.now, timeouts: Self.frontendTimeouts(client: 4_000))
        machine.streamAccepted(now: clock.now)
        var timeouts = Timeouts()
        timeouts.connect = 1_000
        let policy = RetryPolicy(retries: 0, redispatchInterval: nil, pauseMilliseconds: 1_000, rotates: false)
        machine.routed(.stream(ExchangePolicy(timeouts: timeouts, retryPolicy: policy)))
        machine.serverChosen(now: clock.now, persistent: false)
        _ = machine.connectStarted(now: clock.now)
        #expect(machine.deadline.kind == .connect)
        clock.advance(milliseconds: 20)
        machine.streamConnected(now: clock.now)
        #expect(machine.state == .tunnel)
        // No `timeout tunnel`: the larger of client (4 s) and server (none) bounds an idle stream.
        let fired = Self.expiry(of: &machine, after: 4_000, clock: &clock)
        #expect(fired?.expired == .tunnel)
        #expect(fired?.action == .abort(.by(.clientTimeout, .data)))
        #expect(machine.timings.logTimers(end: clock.now, answeredLocally: false).connect == 20)
    }

    @Test func aStreamPassesEndsOnAndNamesTheConnectPhase() {
        var clock = TestClock()
        let policy = RetryPolicy(retries: 0, redispatchInterval: nil, pauseMilliseconds: 1_000, rotates: false)
        func stream() -> ExchangeMachine {
            var machine = ExchangeMachine(acceptedAt: clock.now, timeouts: Self.frontendTimeouts())
            machine.streamAccepted(now: clock.now)
            machine.routed(.stream(ExchangePolicy(timeouts: Timeouts(), retryPolicy: policy)))
            _ = machine.connectStarted(now: clock.now)
            return machine
        }
        // What the client sent before its FIN still goes to the server once connected.
        var early = stream()
        #expect(early.clientInputEnded() == .forwardClientEnd)
        var leaving = stream()
        #expect(leaving.clientClosed() == .clientGone(status: -1, .by(.clientAbort, .connect)))
        var failing = stream()
        #expect(failing.clientFailed() == .abort(.by(.clientAbort, .connect)))
        var flowing = stream()
        clock.advance(milliseconds: 1)
        flowing.streamConnected(now: clock.now)
        #expect(flowing.killed() == .abort(.by(.killed, .data)))
    }

    // MARK: How exchanges end

    @Test func aClientLeavingIsReportedByPhase() {
        var clock = TestClock()
        var reading = ExchangeMachine(acceptedAt: clock.now, timeouts: Self.frontendTimeouts())
        reading.requestStarted(now: clock.now)
        #expect(reading.clientClosed() == .clientGone(status: 400, .by(.clientAbort, .request)))

        var queued = Self.routed(clock: &clock)
        queued.queued(position: 0, now: clock.now)
        #expect(queued.clientClosed() == .clientGone(status: -1, .by(.clientAbort, .queue)))

        var waiting = Self.routed(clock: &clock)
        waiting.connected(now: clock.now, reused: false)
        #expect(waiting.clientClosed() == .clientGone(status: -1, .by(.clientAbort, .headers)))

        var relaying = Self.routed(clock: &clock)
        relaying.connected(now: clock.now, reused: false)
        _ = relaying.responseHead(status: 200, serverKeepsAlive: true, untilClose: false, now: clock.now, server: Self.running)
        #expect(relaying.clientClosed() == .clientGone(status: 200, .by(.clientAbort, .data)))

        var idle = ExchangeMachine(acceptedAt: clock.now, timeouts: Self.frontendTimeouts())
        #expect(idle.clientClosed() == .close)
    }

    @Test func aClientStoppingMidBodyAbortsButAfterItTheAnswerStillGoes() {
        var clock = TestClock()
        var uploading = Self.routed(Self.route(bodyless: false), clock: &clock)
        uploading.connected(now: clock.now, reused: false)
        #expect(uploading.clientInputEnded() == .abort(.by(.clientAbort, .data)))

        var sent = Self.routed(clock: &clock)
        sent.connected(now: clock.now, reused: false)
        #expect(sent.clientInputEnded() == .none)
        _ = sent.responseHead(status: 200, serverKeepsAlive: true, untilClose: false, now: clock.now, server: Self.running)
        #expect(sent.progress?.keepClient == false)
    }

    @Test func aPooledConnectionClosedUnderTheRequestIsReplacedOnce() {
        var clock = TestClock()
        var machine = Self.routed(clock: &clock)
        _ = machine.reuseStarted()
        machine.connected(now: clock.now, reused: true)
        #expect(machine.serverClosed(server: Self.running) == .reconnect)
        machine.connected(now: clock.now, reused: false)
        #expect(machine.serverClosed(server: Self.running) == .answerError(status: 502, .by(.serverAbort, .headers)))
    }

    @Test func anEmptyResponseIsRetriedOnlyWithRetryOn() {
        var clock = TestClock()
        var conditions = RetryConditions()
        conditions.emptyResponse = true
        var retried = Self.routed(Self.route(retries: 1, retryOn: conditions), clock: &clock)
        retried.connected(now: clock.now, reused: false)
        #expect(retried.serverClosed(server: Self.running) == .retrySameServer(afterMilliseconds: 0))

        var bodied = Self.routed(Self.route(retries: 1, retryOn: conditions, bodyless: false), clock: &clock)
        bodied.connected(now: clock.now, reused: false)
        _ = bodied.requestBodyProgress(started: true, complete: true, now: clock.now)
        // The body went out once: the request cannot be sent again.
        #expect(bodied.serverClosed(server: Self.running) == .answerError(status: 502, .by(.serverAbort, .headers)))
    }

    @Test func aRetryOnStatusForgetsTheFailedAnswer() {
        var clock = TestClock()
        var conditions = RetryConditions()
        conditions.statuses = [503]
        var machine = Self.routed(Self.route(retries: 1, retryOn: conditions), clock: &clock)
        machine.connected(now: clock.now, reused: false)
        machine.serverActivity(now: clock.now)
        let step = machine.responseHead(status: 503, serverKeepsAlive: true, untilClose: false, now: clock.now,
                                        server: Self.running)
        #expect(step == .retry(.retrySameServer(afterMilliseconds: 0)))
        #expect(machine.progress?.receivedResponseBytes == false)
        machine.connected(now: clock.now, reused: false)
        // No retry left: the second 503 is the answer.
        #expect(machine.responseHead(status: 503, serverKeepsAlive: true, untilClose: false, now: clock.now,
                                     server: Self.running) == .relay)
    }

    @Test func aResponseWithoutLengthEndsWhenTheServerCloses() {
        var clock = TestClock()
        var machine = Self.routed(clock: &clock)
        machine.connected(now: clock.now, reused: false)
        _ = machine.responseHead(status: 200, serverKeepsAlive: false, untilClose: true, now: clock.now, server: Self.running)
        #expect(machine.progress?.keepClient == false)
        #expect(machine.serverClosed(server: Self.running) == .finish)
        #expect(machine.finishKeepsClient == false)
    }

    @Test func aTruncatedResponseIsCutWithSD() {
        var clock = TestClock()
        var machine = Self.routed(clock: &clock)
        machine.connected(now: clock.now, reused: false)
        _ = machine.responseHead(status: 200, serverKeepsAlive: true, untilClose: false, now: clock.now, server: Self.running)
        #expect(machine.responseBodyProgress(complete: false, overran: false) == .none)
        #expect(machine.serverInputEnded(server: Self.running) == .abort(.by(.serverAbort, .data)))
    }

    @Test func keepAliveNeedsTheClientTheModeAndNoStop() {
        var clock = TestClock()
        for (route, draining, keeps) in [(Self.route(), false, true), (Self.route(mode: .close), false, false),
                                         (Self.route(clientWantsClose: true), false, false), (Self.route(), true, false)] {
            var machine = Self.routed(route, clock: &clock)
            if draining { machine.drain() }
            machine.connected(now: clock.now, reused: false)
            _ = machine.responseHead(status: 200, serverKeepsAlive: true, untilClose: false, now: clock.now, server: Self.running)
            #expect(machine.responseBodyProgress(complete: true, overran: false) == .finish)
            #expect(machine.finishKeepsClient == keeps)
        }
    }

    @Test func aStopClosesAnIdleConnectionOnlyOnceItIsQuiet() {
        var clock = TestClock()
        var machine = Self.routed(clock: &clock)
        machine.exchangeLogged(end: clock.now)
        machine.exchangeEnded(now: clock.now, keep: true)
        machine.drain()
        let quietAt = clock.now + ExchangeMachine.drainQuietPeriod
        #expect(machine.quietCheck(now: clock.now) == .checkAgain(at: quietAt))
        clock.advance(milliseconds: 1_000)
        #expect(machine.quietCheck(now: clock.now) == .closeNow)
    }

    @Test func timingsFollowTheEvents() {
        var clock = TestClock()
        var machine = ExchangeMachine(acceptedAt: clock.now, timeouts: Self.frontendTimeouts())
        clock.advance(milliseconds: 5)
        machine.requestStarted(now: clock.now)
        clock.advance(milliseconds: 2)
        machine.headComplete(now: clock.now)
        machine.routed(Self.route())
        clock.advance(milliseconds: 3)
        machine.serverChosen(now: clock.now, persistent: false)
        _ = machine.connectStarted(now: clock.now)
        clock.advance(milliseconds: 7)
        machine.connected(now: clock.now, reused: false)
        clock.advance(milliseconds: 11)
        _ = machine.responseHead(status: 200, serverKeepsAlive: true, untilClose: false, now: clock.now, server: Self.running)
        clock.advance(milliseconds: 13)
        let timers = machine.timings.logTimers(end: clock.now, answeredLocally: false)
        #expect(timers.idle == 5)
        #expect(timers.request == 2)
        #expect(timers.queue == 3)
        #expect(timers.connect == 7)
        #expect(timers.response == 11)
        #expect(timers.active == 36)
    }
}

/// An idle keep-alive connection holds one machine: what it keeps inline is memory per connection.
struct ExchangeMachineSizeTests {
    @Test func theMachineStaysSmall() {
        // The frontend's and backend's settings are shared by reference, not copied into each machine.
        #expect(MemoryLayout<ExchangeProgress>.size <= 64, "\(MemoryLayout<ExchangeProgress>.size)")
        #expect(MemoryLayout<ExchangeMachine>.size <= 256, "\(MemoryLayout<ExchangeMachine>.size)")
    }
}
