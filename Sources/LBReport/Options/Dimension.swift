/// A `--by` grouping key.
public enum Dimension: Sendable, Equatable, CustomStringConvertible {
    case frontend, backend, server, url, status, method, client
    /// A captured request header: by position in the `{...}` block (1-based).
    case header(index: Int, name: String)

    public var description: String {
        switch self {
        case .frontend: return "frontend"
        case .backend: return "backend"
        case .server: return "server"
        case .url: return "url"
        case .status: return "status"
        case .method: return "method"
        case .client: return "client"
        case .header(_, let name): return "header:\(name)"
        }
    }

    /// Parses `frontend`, `backend`, `server`, `url`, `status`, `method`, `client`, `header:N` or
    /// `header:NAME` (NAME resolved against `captures`, the declared request capture names in order).
    public static func parse(_ text: String, captures: [String]) throws -> Dimension {
        switch text.lowercased() {
        case "frontend", "fe": return .frontend
        case "backend", "be": return .backend
        case "server", "srv": return .server
        case "url", "path", "uri": return .url
        case "status", "code": return .status
        case "method": return .method
        case "client", "ip", "src": return .client
        default:
            guard text.lowercased().hasPrefix("header:") else {
                throw ReportOptionError.badArgument(
                    "--by \(text): expected frontend, backend, server, url, status, method, client or header:NAME")
            }
            let name = String(text.dropFirst("header:".count))
            if let index = Int(name), index >= 1 { return .header(index: index, name: name) }
            if let position = captures.firstIndex(where: { $0.lowercased() == name.lowercased() }) {
                return .header(index: position + 1, name: name)
            }
            throw ReportOptionError.badArgument(
                "--by \(text): logs carry header values by position; give the position (header:1) or declare the capture order with --captures \(name),...")
        }
    }

    /// Groups on values that can have very many distinct entries use compact histograms.
    var isHighCardinality: Bool {
        switch self {
        case .url, .client, .header: return true
        default: return false
        }
    }
}
