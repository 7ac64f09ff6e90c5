/// One server's health as its checks see it (HAProxy's rise/fall counter).
///
/// The counter runs from 0 to `rise + fall - 1` and the server is UP when it is at least `rise`. A passed
/// check adds one and, once `rise` is reached, jumps to the top; a failed check takes one away and, once
/// below `rise`, drops to 0. So from the top `fall` consecutive failures take a server down, and from 0
/// `rise` consecutive passes bring it up.
///
/// A checked server starts UP with the counter at `rise` (HAProxy's choice): it is trusted until proven
/// otherwise, but its first failure takes it down, and its first success moves it to the top.
public struct HealthState: Sendable, Hashable {
    public let rise: Int
    public let fall: Int
    public internal(set) var health: Int

    /// What one check result changed.
    public enum Transition: Sendable, Hashable {
        case wentUp
        case wentDown
    }

    /// The four states shown on the stats page and in logs.
    public enum Status: Sendable, Hashable, CustomStringConvertible {
        case up
        /// UP but failing: `x` of `fall` failures still to go (x = health − rise + 1).
        case upGoingDown(Int, of: Int)
        case down
        /// DOWN but passing: `x` of `rise` passes done (x = health).
        case downGoingUp(Int, of: Int)

        public var description: String {
            switch self {
            case .up: "UP"
            case .upGoingDown(let x, let y): "UP \(x)/\(y)"
            case .down: "DOWN"
            case .downGoingUp(let x, let y): "DOWN \(x)/\(y)"
            }
        }
    }

    /// `initialHealth` defaults to `rise` (UP, one failure from DOWN); pass 0 to start DOWN.
    public init(rise: Int, fall: Int, initialHealth: Int? = nil) {
        self.rise = max(1, rise)
        self.fall = max(1, fall)
        let top = self.rise + self.fall - 1
        health = min(max(initialHealth ?? self.rise, 0), top)
    }

    public var top: Int { rise + fall - 1 }
    public var isUp: Bool { health >= rise }

    public var status: Status {
        if isUp { return health == top ? .up : .upGoingDown(health - rise + 1, of: fall) }
        return health == 0 ? .down : .downGoingUp(health, of: rise)
    }

    /// True while the server is between the stable states (going up or going down).
    public var isTransitioning: Bool { health != 0 && health != top }

    /// Records one check result and reports whether the server changed side.
    public mutating func record(passed: Bool) -> Transition? {
        let wasUp = isUp
        if passed {
            if health < top {
                health += 1
                if health >= rise { health = top }
            }
        } else if health > 0 {
            health -= 1
            if health < rise { health = 0 }
        }
        if wasUp != isUp { return isUp ? .wentUp : .wentDown }
        return nil
    }

    /// Forces the state (runtime `set server ... health up|down`).
    public mutating func force(up: Bool) -> Transition? {
        let wasUp = isUp
        health = up ? top : 0
        if wasUp != isUp { return isUp ? .wentUp : .wentDown }
        return nil
    }

    /// A server leaving maintenance comes back UP, but one failed check from DOWN, as in HAProxy: it is
    /// trusted until its next check says otherwise.
    public mutating func leaveMaintenance() -> Transition? {
        let wasUp = isUp
        health = rise
        return wasUp ? nil : .wentUp
    }

    /// Milliseconds until the next check: `inter` while stable UP, `fastinter` while going up or down,
    /// `downinter` while fully DOWN.
    public func nextCheckInterval(inter: Int, fastInter: Int, downInter: Int) -> Int {
        if health == 0 { return downInter }
        if health == top { return inter }
        return fastInter
    }

    /// The same, with a server's configured intervals.
    public func nextCheckInterval(for server: ServerPlan) -> Int {
        nextCheckInterval(inter: server.checkInterval, fastInter: server.fastInterval, downInter: server.downInterval)
    }
}
