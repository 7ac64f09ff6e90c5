import LBShared
import Testing

struct ExpositionTests {
    /// A counter with and without labels, a gauge with an extra label, a histogram, and a family without
    /// samples.
    static func write(_ format: PrometheusFormat, wants: @escaping (String) -> Bool = { _ in true }) -> String {
        var e = Exposition(format: format, capacity: 64, wants: wants)
        let labels = Exposition.label("proxy", "be")
        e.family("x_requests_total", "Requests.", .counter)
        e.sample([], 3)
        e.sample(labels, -1)
        e.family("x_status", "Status.", .gauge)
        e.sample(labels, extra: #"state="UP""#, 1)
        e.family("x_empty_total", "Never sampled.", .counter)
        e.family("x_time_seconds", "Times.", .histogram)
        e.histogram(labels, counts: [1, 0, 2], sumMicroseconds: 2_501_500,
                    bucketLabels: Exposition.bucketLabels(HistogramLayout(boundsMicroseconds: [1_000, 2_500_000])))
        e.histogram([], counts: [0, 0, 0], sumMicroseconds: 0,
                    bucketLabels: Exposition.bucketLabels(HistogramLayout(boundsMicroseconds: [1_000, 2_500_000])))
        return String(decoding: e.finish(), as: UTF8.self)
    }

    static let samples = """
        x_requests_total 3
        x_requests_total{proxy="be"} -1
        # HELP x_status Status.
        # TYPE x_status gauge
        x_status{proxy="be",state="UP"} 1
        # HELP x_time_seconds Times.
        # TYPE x_time_seconds histogram
        x_time_seconds_bucket{proxy="be",le="0.001"} 1
        x_time_seconds_bucket{proxy="be",le="2.5"} 1
        x_time_seconds_bucket{proxy="be",le="+Inf"} 3
        x_time_seconds_sum{proxy="be"} 2.5015
        x_time_seconds_count{proxy="be"} 3
        x_time_seconds_bucket{le="0.001"} 0
        x_time_seconds_bucket{le="2.5"} 0
        x_time_seconds_bucket{le="+Inf"} 0
        x_time_seconds_sum 0
        x_time_seconds_count 0

        """

    @Test func text004() {
        #expect(Self.write(.text004) == "# HELP x_requests_total Requests.\n# TYPE x_requests_total counter\n" + Self.samples)
    }

    /// OpenMetrics names a counter family without its `_total` and ends with `# EOF`.
    @Test func openMetrics() {
        #expect(Self.write(.openMetrics) == "# HELP x_requests Requests.\n# TYPE x_requests counter\n" + Self.samples + "# EOF\n")
    }

    @Test func filteredFamiliesLeaveNoTrace() {
        let text = Self.write(.text004) { $0 != "x_requests_total" && $0 != "x_time_seconds" }
        #expect(text == """
            # HELP x_status Status.
            # TYPE x_status gauge
            x_status{proxy="be",state="UP"} 1

            """)
    }

    @Test func familyReportsWhetherItIsWritten() {
        var e = Exposition(format: .text004) { $0.hasPrefix("keep") }
        let kept = e.family("keep_me", "Kept.", .gauge)
        let dropped = e.family("drop_me", "Dropped.", .gauge)
        e.sample([], 1)
        #expect(kept && !dropped)
        #expect(e.finish().isEmpty)
    }

    @Test func nothingWrittenIsEmptyInTextAndEOFInOpenMetrics() {
        var text = Exposition(format: .text004)
        let textBytes = text.finish()
        var open = Exposition(format: .openMetrics)
        let openBytes = open.finish()
        #expect(textBytes.isEmpty)
        #expect(String(decoding: openBytes, as: UTF8.self) == "# EOF\n")
    }

    @Test(arguments: [
        ("plain", #"n="plain""#),
        (#"a"b"#, #"n="a\"b""#),
        (#"a\b"#, #"n="a\\b""#),
        ("a\nb", #"n="a\nb""#),
        ("tab\there é", "n=\"tab\there é\""),
        ("", #"n="""#),
    ] as [(String, String)])
    func labelValuesAreEscaped(value: String, expected: String) {
        #expect(String(decoding: Exposition.label("n", value), as: UTF8.self) == expected)
    }

    @Test func labelsAreJoinedInOrder() {
        #expect(String(decoding: Exposition.labels(["b": "1", "a": "\""]), as: UTF8.self) == #"b="1",a="\"""#)
        #expect(Exposition.labels([:]).isEmpty)
    }

    @Test func bucketLabelsCarryTheClosingBrace() {
        let labels = Exposition.bucketLabels(.defaultLatency).map { String(decoding: $0, as: UTF8.self) }
        #expect(labels.first == #"le="0.001"} "#)
        #expect(labels.last == #"le="+Inf"} "#)
        #expect(labels.count == HistogramLayout.defaultLatency.bucketCount)
    }
}
