/// What a selection snapshot is built from: for each server, whether it may take balanced traffic at all
/// (up and in READY) and its runtime weight. These change when a check, an operator or the runtime API
/// says so; the per-request facts (free connection slots, a server left out for a redispatch) are read
/// live at each pick instead.
public struct ServerStates: Equatable, Sendable {
    public var up: [Bool]
    public var weights: [Int]

    public init(up: [Bool], weights: [Int]) {
        precondition(up.count == weights.count, "one state and one weight per server")
        self.up = up
        self.weights = weights
    }

    /// The states as `availability` shows them now (usable counts as up).
    public init(_ availability: some ServerAvailability) {
        up = (0..<availability.count).map { availability.isUsable($0) }
        weights = (0..<availability.count).map { availability.weight($0) }
    }

    public var count: Int { up.count }
}
