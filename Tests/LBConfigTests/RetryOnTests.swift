import Testing
@testable import LBConfig

@Suite struct RetryOnParsingTests {
    func backend(_ lines: String...) -> (Proxy?, ConfigurationLoader.Result) {
        let result = parse(quietDefaults + "backend b\n" + lines.joined(separator: "\n"))
        return (result.configuration?.proxy(named: "b"), result)
    }

    @Test func defaultIsConnectionFailuresOnly() throws {
        let (proxy, result) = backend("    server s 127.0.0.1:80")
        let conditions = try #require(proxy?.retryOn, "\(result.diagnostics)")
        #expect(conditions.connectionFailure && !conditions.needsReplay)
    }

    @Test func listedConditionsReplaceTheDefault() throws {
        let (proxy, result) = backend("    retry-on empty-response 503 504", "    server s 127.0.0.1:80")
        let conditions = try #require(proxy?.retryOn, "\(result.diagnostics)")
        #expect(!conditions.connectionFailure)
        #expect(conditions.emptyResponse && !conditions.junkResponse && !conditions.responseTimeout)
        #expect(conditions.statuses == [503, 504])
    }

    @Test func groupsExpand() throws {
        let (retryable, _) = backend("    retry-on all-retryable-errors")
        let conditions = try #require(retryable?.retryOn)
        #expect(conditions.connectionFailure && conditions.emptyResponse && conditions.junkResponse && conditions.responseTimeout)
        #expect(conditions.statuses == [500, 502, 503, 504])
        let (all, _) = backend("    retry-on all")
        #expect(all?.retryOn.statuses == RetryConditions.retryableStatuses)
        let (none, _) = backend("    retry-on none")
        #expect(none?.retryOn.connectionFailure == false)
    }

    @Test func unknownConditionNamesTheWord() {
        let (_, result) = backend("    retry-on conn-failure 418")
        #expect(result.find(.error, line: 7, "unknown 'retry-on' condition '418'") != nil, "\(result.diagnostics)")
        let (_, empty) = backend("    retry-on")
        #expect(empty.find(.error, line: 7, "'retry-on' expects at least one condition") != nil)
    }

    @Test func notInAFrontend() {
        let result = parse(quietDefaults + "frontend f\n    bind :80\n    retry-on 503\n")
        #expect(result.diagnostics.contains { $0.severity == .error && $0.location.line == 8 }, "\(result.diagnostics)")
    }
}
