import Testing
@testable import LBConfig

/// `.if` / `.elif` / `.else` / `.endif` and the message directives in configuration files.
@Suite struct ConditionalBlockTests {
    /// A configuration whose only frontend's bind port tells which branch was read.
    private func boundPort(_ text: String, environment: [String: String] = [:]) -> Int? {
        let result = parse(text, environment: environment)
        #expect(result.errors.isEmpty, "\(result.diagnostics)")
        return result.configuration?.proxies.first { $0.name == "fe" }?.binds.first?.port
    }

    private func frontend(_ body: String) -> String {
        quietDefaults + "frontend fe\n" + body + "\n    default_backend be\nbackend be\n    server s 127.0.0.1:8080\n"
    }

    @Test func theTakenBranchIsReadAndTheOthersSkipped() {
        let text = frontend("""
        .if 0
            bind :1001
        .elif version_atleast(2.4)
            bind :1002
        .elif 1
            bind :1003
        .else
            bind :1004
        .endif
        """)
        #expect(boundPort(text) == 1002)
        #expect(boundPort(text.replacingOccurrences(of: "version_atleast(2.4)", with: "0")) == 1003)
        #expect(boundPort(frontend(".if 0\n    bind :1001\n.else\n    bind :1004\n.endif")) == 1004)
        #expect(boundPort(frontend(".if 1\n    bind :1001\n.else\n    bind :1004\n.endif")) == 1001)
    }

    @Test func environmentVariablesAreExpandedInConditions() {
        let text = frontend("""
        .if streq("${STAGE}",prod) && !defined(DEBUG_LB)
            bind :2001
        .else
            bind :2002
        .endif
        """)
        #expect(boundPort(text, environment: ["STAGE": "prod"]) == 2001)
        #expect(boundPort(text, environment: ["STAGE": "prod", "DEBUG_LB": ""]) == 2002)
        #expect(boundPort(text) == 2002)
    }

    @Test func blocksNestAndAnInnerBlockOfASkippedBranchIsNeverEvaluated() {
        let text = frontend("""
        .if feature(OPENSSL)
            .if openssl_version_atleast(3.0)
                bind :3001
            .else
                bind :3002
            .endif
        .else
            .if 1
                bind :3003
            .endif
        .endif
        """)
        // lb's TLS library, BoringSSL, offers OpenSSL 1.1.1's interface: older than 3.0.
        #expect(boundPort(text) == 3002)
    }

    @Test func laterBranchesAreNotEvaluatedOnceOneIsTaken() {
        let text = frontend(".if 1\n    bind :4001\n.elif openssl_version_before(3.0)\n    bind :4002\n.endif")
        #expect(boundPort(text) == 4001)
    }

    @Test func setenvInGlobalIsSeenByLaterConditions() {
        let text = "global\n    setenv LB_ROLE edge\n" + frontend(".if streq(\"${LB_ROLE}\",edge)\n    bind :5001\n.endif\n    bind :5002")
        #expect(boundPort(text) == 5001)
    }

    @Test func skippedLinesDoNotWarnAboutUnsetVariables() {
        let skipped = parse(frontend("    bind :6000\n.if defined(EXTRA_PORT)\n    bind :${EXTRA_PORT}\n.endif"))
        #expect(skipped.diagnostics.isEmpty, "\(skipped.diagnostics)")
        // ...nor does the condition itself; a line that is read still does.
        let read = parse(frontend(".if \"${MAYBE}\"\n    bind :6001\n.endif\n    bind :6002\n    description ${UNSET_HERE}"))
        #expect(read.warnings.map(\.message).filter { $0.contains("environment") } == ["environment variable 'UNSET_HERE' is not set; it expands to an empty string"])
    }

    @Test func skippedLinesStillHaveTheirSyntaxChecked() {
        let result = parse(frontend("    bind :7000\n.if 0\n    description \"unterminated\n.endif"))
        #expect(result.find(.error, line: 9, "unterminated double quote") != nil, "\(result.diagnostics)")
    }

    @Test(arguments: [
        (".endif", 1, "'.endif' without a matching '.if'"),
        (".else", 1, "'.else' without a matching '.if'"),
        (".elif 1", 1, "'.elif' without a matching '.if'"),
        (".if 1\n.else\n.elif 1\n.endif", 3, "'.elif' after '.else' of the same '.if' (opened at test.cfg:1)"),
        (".if 1\n.else\n.else\n.endif", 3, "a second '.else' for the '.if' opened at test.cfg:1"),
        (".if 1\n.if 0\n.endif", 1, "this '.if' is not closed by '.endif' before the end of the file"),
        (".if 0\n.if 0\n.endif", 1, "this '.if' is not closed by '.endif' before the end of the file"),
        (".if 1 &&\n.endif", 1, "invalid condition in '.if 1 &&' at position 5: missing term at the end of the condition"),
        (".if 0\n.elif strneq(a)\n.endif", 2, "invalid condition in '.elif strneq(a)' at position 7: 'strneq' takes 2 arguments, not 1"),
        (".endif extra", 1, "'.endif' without a matching '.if'"),
        (".if 1\n.endif extra", 2, "unexpected argument 'extra' after '.endif'"),
        (".iff 1", 1, "unknown directive '.iff'"),
    ])
    func misplacedOrBrokenBlocksAreErrorsAtTheirLine(text: String, line: Int, message: String) {
        let result = parse(text)
        #expect(result.configuration == nil)
        #expect(result.find(.error, line: line, message) != nil, "\(result.diagnostics)")
    }

