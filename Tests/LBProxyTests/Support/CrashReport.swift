import Testing

/// The Swift runtime's report of a crash in what an lb process printed: the test that ran that lb fails
/// with it, even when the crash did not otherwise show (a worker, or a process stopped right after).
enum CrashReport {
    static func record(in text: String, of name: String) {
        guard let start = text.range(of: "*** Program crashed") ?? text.range(of: "Fatal error:") else { return }
        Issue.record("\(name) crashed:\n\(text[start.lowerBound...].prefix(20_000))")
    }
}
