import Testing
@testable import LBCore

struct IdleConnectionPurgeTests {
    /// `count` connections used at once, then all parked.
    static func burst(_ count: Int, into purge: inout IdleConnectionPurge, fromPool: Int = 0) {
        for index in 0..<count { purge.startedUsing(fromPool: index < fromPool) }
        for _ in 0..<count { purge.parked() }
    }

    @Test func aPoolThatTrafficKeepsUsingIsLeftAlone() {
        var purge = IdleConnectionPurge()
        Self.burst(10, into: &purge)
        for _ in 0..<5 {
            #expect(purge.purge() == 0)
            // The same ten are used again each period.
            Self.burst(10, into: &purge, fromPool: 10)
        }
        #expect(purge.idle == 10)
        #expect(purge.estimatedNeed == 10)
    }

    @Test func afterABurstThePoolShrinksByHalfTheExcessEachPeriod() {
        var purge = IdleConnectionPurge()
        Self.burst(100, into: &purge)
        // The first period saw the burst: the estimate follows it, nothing is closed.
        #expect(purge.purge() == 0)
        #expect(purge.estimatedNeed == 100)
        // Quiet periods: the estimate halves, and half of what exceeds it is closed each time.
        var closed: [Int] = []
        for _ in 0..<6 {
            let count = purge.purge()
            closed.append(count)
            for _ in 0..<count { purge.closedWhileIdle() }
        }
        #expect(closed == [0, 25, 25, 19, 13, 8])
        #expect(purge.idle == 10)
        #expect(purge.estimatedNeed == 1)
    }

    @Test func connectionsInUseAreNeverClosed() {
        var purge = IdleConnectionPurge()
        for _ in 0..<8 { purge.startedUsing(fromPool: false) }
        for _ in 0..<3 { purge.parked() }
        // 5 in use, 3 idle; whatever the estimate, at most the idle ones can go.
        for _ in 0..<10 {
            let count = purge.purge()
            #expect(count <= purge.idle)
            for _ in 0..<count { purge.closedWhileIdle() }
        }
        #expect(purge.used == 5)
        #expect(purge.idle == 0)
    }

    @Test func countsFollowTheConnections() {
        var purge = IdleConnectionPurge()
        purge.startedUsing(fromPool: false)
        purge.startedUsing(fromPool: false)
        purge.parked()
        purge.startedUsing(fromPool: true)
        #expect((purge.used, purge.idle, purge.maxUsed) == (2, 0, 2))
        purge.closedWhileUsed()
        purge.parked()
        #expect((purge.used, purge.idle) == (0, 1))
        purge.closedWhileIdle()
        #expect(purge.idle == 0)
    }
}
