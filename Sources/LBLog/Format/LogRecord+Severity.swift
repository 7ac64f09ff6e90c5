extension LogRecord {
    /// HAProxy's notion of an error record, which `option log-separate-errors` logs at `err` instead of
    /// `info` and `option dontlog-normal` keeps: a redispatch, a termination caused by anything but a
    /// normal end or a local answer (first state character other than `-` and `L`), retries on an
    /// otherwise normal end, or an HTTP status of 500 and above.
    public var isError: Bool {
        if redispatched { return true }
        let cause = terminationState.utf8.first ?? UInt8(ascii: "-")
        if cause != UInt8(ascii: "-") && cause != UInt8(ascii: "L") { return true }
        if cause == UInt8(ascii: "-") && retries > 0 { return true }
        return isHTTP && status >= 500
    }
}
