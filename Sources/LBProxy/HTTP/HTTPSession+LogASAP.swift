import LBCore
extension HTTPSession {
    /// `option logasap`: sends the request's record as soon as its response head is on its way to the
    /// client, instead of after the last body byte. Ta, Tt and the bytes to the client are then the values
    /// so far (the record says so, and they print with a `+`); `headBytes` is the head being written, not
    /// yet counted. The end of the exchange still updates the metrics but sends no second record.
    func logAsSoonAsPossible(status: Int, headBytes: Int) {
        guard frontend.plan.logging.logASAP, !machine.recordSent, machine.timings.requestStart != 0, let receiver = runtime.accessLog else { return }
        numberRequestIfNeeded()
        var logRecord = buildRecord(status: status, termination: .normal, serverName: nil, end: monotonicNow())
        logRecord.bytesToClient += Int64(headBytes)
        completeUniqueID(&logRecord)
        machine.recordSent = true
        receiver.record(logRecord, frontend: frontend.index, request: record.head, connection: connectionInfo)
    }
}
