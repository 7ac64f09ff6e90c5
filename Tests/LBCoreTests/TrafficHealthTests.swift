import LBConfig
import Testing
@testable import LBCore

/// Traffic-based health (`observe`): what counts as an error, the consecutive count, and `on-error`.
struct TrafficHealthTests {
    @Test(arguments: [
        (200, false), (302, false), (404, false), (499, false), (100, false),
        (500, true), (501, false), (502, true), (503, true), (504, true), (505, false), (599, true), (99, true),
    ])
    func layer7CountsServerErrorsButNot501Or505(status: Int, isError: Bool) {
        #expect(TrafficOutcome.response(status: status).isError(observing: .layer7) == isError)
        #expect(TrafficOutcome.response(status: status).isError(observing: .layer4) == nil)
    }

    @Test func eachLayerLooksAtItsOwnEvents() {
        #expect(TrafficOutcome.connected.isError(observing: .layer4) == false)
        #expect(TrafficOutcome.connected.isError(observing: .layer7) == nil)
        #expect(TrafficOutcome.connectFailed.isError(observing: .layer4) == true)
        #expect(TrafficOutcome.connectFailed.isError(observing: .layer7) == true)
        for outcome in [TrafficOutcome.invalidResponse, .closedBeforeResponse, .responseTimeout] {
            #expect(outcome.isError(observing: .layer7) == true)
            #expect(outcome.isError(observing: .layer4) == nil)
        }
    }

    @Test func descriptionsAreHAProxys() {
        #expect(TrafficOutcome.response(status: 500).description == "Wrong http response")
        #expect(TrafficOutcome.response(status: 200).description == "Correct http response")
        #expect(TrafficOutcome.connectFailed.description == "L4 unsuccessful connection")
        #expect(TrafficOutcome.invalidResponse.description == "Invalid http response (headers)")
    }

    @Test func consecutiveErrorsTripAtTheLimitAndStartOver() {
        var count = 0
        var trips: [Int] = []
        let errors = [true, true, true, true, false, true, true, true, true, true, true, true, true, true, true]
        for (index, isError) in errors.enumerated() {
            let (next, tripped) = ConsecutiveErrors.next(count: count, isError: isError, limit: 5)
            count = next
            if tripped { trips.append(index) }
        }
        // Four errors, a success that clears them, then ten errors: two trips, at the 5th and 10th.
        #expect(trips == [9, 14])
        #expect(count == 0)
    }

    @Test func limitOfOneTripsAtEachError() {
        #expect(ConsecutiveErrors.next(count: 0, isError: true, limit: 1) == (0, true))
        #expect(ConsecutiveErrors.next(count: 3, isError: false, limit: 1) == (0, false))
    }

    @Test func markDownTakesAnUpServerDownAtOnce() {
        var state = HealthState(rise: 2, fall: 3)
        _ = state.record(passed: true)
        #expect(state.status == .up)
        #expect(state.applyTrafficErrors(.markDown) == .wentDown)
        #expect(state.health == 0)
        #expect(state.applyTrafficErrors(.markDown) == nil)
        #expect(state.health == 0)
    }

    @Test func failCheckCountsOneFailedCheck() {
        var state = HealthState(rise: 2, fall: 3)
        _ = state.record(passed: true)
        #expect(state.applyTrafficErrors(.failCheck) == nil)
        #expect(state.status == .upGoingDown(2, of: 3))
        #expect(state.applyTrafficErrors(.failCheck) == nil)
        #expect(state.applyTrafficErrors(.failCheck) == .wentDown)
    }

    @Test func suddenDeathLeavesOneFailureToGo() {
        var state = HealthState(rise: 2, fall: 5)
        _ = state.record(passed: true)
        #expect(state.health == 6)
        #expect(state.applyTrafficErrors(.suddenDeath) == nil)
        #expect(state.status == .upGoingDown(1, of: 5))
        #expect(state.record(passed: false) == .wentDown)
    }

    @Test func fastInterChangesNoHealth() {
        var state = HealthState(rise: 2, fall: 3)
        _ = state.record(passed: true)
        #expect(state.applyTrafficErrors(.fastInter) == nil)
        #expect(state.status == .up)
    }
}
