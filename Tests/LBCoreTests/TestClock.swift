/// A monotonic clock the test moves by hand (nanoseconds, starting well above 0, which means "unset" in
/// `ExchangeTimings`).
struct TestClock {
    private(set) var now: UInt64 = 1_000_000_000

    mutating func advance(milliseconds: Int) {
        now += UInt64(milliseconds) * 1_000_000
    }
}
