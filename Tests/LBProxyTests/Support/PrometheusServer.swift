import Foundation
import LBTestSupport

/// A real Prometheus server (the Debian package) on loopback, with its own storage in a temporary folder,
/// queried through its HTTP API with curl.
final class PrometheusServer {
    static var path: String? { MetricsSupport.tool("prometheus") }

    let port: Int
    let directory: String
    private let process = ChildProcess()

    /// Starts Prometheus with `configuration` (YAML text, written next to its storage) and waits until it
    /// answers `/-/ready`.
    init(configuration: String, directory: String) async throws {
        self.directory = directory
        port = freePort()
        let configPath = directory + "/prometheus.yml"
        try configuration.write(toFile: configPath, atomically: true, encoding: .utf8)
        process.executableURL = URL(fileURLWithPath: Self.path!)
        process.arguments = ["--config.file=\(configPath)", "--storage.tsdb.path=\(directory)/data",
                             "--web.listen-address=127.0.0.1:\(port)", "--log.level=warn"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try ProcessLaunch.run(process)
        do {
            try await RuntimeAPIInterop.waitFor("prometheus to be ready") {
                (try? self.get("/-/ready"))?.contains("Ready") == true
            }
        } catch {
            // The caller gets no server to stop: stop it here, or it would outlive the test run.
            process.stop()
            throw error
        }
    }

    func stop() {
        process.stop()
    }

    /// The body of a GET on the API, as text.
    func get(_ path: String, query: [String: String] = [:]) throws -> String {
        var arguments = ["-s", "--max-time", "5", "-G", "http://127.0.0.1:\(port)\(path)"]
        for (name, value) in query.sorted(by: { $0.key < $1.key }) { arguments += ["--data-urlencode", "\(name)=\(value)"] }
        let outcome = try ExternalTool.run("curl", arguments)
        guard outcome.status == 0 else { throw RawClient.Failure(description: "curl \(path): exit \(outcome.status)") }
        return outcome.output
    }

    /// The result of an instant query: its `status` and the samples of its vector (labels and value).
    struct QueryResult {
        var status: String
        var error: String?
        var samples: [(labels: [String: String], value: String)]
    }

    func query(_ expression: String) throws -> QueryResult {
        let body = try get("/api/v1/query", query: ["query": expression])
        let json = try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any] ?? [:]
        let data = json["data"] as? [String: Any]
        let samples = (data?["result"] as? [[String: Any]] ?? []).map { sample in
            ((sample["metric"] as? [String: String]) ?? [:], ((sample["value"] as? [Any])?.last as? String) ?? "")
        }
        return QueryResult(status: json["status"] as? String ?? "?", error: json["error"] as? String, samples: samples)
    }

    /// The alerting and recording rules Prometheus loaded, with their evaluation health.
    func rules() throws -> [[String: Any]] {
        let body = try get("/api/v1/rules")
        let json = try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any] ?? [:]
        let groups = (json["data"] as? [String: Any])?["groups"] as? [[String: Any]] ?? []
        return groups.flatMap { $0["rules"] as? [[String: Any]] ?? [] }
    }
}

/// Turning the PromQL of the dashboards into instant queries Prometheus can answer.
enum PromQLText {
    /// The left operand of the last comparison at the top level of `expression` (`a > 0.05` → `a`), or the
    /// expression itself. An alert's threshold decides whether it fires; the quantity compared must exist.
    static func withoutThreshold(_ expression: String) -> String {
        let characters = Array(expression)
        var depth = 0, quote: Character? = nil, cut: Int? = nil
        var index = 0
        while index < characters.count {
            let character = characters[index]
            if let open = quote {
                if character == "\\" { index += 1 } else if character == open { quote = nil }
            } else if character == "\"" || character == "'" {
                quote = character
            } else if "([{".contains(character) {
                depth += 1
            } else if ")]}".contains(character) {
                depth -= 1
            } else if depth == 0, "<>=!".contains(character) {
                let next = index + 1 < characters.count ? characters[index + 1] : " "
                if character == "=" || character == "!" {
                    if next == "=" { cut = index }
                } else {
                    cut = index
                }
                if next == "=" { index += 1 }
            }
            index += 1
        }
        guard let cut else { return expression }
        return String(characters[..<cut]).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// A dashboard expression with Grafana's variables replaced: every backend, and a rate window that holds
    /// several one-second scrapes.
    static func resolvingGrafanaVariables(_ expression: String) -> String {
        expression.replacingOccurrences(of: "$__rate_interval", with: "15s")
            .replacingOccurrences(of: "${proxy}", with: ".*")
            .replacingOccurrences(of: "$proxy", with: ".*")
    }

    /// Every `expr` string anywhere in a Grafana dashboard's JSON.
    static func expressions(inDashboard json: Any) -> [String] {
        if let object = json as? [String: Any] {
            return object.sorted { $0.key < $1.key }.flatMap { key, value -> [String] in
                if key == "expr", let text = value as? String { return [text] }
                return expressions(inDashboard: value)
            }
        }
        if let array = json as? [Any] { return array.flatMap { expressions(inDashboard: $0) } }
        return []
    }
}
