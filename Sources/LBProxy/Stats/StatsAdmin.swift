import LBCore
import LBStats
import NIOCore

/// Admin actions posted from the stats page (`stats admin if COND`): set servers READY, DRAIN or MAINT,
/// stop or resume their checks, change their weight. Refused when the condition does not hold, when the
/// request comes from another origin (Origin or Referer not matching Host), or without the page's token.
enum StatsAdmin {
    /// HAProxy's `;st=` result codes.
    enum Result: String {
        case done = "DONE", none = "NONE", partial = "PART", errors = "ERRP", denied = "DENY", invalid = "IVAL"
    }

    /// A secret embedded in every page this process serves: a cross-site form cannot know it.
    static let token: String = {
        var generator = SystemRandomNumberGenerator()
        let digits = Array("0123456789abcdef")
        return String((0..<32).map { _ in digits[Int(generator.next() % 16)] })
    }()

    static func apply(head: HTTPRequestHead, body: ByteBuffer?, allowed: Bool, runtime: ProxyRuntime) -> Result {
        guard allowed, sameOrigin(head) else { return .denied }
        let declared = Int(head.headers.first("content-length") ?? "") ?? 0
        guard let body, declared > 0, body.readableBytes >= declared,
              let bytes = body.getBytes(at: body.readerIndex, length: declared) else { return .invalid }
        let form = FormFields(String(decoding: bytes, as: UTF8.self))
        guard let sent = form.first("token"), BasicAuth.constantTimeEquals(Array(sent.utf8), Array(token.utf8)) else {
            return .denied
        }
        guard let action = form.first("action"), let target = form.first("b"), target.hasPrefix("#"),
              let id = Int(target.dropFirst()), id >= 1, id <= runtime.backends.count else { return .invalid }
        let backend = runtime.backends[id - 1]
        let names = form.all("s")
        guard !names.isEmpty else { return .none }
        var changed = 0, missing = 0
        for name in names {
            guard let index = backend.servers.firstIndex(where: { $0.plan.name == name }) else {
                missing += 1
                continue
            }
            switch perform(action, form: form, backend: backend, index: index, runtime: runtime) {
            case .some(true): changed += 1
            case .some(false): break
            case nil: return .invalid
            }
        }
        if missing > 0 { return changed > 0 ? .partial : .errors }
        return changed > 0 ? .done : .none
    }

    /// true: changed; false: already so; nil: unknown action.
    static func perform(_ action: String, form: FormFields, backend: BackendRuntime, index: Int, runtime: ProxyRuntime) -> Bool? {
        let server = backend.servers[index]
        switch action {
        case "ready": return runtime.setMode(.ready, backend: backend, index: index)
        case "drain": return runtime.setMode(.drain, backend: backend, index: index)
        case "maint": return runtime.setMode(.maintenance, backend: backend, index: index)
        case "dhlth": return server.admin.checksEnabled.exchange(false, ordering: .relaxed)
        case "ehlth": return !server.admin.checksEnabled.exchange(true, ordering: .relaxed)
        case "weight":
            guard let text = form.first("weight"), let weight = Int(text), (0...256).contains(weight) else { return nil }
            return backend.setWeight(of: server, to: weight)
        default: return nil
        }
    }

    /// Origin (or, without it, Referer) must name the host the request was sent to. A request with
    /// neither is accepted: browsers send Origin on every cross-site POST, and the token still applies.
    static func sameOrigin(_ head: HTTPRequestHead) -> Bool {
        guard let host = head.headers.first("host")?.lowercased() else { return false }
        func authority(_ url: String) -> String? {
            guard let scheme = url.range(of: "://") else { return nil }
            let rest = url[scheme.upperBound...]
            return String(rest.prefix { $0 != "/" && $0 != "?" && $0 != "#" }).lowercased()
        }
        if let origin = head.headers.first("origin") { return authority(origin) == host }
        if let referer = head.headers.first("referer") { return authority(referer) == host }
        return true
    }
}

/// `application/x-www-form-urlencoded` fields in order.
struct FormFields {
    let pairs: [(String, String)]

    init(_ text: String) {
        pairs = text.split(separator: "&").map { pair in
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            return (PrometheusQuery.decode(parts[0]), parts.count > 1 ? PrometheusQuery.decode(parts[1]) : "")
        }
    }

    func first(_ name: String) -> String? { pairs.first { $0.0 == name }?.1 }
    func all(_ name: String) -> [String] { pairs.filter { $0.0 == name }.map(\.1) }
}
