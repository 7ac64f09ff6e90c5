/// One message waiting for the writer: the formatted line (RFC 5424 structured data first, when any
/// target of the logger wants it), who sent it and at which level and time.
struct QueuedLogMessage: Sendable {
    /// Index of the logger (see `LogHandle`).
    var logger: Int
    var level: SyslogLevel
    /// Wall clock when the message was produced (the syslog header's date).
    var microseconds: Int64
    /// `structuredDataLength` bytes of SD element, then the message itself.
    var bytes: [UInt8]
    var structuredDataLength: Int
    /// The message is one JSON object: a `len` limit shortens its values instead of cutting its end.
    var isJSON = false

    var structuredData: ArraySlice<UInt8>? {
        structuredDataLength == 0 ? nil : bytes[0..<structuredDataLength]
    }
    var message: ArraySlice<UInt8> { bytes[structuredDataLength...] }

    /// What the message costs against the queue bound: its bytes plus a fixed overhead per entry.
    var cost: Int { bytes.count + 64 }
}
