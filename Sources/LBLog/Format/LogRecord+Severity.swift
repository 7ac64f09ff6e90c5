extension LogRecord {
    /// HAProxy's notion of an error record, which `option log-separate-errors` logs at `err` instead of
    /// `info` and `option dontlog-normal` keeps: a redispatch, a termination caused by anything but a
    /// normal end or a local answer (first state character other than `-` and `L`), retries on an
    /// otherwise normal end, or an HTTP status of 500 and above.
    public var isError: Bool {
        LogRecordNumbers(self).isError(terminationCause: terminationState.utf8.first ?? UInt8(ascii: "-"))
    }
}
