import LBConfig

/// A server's `sni` expression, compiled: the name lb sends in a TLS handshake with that server,
/// evaluated for each new connection against the request (or TCP connection) it is opened for, as
/// HAProxy evaluates it. Any fetch and converter lb knows works: `str(NAME)`, `req.hdr(host)`,
/// `req.hdr(host),field(1,:)`, `ssl_fc_sni`...
public struct ServerNameExpression: Sendable, Hashable {
    /// As written on the server line.
    public let text: String
    let expression: SampleExpression

    /// The name when it does not depend on the connection (`str(NAME)`): nothing to evaluate then.
    public var constant: String? {
        guard case .text(let value) = expression.fetch, expression.converters.isEmpty else { return nil }
        return value.isEmpty ? nil : value
    }

    static func compile(_ text: String, environment: CompileEnvironment) throws(SampleCompileError) -> ServerNameExpression {
        let expression = try SampleExpression.compile(text[...], environment: environment)
        if case .unimplemented(let name) = expression.fetch {
            throw SampleCompileError("fetch '\(name)' is not implemented yet, so it cannot name the server")
        }
        return ServerNameExpression(text: text, expression: expression)
    }

    /// The name for a connection opened for `request` (nil in TCP mode) on `connection`; nil when the
    /// expression has no value there (no SNI is sent then, as in HAProxy).
    public func value(request: HTTPRequestHead?, connection: ConnectionInfo) -> String? {
        if let constant { return constant }
        let context = SampleContext(head: request, connection: connection, serverCounts: nil)
        guard let value = expression.value(in: context), !value.text.isEmpty else { return nil }
        return String(value.text)
    }
}
