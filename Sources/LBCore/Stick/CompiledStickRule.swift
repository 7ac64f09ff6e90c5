import LBConfig

/// One `stick` rule in executable form: the key expression, the backend whose table it uses, and the
/// condition.
public struct CompiledStickRule: Sendable {
    public var kind: StickRule.Kind
    /// Index of the backend that holds the table.
    public var table: Int
    var expression: SampleExpression
    var condition: CompiledCondition?

    /// True for rules that look a key up (`stick on`, `stick match`).
    public var matches: Bool { kind == .on || kind == .match }
    /// True for rules that store the request's key (`stick on`, `stick store-request`).
    public var storesRequest: Bool { kind == .on || kind == .storeRequest }
    /// True for `stick store-response`.
    public var storesResponse: Bool { kind == .storeResponse }

    /// The key for this request (nil when the condition does not hold or the pattern has no value).
    /// `request` is nil for a TCP connection, where only layer-4 fetches such as `src` give a key.
    public func key(request: HTTPRequestHead?, connection: ConnectionInfo, response: HTTPResponseFacts? = nil) -> String? {
        let context = SampleContext(head: request, connection: connection, serverCounts: nil, response: response)
        if let condition, !condition.matches(context) { return nil }
        guard let value = expression.value(in: context) else { return nil }
        let text = String(value.text)
        return text.isEmpty ? nil : text
    }
}
