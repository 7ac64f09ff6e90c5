/// The one deadline of a connection at a time: which timeout runs, and when it expires. Pure bookkeeping
/// on instants the caller passes in (monotonic nanoseconds), so a test clock drives it as well as the
/// event loop's.
///
/// An inactivity timeout (`timeout client`, `server`, `tunnel`...) moves forward with each transfer
/// (`touch`); `timeout http-request` bounds the whole head and does not.
public struct ExchangeDeadline: Sendable, Hashable {
    public private(set) var kind: TimeoutKind?
    /// When it expires (monotonic nanoseconds); meaningful while `kind` is set.
    public private(set) var instant: UInt64 = 0
    private var interval: UInt64 = 0

    public init() {}

    /// Starts `kind`, `milliseconds` from `now`; nil milliseconds means no limit (nothing runs).
    public mutating func set(_ kind: TimeoutKind, milliseconds: Int?, now: UInt64) {
        guard let milliseconds else {
            pause()
            return
        }
        self.kind = kind
        interval = UInt64(max(0, milliseconds)) &* 1_000_000
        instant = now &+ interval
    }

    /// Activity: push an inactivity deadline forward.
    public mutating func touch(now: UInt64) {
        guard let kind, kind != .requestHead else { return }
        instant = now &+ interval
    }

    /// Nothing runs until the next `set`.
    public mutating func pause() {
        kind = nil
    }

    /// The timeout that ran out by `now`, if any; it stops running once reported.
    public mutating func expired(now: UInt64) -> TimeoutKind? {
        guard let kind, now >= instant else { return nil }
        self.kind = nil
        return kind
    }

    /// When the running timeout expires, if one runs.
    public var pending: UInt64? { kind == nil ? nil : instant }
}
