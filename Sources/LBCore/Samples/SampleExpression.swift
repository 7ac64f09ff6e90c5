import LBConfig

/// A fetch followed by its converters: `req.hdr(host),lower,field(1,:)`.
struct SampleExpression: Sendable, Hashable {
    var fetch: SampleFetch
    var converters: [Converter]

    var type: SampleType { converters.last?.outputType ?? fetch.type }

    /// Compiles `text`; an unimplemented fetch compiles (check `fetch` for `.unimplemented`).
    static func compile(_ text: Substring, environment: CompileEnvironment) throws(SampleCompileError) -> SampleExpression {
        guard let calls = CallSyntax.parse(text), let first = calls.first else {
            throw SampleCompileError("cannot parse sample expression '\(text)'")
        }
        let fetch = try SampleFetch.resolve(first, environment: environment)
        var converters: [Converter] = []
        for call in calls.dropFirst() { converters.append(try Converter.resolve(call, environment: environment)) }
        return SampleExpression(fetch: fetch, converters: converters)
    }

    /// Each converted value; values a converter rejects are skipped. Returns false when the context lacks
    /// what the fetch needs.
    @discardableResult
    func forEachValue(in context: SampleContext, _ body: (SampleValue) -> Bool) -> Bool {
        if converters.isEmpty { return fetch.forEachValue(in: context, body) }
        return fetch.forEachValue(in: context) { value in
            var current = value
            for converter in converters {
                guard let next = converter.apply(current, in: context) else { return false }
                current = next
            }
            return body(current)
        }
    }

    /// The single value a template or a hash uses: the last one for headers, else the first.
    func value(in context: SampleContext) -> SampleValue? {
        var result: SampleValue?
        let takeLast = fetch.takesLastValue
        fetch.forEachValue(in: context) { value in
            result = value
            return !takeLast
        }
        guard var current = result else { return nil }
        for converter in converters {
            guard let next = converter.apply(current, in: context) else { return nil }
            current = next
        }
        return current
    }
}
