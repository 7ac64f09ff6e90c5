/// The count of consecutive traffic errors behind `error-limit`: an error adds one, a success clears it,
/// and reaching the limit trips the `on-error` action and starts the count over.
public enum ConsecutiveErrors {
    /// The count after one counted outcome, and whether this outcome reached the limit.
    @inline(__always)
    public static func next(count: Int, isError: Bool, limit: Int) -> (count: Int, tripped: Bool) {
        guard isError else { return (0, false) }
        let reached = count + 1
        return reached >= max(1, limit) ? (0, true) : (reached, false)
    }
}
