import LBLog

/// Counters and latency histograms for one group of records (a frontend, backend, server, or a `--by`
/// combination).
public struct GroupStats: Sendable {
    public var requests = 0
    /// 5xx or a -1 timer.
    public var errors = 0
    public var serverErrors = 0
    public var aborted = 0
    /// Index 1...5 = 1xx...5xx, 0 = anything else (no status, TCP).
    public var statusClasses = [Int](repeating: 0, count: 6)
    public var bytes: Int64 = 0
    /// Ta, Tr, Tc, Tw, TR (`TimerKind` order).
    public var timers: [LogHistogram]
    /// halog `-srv` view: lines with all five timers set, and sums of Tc and Tr where set.
    public var completeLines = 0
    public var connectSum = 0, connectCount = 0, responseSum = 0, responseCount = 0

    public init(precisionBits: Int = 10) {
        timers = TimerKind.allCases.map { _ in LogHistogram(precisionBits: precisionBits) }
    }

    @inline(__always)
    public mutating func add(_ e: LogEntry, isError: Bool, aborted wasAborted: Bool) {
        addCounts(e, isError: isError, aborted: wasAborted)
        if e.timerCount > 0 {
            timers[0].record(Int(e.timeActive))
            timers[1].record(Int(e.timeResponse))
            timers[2].record(Int(e.timeConnect))
            timers[3].record(Int(e.timeQueue))
            timers[4].record(Int(e.timeRequest))
        }
    }

    /// Everything `add` does but the timer histograms.
    @inline(__always)
    mutating func addCounts(_ e: LogEntry, isError: Bool, aborted wasAborted: Bool) {
        requests += 1
        if isError { errors += 1 }
        if wasAborted { aborted += 1 }
        let status = Int(e.status)
        if status >= 500 && status < 600 { serverErrors += 1 }
        let statusClass = status >= 100 && status < 600 ? status / 100 : 0
        statusClasses[statusClass] += 1
        bytes += e.bytesRead
        if e.timerCount == 5 {
            if !wasAborted { completeLines += 1 }
            if e.timeConnect >= 0 { connectSum += Int(e.timeConnect); connectCount += 1 }
            if e.timeResponse >= 0 { responseSum += Int(e.timeResponse); responseCount += 1 }
        }
    }

    public mutating func merge(_ o: GroupStats) {
        requests += o.requests
        errors += o.errors
        serverErrors += o.serverErrors
        aborted += o.aborted
        for i in 0..<6 { statusClasses[i] += o.statusClasses[i] }
        bytes += o.bytes
        for i in 0..<timers.count { timers[i].merge(o.timers[i]) }
        completeLines += o.completeLines
        connectSum += o.connectSum
        connectCount += o.connectCount
        responseSum += o.responseSum
        responseCount += o.responseCount
    }

    public var errorRate: Double { requests == 0 ? 0 : Double(errors) / Double(requests) }
}
