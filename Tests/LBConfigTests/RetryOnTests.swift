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

@Suite struct StickParsingTests {
    func backend(_ lines: String...) -> (Proxy?, ConfigurationLoader.Result) {
        let result = parse(quietDefaults + "backend b\n" + lines.joined(separator: "\n"))
        return (result.configuration?.proxy(named: "b"), result)
    }

    @Test func tableOptions() throws {
        let (proxy, result) = backend("    stick-table type string len 64 size 1m expire 30s nopurge")
        let table = try #require(proxy?.stickTable, "\(result.diagnostics)")
        #expect(table.type == .string && table.keyLength == 64 && table.size == 1_048_576 && table.expire == 30_000 && table.noPurge)
        let (counters, countersResult) = backend("    stick-table type ip size 10k store gpc0,http_req_rate(10s)")
        #expect(counters?.stickTable?.size == 10_240)
        // Counters are applied: no warning about `store` (only the usual one about an unused backend).
        #expect(countersResult.errors.isEmpty && !countersResult.diagnostics.contains { $0.message.contains("store") },
                "\(countersResult.diagnostics)")
        #expect(counters?.stickTable?.stored.stores(.gpc0) == true)
        #expect(counters?.stickTable?.stored.period(.httpRequestRate) == 10_000)
    }

    @Test func tableErrorsNameTheWord() {
        #expect(backend("    stick-table size 10").1.find(.error, line: 7, "'stick-table' needs a type") != nil)
        #expect(backend("    stick-table type ip").1.find(.error, line: 7, "'stick-table' needs a size") != nil)
        #expect(backend("    stick-table type mac size 1").1.find(.error, line: 7, "'stick-table type' expects") != nil)
        #expect(backend("    stick-table type ip size 1 colour blue").1.find(.error, line: 7, "unknown 'stick-table' option 'colour'") != nil)
        #expect(backend("    stick-table type ip size 1", "    stick-table type ip size 2").1.find(.error, line: 8, "only one") != nil)
    }

    @Test func rules() throws {
        let (proxy, result) = backend(
            "    stick-table type ip size 10", "    stick on src", "    stick match req.cook(sid) table other if { path_beg /a }",
            "    stick store-response res.hdr(x-user)")
        let rules = try #require(proxy?.stickRules, "\(result.diagnostics)")
        #expect(rules.map(\.kind) == [.on, .match, .storeResponse])
        #expect(rules[1].pattern == "req.cook(sid)" && rules[1].table == "other" && rules[1].condition != nil)
        #expect(backend("    stick src").1.find(.error, line: 7, "'stick' expects on, match") != nil)
        #expect(backend("    stick on").1.find(.error, line: 7, "'stick on' expects a pattern") != nil)
        #expect(backend("    stick on src tbl x").1.find(.error, line: 7, "unexpected argument 'tbl'") != nil)
    }
}
