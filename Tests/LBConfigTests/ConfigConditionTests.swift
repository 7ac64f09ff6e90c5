import Testing
@testable import LBConfig

/// The expressions of `.if` / `.elif` and `lb -cc`: syntax, precedence, predicates and their errors.
@Suite struct ConfigConditionTests {
    private static let environment = ["EMPTY": "", "MODE": "prod"]

    private func value(_ text: String) throws -> Bool {
        try ConfigConditionParser.parse(text).evaluate(environment: Self.environment)
    }

    @Test(arguments: [
        ("", false), ("   ", false), ("0", false), ("1", true), ("-1", true), ("0x10", true), ("00", false), ("42", true),
        ("!0", true), ("! ! 1", true), ("!!0", false),
        ("1 && 1", true), ("1 && 0", false), ("0 || 1", true), ("0 || 0", false),
        // && binds tighter than ||.
        ("1 || 0 && 0", true), ("(1 || 0) && 0", false), ("0 && 1 || 1", true), ("0 && (1 || 1)", false),
        ("!(0 || 0)", true), ("( ( 1 ) )", true),
    ])
    func constantsAndOperators(text: String, expected: Bool) throws {
        #expect(try value(text) == expected, "\(text)")
    }

    @Test(arguments: [
        ("defined(MODE)", true), ("defined(EMPTY)", true), ("defined(NOT_SET_ANYWHERE)", false), ("defined()", false),
        ("streq(a,a)", true), ("streq(a,b)", false), ("strneq(a,b)", true), ("strneq(a,a)", false),
        // Spaces inside the parentheses belong to the argument, as in HAProxy.
        ("streq(a, a)", false), ("streq(\"a,b\",'a,b')", true), ("streq(a\\ b,\"a b\")", true), ("streq(,)", true),
        ("feature(PROMEX)", true), ("feature(OPENSSL)", true), ("!feature(OPENSSL)", false), ("feature(THREAD)", true),
        // Exact names only: a prefix, another case or an unknown name is absent.
        ("feature(PROME)", false), ("feature(promex)", false), ("feature(NO_SUCH_THING)", false),
        ("version_atleast(2.5-dev0)", true), ("version_atleast(2.6)", true), ("version_atleast(2.6.0)", true),
        ("version_atleast(2.6-dev3)", true), ("version_atleast(2.6.1)", false), ("version_atleast(3.0)", false),
        ("version_before(2.7)", true), ("version_before(2.6)", false), ("version_before(2.6-rc1)", false),
        ("version_before(1.8)", false), ("ssllib_name_startswith(OpenSSL)", false), ("ssllib_name_startswith(Boring)", true),
        // BoringSSL offers OpenSSL 1.1.1's interface.
        ("openssl_version_atleast(1.1.1)", true), ("openssl_version_atleast(3.0)", false), ("openssl_version_before(3.0)", true),
    ])
    func predicates(text: String, expected: Bool) throws {
        #expect(try value(text) == expected, "\(text)")
    }

    @Test func termsAfterTheDecidingOneAreNotEvaluated() throws {
        // A term that cannot be answered (built directly: the parser refuses a version that does not read)...
        let failing = ConfigCondition.predicate(.versionAtLeast, ["not-a-version"])
        #expect(throws: ConfigCondition.EvaluationError.self) { try failing.evaluate(environment: [:]) }
        // ...is never reached once an earlier term decides.
        #expect(try ConfigCondition.all([.constant(false), failing]).evaluate(environment: [:]) == false)
        #expect(try ConfigCondition.any([.constant(true), failing]).evaluate(environment: [:]) == true)
    }

