import Testing
@testable import LBCore

/// When a starting node asks for the tables, whom, and when it stops waiting (milliseconds passed in).
@Suite struct PeerResyncTests {
    @Test func theFirstConnectedPeerIsAskedAndFinishedEndsIt() {
        var resync = PeerResync(now: 0, hasPeers: true)
        let asked1 = resync.shouldAsk("a", now: 10)
        #expect(asked1)
        let asked2 = resync.shouldAsk("b", now: 20)
        #expect(!asked2, "one lesson at a time")
        resync.ended(by: "b", finished: true, now: 30)
        #expect(resync.isLearning(from: "a"), "only the peer asked ends the lesson")
        resync.ended(by: "a", finished: true, now: 40)
        #expect(resync.isFinished)
        let asked3 = resync.shouldAsk("b", now: 50)
        #expect(!asked3)
    }

    @Test func aPartialLessonMeansAskingAnotherPeer() {
        var resync = PeerResync(now: 0, hasPeers: true)
        let asked4 = resync.shouldAsk("a", now: 0)
        #expect(asked4)
        resync.ended(by: "a", finished: false, now: 4000)
        let asked5 = resync.shouldAsk("a", now: 4100)
        #expect(!asked5, "a peer that was not up to date is not asked again")
        resync.expire(now: 8999)
        #expect(resync.state == .needed, "the wait starts again from the partial lesson")
        let asked6 = resync.shouldAsk("b", now: 8999)
        #expect(asked6)
    }

    @Test func aLostSessionLetsAnotherPeerTeach() {
        var resync = PeerResync(now: 0, hasPeers: true)
        let asked7 = resync.shouldAsk("a", now: 0)
        #expect(asked7)
        resync.lost("b")
        #expect(resync.isLearning(from: "a"))
        resync.lost("a")
        let asked8 = resync.shouldAsk("b", now: 100)
        #expect(asked8)
    }

    @Test func waitingStopsAfterFiveSecondsOrAtOnceWithoutPeers() {
        var resync = PeerResync(now: 1000, hasPeers: true)
        resync.expire(now: 5999)
        #expect(!resync.isFinished)
        resync.expire(now: 6000)
        #expect(resync.isFinished)
        let asked9 = resync.shouldAsk("a", now: 6000)
        #expect(!asked9)
        #expect(PeerResync(now: 0, hasPeers: false).isFinished)
    }
}
