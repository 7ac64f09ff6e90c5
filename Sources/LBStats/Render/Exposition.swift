import LBShared

/// Writes metric families in the Prometheus text format (0.0.4) or OpenMetrics: `# HELP` and `# TYPE`
/// once per family, written lazily before its first sample so a family without samples leaves no trace.
struct Exposition {
    enum Kind { case counter, gauge, histogram }

    var out: TextBuffer
    let format: PrometheusFormat
    let query: PrometheusQuery
    private var pendingHeader: (name: String, help: String, kind: Kind)?
    private var currentName: [UInt8] = []
    private(set) var enabled = false

    init(format: PrometheusFormat, query: PrometheusQuery, capacity: Int) {
        self.out = TextBuffer(capacity: capacity)
        self.format = format
        self.query = query
    }

    /// Starts a family; returns false (and ignores its samples) when the `metrics=` filter drops it.
    @discardableResult
    mutating func family(_ name: String, _ help: String, _ kind: Kind) -> Bool {
        enabled = query.wants(name)
        pendingHeader = enabled ? (name, help, kind) : nil
        currentName = Array(name.utf8)
        return enabled
    }

    private mutating func writeHeaderIfNeeded() {
        guard let header = pendingHeader else { return }
        pendingHeader = nil
        var familyName = header.name
        if format == .openMetrics, header.kind == .counter, familyName.hasSuffix("_total") {
            familyName.removeLast(6)
        }
        out.append("# HELP ")
        out.append(familyName)
        out.append(byte: 32)
        out.append(header.help)
        out.append("\n# TYPE ")
        out.append(familyName)
        switch header.kind {
        case .counter: out.append(" counter\n")
        case .gauge: out.append(" gauge\n")
        case .histogram: out.append(" histogram\n")
        }
    }

    /// One sample: `labels` is the preformatted `proxy="..",server=".."` text (may be empty), `extra` an
    /// additional preformatted label such as `code="2xx"`.
    mutating func sample(_ labels: [UInt8], extra: String? = nil, suffix: String? = nil, _ value: Int) {
        guard enabled else { return }
        writeHeaderIfNeeded()
        startLine(labels, extra: extra, suffix: suffix)
        out.append(int: value)
        out.append(byte: 10)
    }

    mutating func sample(_ labels: [UInt8], extra: String? = nil, suffix: String? = nil, seconds microseconds: Int) {
        guard enabled else { return }
        writeHeaderIfNeeded()
        startLine(labels, extra: extra, suffix: suffix)
        out.append(SecondsFormat.string(microseconds: microseconds))
        out.append(byte: 10)
    }

    mutating func histogram(_ labels: [UInt8], _ histogram: HistogramSnapshot, bucketLabels: [[UInt8]]) {
        guard enabled else { return }
        writeHeaderIfNeeded()
        var cumulative = 0
        for (index, count) in histogram.counts.enumerated() {
            cumulative += count
            out.append(currentName)
            out.append("_bucket{")
            out.append(labels)
            if !labels.isEmpty { out.append(byte: UInt8(ascii: ",")) }
            out.append(bucketLabels[index])
            out.append(int: cumulative)
            out.append(byte: 10)
        }
        startLine(labels, extra: nil, suffix: "_sum")
        out.append(SecondsFormat.string(microseconds: histogram.sumMicroseconds))
        out.append(byte: 10)
        startLine(labels, extra: nil, suffix: "_count")
        out.append(int: cumulative)
        out.append(byte: 10)
    }

    private mutating func startLine(_ labels: [UInt8], extra: String?, suffix: String?) {
        out.append(currentName)
        if let suffix { out.append(suffix) }
        if labels.isEmpty && extra == nil {
            out.append(byte: 32)
            return
        }
        out.append(byte: UInt8(ascii: "{"))
        out.append(labels)
        if let extra {
            if !labels.isEmpty { out.append(byte: UInt8(ascii: ",")) }
            out.append(extra)
        }
        out.append("} ")
    }

    mutating func finish() -> [UInt8] {
        if format == .openMetrics { out.append("# EOF\n") }
        return out.bytes
    }

    /// `name="value"` with the exposition format's escapes (backslash, quote, newline).
    static func label(_ name: String, _ value: String) -> [UInt8] {
        var bytes = Array(name.utf8)
        bytes.append(contentsOf: "=\"".utf8)
        for byte in value.utf8 {
            switch byte {
            case UInt8(ascii: "\\"): bytes.append(contentsOf: "\\\\".utf8)
            case UInt8(ascii: "\""): bytes.append(contentsOf: "\\\"".utf8)
            case 10: bytes.append(contentsOf: "\\n".utf8)
            default: bytes.append(byte)
            }
        }
        bytes.append(UInt8(ascii: "\""))
        return bytes
    }
}
