import LBCore

/// What the current request's log record needs beyond its numbers: the head as received (before rules
/// rewrote it), the captures, its unique id and its process-wide number. Reset as one value when the
/// record has left.
struct RequestRecordFacts {
    /// The head as received, for the request line.
    var head: HTTPRequestHead?
    /// Header and cookie captures.
    var captured = CapturedValues()
    /// `unique-id-format`'s value, computed when the head arrived.
    var uniqueID: String?
    /// The request's process-wide number (`%rt`), when the frontend's formats print it.
    var number: Int64?
}