    @Test func aBrokenBlockStopsTheParseSoNoMisleadingErrorsFollow() {
        let result = parse(".if streq(a\nfrontend fe\n    bind :1\n    no_such_keyword\n.endif\n")
        #expect(result.errors.count == 1, "\(result.diagnostics)")
        #expect(result.errors.first?.location.line == 1)
    }

    @Test func nestingStopsAtHAProxysLimit() {
        let deepest = String(repeating: ".if 1\n", count: 99) + String(repeating: ".endif\n", count: 99)
        #expect(parse(deepest).diagnostics.allSatisfy { $0.severity != .error || !$0.message.contains(".if") })
        let tooDeep = parse(String(repeating: ".if 1\n", count: 100) + String(repeating: ".endif\n", count: 100))
        #expect(tooDeep.find(.error, line: 100, "too many nested '.if' blocks (at most 99)") != nil, "\(tooDeep.diagnostics)")
    }

    @Test func blocksBelongToTheFileTheyOpenIn() {
        var parser = ConfigurationParser(environment: [:], isRoot: false)
        parser.parse(".if 1\n", file: "a.cfg")
        parser.parse(".endif\n", file: "b.cfg")
        let result = parser.finish()
        #expect(result.find(.error, line: 1, "is not closed", file: "a.cfg") != nil, "\(result.diagnostics)")
    }

    @Test func messagesArePrintedAtTheirLevelWithTheirLine() {
        let result = parse(frontend("""
            bind :8000
        .diag "remove this after the migration"
        .notice "using the edge layout"
        .warning 'deprecated port'
        .if 0
        .warning "not read"
        .endif
        """))
        #expect(result.errors.isEmpty, "\(result.diagnostics)")
        #expect(result.configuration != nil)
        #expect(result.find(.diagnostic, line: 8, "remove this after the migration") != nil)
        #expect(result.find(.notice, line: 9, "using the edge layout") != nil)
        #expect(result.find(.warning, line: 10, "deprecated port") != nil)
        #expect(!result.diagnostics.contains { $0.message.contains("not read") })
        #expect(result.diagnostics.map(\.description).contains("test.cfg:9: notice: using the edge layout"))
    }

    @Test func anAlertStopsTheConfiguration() {
        let result = parse(frontend("""
            bind :8000
        .if !feature(LUA)
        .alert "Lua support is mandatory here"
        .endif
            no_such_keyword
        """))
        #expect(result.configuration == nil)
        #expect(result.errors.map(\.description) == [
            "test.cfg:9: error: alert: Lua support is mandatory here\n    hint: the configuration raised this '.alert': lb does not start with it",
        ])
    }

    @Test func aMessageWithSeveralWordsMustBeQuoted() {
        let result = parse(".warning two words\n")
        #expect(result.find(.error, line: 1, "unexpected argument 'words' after '.warning'") != nil, "\(result.diagnostics)")
    }

    @Test func theManualsExampleOfNestedMessagesPicksOneBranch() {
        let text = """
        .if "${A}"
          .if "${B}"
            .notice "A=1, B=1"
          .elif "${C}"
            .notice "A=1, B=0, C=1"
          .elif "${D}"
            .warning "A=1, B=0, C=0, D=1"
          .else
            .alert "A=1, B=0, C=0, D=0"
          .endif
        .else
            .notice "A=0"
        .endif
        """
        func messages(_ environment: [String: String]) -> [String] {
            parse(text, environment: environment).diagnostics.filter { $0.severity != .warning || $0.message.hasPrefix("A=") }
                .map(\.message)
        }
        #expect(messages([:]) == ["A=0"])
        #expect(messages(["A": "1", "B": "1"]) == ["A=1, B=1"])
        #expect(messages(["A": "1", "B": "0", "C": "1"]) == ["A=1, B=0, C=1"])
        #expect(messages(["A": "1", "D": "1"]) == ["A=1, B=0, C=0, D=1"])
        #expect(messages(["A": "1"]) == ["alert: A=1, B=0, C=0, D=0"])
    }
}