    @Test(arguments: [
        ("streq(a)", "'streq' takes 2 arguments, not 1", 6),
        ("streq(a,b,c)", "'streq' takes 2 arguments, not 3", 6),
        ("defined(A,B)", "'defined' takes 1 argument, not 2", 8),
        ("lookup(1)", "unknown predicate 'lookup'", 1),
        ("1 && frob(x)", "unknown predicate 'frob'", 6),
        ("1 &&", "missing term at the end of the condition", 5),
        ("(1", "missing ')' to close the '(' at position 1", 3),
        ("1 1", "unexpected character '1' after the condition", 3),
        ("1 & 0", "unexpected character '&' after the condition", 3),
        ("defined(A", "missing ')' to close the arguments of 'defined' opened at position 8", 10),
        ("defined", "'defined' expects an argument in parentheses", 8),
        ("version_atleast(two)", "'two' is not a version", 1),
        ("version_before()", "'' is not a version", 1),
        ("&& 1", "unexpected character '&'", 1),
    ])
    func syntaxErrorsSayWhatAndWhere(text: String, message: String, position: Int) {
        do {
            _ = try ConfigConditionParser.parse(text)
            Issue.record("'\(text)' parsed")
        } catch {
            #expect(error.message.hasPrefix(message), "\(text): \(error.message)")
            #expect(error.position == position, "\(text): \(error)")
        }
    }

    @Test func nestingIsBounded() {
        let deep = String(repeating: "(", count: 500) + "1" + String(repeating: ")", count: 500)
        #expect(throws: ConfigConditionParser.Failure.self) { try ConfigConditionParser.parse(deep) }
        let negations = String(repeating: "!", count: 500) + "1"
        #expect(throws: ConfigConditionParser.Failure.self) { try ConfigConditionParser.parse(negations) }
    }

    @Test func commandLineConditionsAreSplitAndExpandedLikeConfigurationLines() throws {
        #expect(try ConditionCheck.evaluate("streq(\"${MODE}\",prod)", environment: Self.environment))
        #expect(try ConditionCheck.evaluate("strneq(\"${UNSET}\",\"\") || defined(MODE)", environment: Self.environment))
        // Words are joined by one space, so spacing around operators does not matter.
        #expect(try ConditionCheck.evaluate("1   &&    !0", environment: [:]))
        #expect(throws: ConditionCheck.Failure.self) { try ConditionCheck.evaluate("streq(\"a,b)", environment: [:]) }
        #expect(throws: ConditionCheck.Failure.self) { try ConditionCheck.evaluate("nope(1)", environment: [:]) }
    }
}

@Suite struct HAProxyVersionTests {
    @Test(arguments: [
        ("2.6", "2.6.0", 0), ("2.6", "2.6.0.0", 0), ("2.5-dev0", "2.5", -1), ("2.5-dev9", "2.5-dev10", -1),
        ("2.5-dev9", "2.5-rc1", -1), ("2.5-rc1", "2.5-pre1", 0), ("2.5-rc2", "2.5", -1), ("2.5", "2.5.1", -1),
        ("1.2.10.1", "1.2.9", 1), ("2.4-dev18-f6818d-20", "2.4-dev18-21", -1), ("2.4-dev18", "2.4-dev18-1", -1),
        ("10.0", "9.9", 1),
    ])
    func ordering(lhs: String, rhs: String, order: Int) throws {
        let a = try #require(HAProxyVersion(lhs))
        let b = try #require(HAProxyVersion(rhs))
        #expect((a < b ? -1 : a == b ? 0 : 1) == order, "\(lhs) vs \(rhs)")
    }

    @Test(arguments: ["", "v2.6", "2.6x", "2..6x", "2.6.1.2.3", "2.6-dev1x"])
    func unreadableVersions(text: String) {
        #expect(HAProxyVersion(text) == nil, "\(text)")
    }

    @Test func aTrailingDashIsAReleaseWithoutCommitCount() {
        #expect(HAProxyVersion("2.6-") == HAProxyVersion("2.6"))
    }

    @Test func theDialectIsHAProxy26AndItsFeaturesAreOneList() {
        #expect(HAProxyDialect.version == HAProxyVersion("2.6.0"))
        #expect(HAProxyDialect.featureLine.contains("+OPENSSL"))
        #expect(HAProxyDialect.featureLine.contains("+PROMEX"))
        let names = HAProxyDialect.features.map(\.name)
        #expect(names == names.sorted(), "the list is kept in name order, as haproxy -vv prints it")
        #expect(Set(names).count == names.count)
    }
}
