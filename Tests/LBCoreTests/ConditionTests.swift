import Foundation
import LBConfig
import Testing
@testable import LBCore

struct ConditionTests {
    static let acls = [
        Fixture.declaration("is_static", "path_beg", [], ["/static"]),
        Fixture.declaration("is_api", "path_beg", [], ["/api"]),
        Fixture.declaration("is_png", "path_end", ["-i"], [".png"]),
        Fixture.declaration("from_lan", "src", [], ["192.168.0.0/16"]),
        // Declared twice: the tests are ORed.
        Fixture.declaration("img_or_api", "path_beg", [], ["/api"]),
        Fixture.declaration("img_or_api", "path_sub", [], ["/img/"]),
    ]

    struct Row: Sendable, CustomTestStringConvertible {
        var name: String
        var condition: Condition
        var expected: Bool
        var testDescription: String { name }
    }

    static let rows: [Row] = [
        Row(name: "single", condition: Fixture.condition([[Fixture.term("is_static")]]), expected: true),
        Row(name: "negated", condition: Fixture.condition([[Fixture.term("is_static", not: true)]]), expected: false),
        Row(name: "and both true", condition: Fixture.condition([[Fixture.term("is_static"), Fixture.term("is_png")]]), expected: true),
        Row(name: "and one false", condition: Fixture.condition([[Fixture.term("is_static"), Fixture.term("is_api")]]), expected: false),
        Row(name: "or", condition: Fixture.condition([[Fixture.term("is_api")], [Fixture.term("is_png")]]), expected: true),
        Row(name: "or none", condition: Fixture.condition([[Fixture.term("is_api")], [Fixture.term("is_png", not: true)]]), expected: false),
        Row(name: "and-not", condition: Fixture.condition([[Fixture.term("is_static"), Fixture.term("is_api", not: true)]]), expected: true),
        Row(name: "unless true", condition: Fixture.condition(.unless, [[Fixture.term("is_static")]]), expected: false),
        Row(name: "unless false", condition: Fixture.condition(.unless, [[Fixture.term("is_api")]]), expected: true),
        Row(name: "declared twice ORs", condition: Fixture.condition([[Fixture.term("img_or_api")]]), expected: true),
        Row(name: "anonymous", condition: Fixture.condition([[Fixture.anonymous("path_end", [], [".PNG"])]]), expected: true),
        Row(name: "anonymous negated", condition: Fixture.condition([[Fixture.anonymous("method", [], ["POST"], not: true)]]), expected: true),
        Row(name: "anonymous or named", condition: Fixture.condition([[Fixture.anonymous("path_beg", [], ["/x"])], [Fixture.term("from_lan")]]), expected: true),
        Row(name: "predefined and declared", condition: Fixture.condition([[Fixture.term("METH_GET"), Fixture.term("from_lan")]]), expected: true),
        Row(name: "unless with or", condition: Fixture.condition(.unless, [[Fixture.term("is_api")], [Fixture.term("FALSE")]]), expected: true),
    ]

    static func compile(_ condition: Condition) -> (CompiledCondition?, [Diagnostic]) {
        var environment = CompileEnvironment()
        let table = CompiledCondition.compileDeclarations(acls, environment: &environment)
        let compiled = CompiledCondition.compile(condition, acls: table, environment: &environment)
        return (compiled, environment.diagnostics)
    }

    @Test(arguments: rows)
    func evaluates(_ row: Row) throws {
        let compiled = try #require(Self.compile(row.condition).0)
        #expect(compiled.matches(Fixture.head, connection: Fixture.connection) == row.expected)
    }

    @Test func unknownACLNameIsAnErrorAtTheConditionLine() {
        let (compiled, diagnostics) = Self.compile(Fixture.condition([[Fixture.term("nope")]], line: 33))
        #expect(compiled == nil)
        #expect(diagnostics.count == 1)
        #expect(diagnostics.first?.severity == .error)
        #expect(diagnostics.first?.location.line == 33)
        #expect(diagnostics.first?.message.contains("nope") == true)
    }

    @Test func httpConditionsAreFalseOnTCPWhateverThePolarity() throws {
        let plain = try #require(Self.compile(Fixture.condition([[Fixture.term("is_static")]])).0)
        let negated = try #require(Self.compile(Fixture.condition([[Fixture.term("is_static", not: true)]])).0)
        let unless = try #require(Self.compile(Fixture.condition(.unless, [[Fixture.term("is_static")]])).0)
        let layer4 = try #require(Self.compile(Fixture.condition([[Fixture.term("from_lan")]])).0)
        let mixed = try #require(Self.compile(Fixture.condition([[Fixture.term("is_static")], [Fixture.term("from_lan")]])).0)
        #expect(!plain.matches(connection: Fixture.connection))
        #expect(!negated.matches(connection: Fixture.connection))
        #expect(!unless.matches(connection: Fixture.connection))
        #expect(layer4.matches(connection: Fixture.connection))
        #expect(mixed.matches(connection: Fixture.connection))
    }
}

struct PredefinedACLTests {
    struct Row: Sendable, CustomTestStringConvertible {
        var name: String
        var head: HTTPRequestHead?
        var connection: ConnectionInfo
        var expected: Bool
        init(_ name: String, _ head: HTTPRequestHead?, _ expected: Bool, connection: ConnectionInfo = Fixture.connection) {
            self.name = name
            self.head = head
            self.connection = connection
            self.expected = expected
        }
        var testDescription: String { "\(name) \(head.map { "\($0.method) \($0.uri) \($0.version)" } ?? "tcp") → \(expected)" }
    }

    static let get = Fixture.request()
    static let rows: [Row] = [
        Row("TRUE", get, true), Row("FALSE", get, false),
        Row("LOCALHOST", get, false), Row("LOCALHOST", get, true, connection: Fixture.localConnection),
        Row("LOCALHOST", get, true, connection: Fixture.connection(source: "127.8.9.10")),
        Row("LOCALHOST", get, true, connection: Fixture.connection(source: "::1")),
        Row("LOCALHOST", nil, true, connection: Fixture.localConnection),
        Row("HTTP", get, true), Row("HTTP", nil, false),
        Row("HTTP_1.0", Fixture.request(version: .http1_0), true), Row("HTTP_1.0", get, false),
        Row("HTTP_1.1", get, true),
        Row("HTTP_2.0", Fixture.request(version: HTTPVersion(major: 2, minor: 0)), true),
        Row("HTTP_CONTENT", get, false),
        Row("HTTP_CONTENT", Fixture.request("POST", "/", [("Content-Length", "5")]), true),
        Row("HTTP_CONTENT", Fixture.request("POST", "/", [("Content-Length", "0")]), false),
        Row("HTTP_CONTENT", Fixture.request("POST", "/", [("Transfer-Encoding", "chunked")]), true),
        Row("REQ_CONTENT", Fixture.request("POST", "/", [("Content-Length", "5")]), true),
        Row("HTTP_URL_ABS", Fixture.request("GET", "http://example.com/"), true), Row("HTTP_URL_ABS", get, false),
        Row("HTTP_URL_SLASH", get, true), Row("HTTP_URL_SLASH", Fixture.request("GET", "http://example.com/"), false),
        Row("HTTP_URL_STAR", Fixture.request("OPTIONS", "*"), true), Row("HTTP_URL_STAR", get, false),
        Row("METH_CONNECT", Fixture.request("CONNECT", "example.com:443"), true),
        Row("METH_DELETE", Fixture.request("DELETE"), true),
        Row("METH_GET", get, true), Row("METH_GET", Fixture.request("HEAD"), true), Row("METH_GET", Fixture.request("POST"), false),
        Row("METH_HEAD", Fixture.request("HEAD"), true), Row("METH_HEAD", get, false),
        Row("METH_OPTIONS", Fixture.request("OPTIONS", "*"), true),
        Row("METH_POST", Fixture.request("POST"), true),
        Row("METH_PUT", Fixture.request("PUT"), true),
        Row("METH_TRACE", Fixture.request("TRACE"), true), Row("METH_TRACE", get, false),
        Row("WAIT_END", get, true), Row("RDP_COOKIE", get, false),
    ]

    @Test(arguments: rows)
    func predefined(_ row: Row) throws {
        let acl = try #require(PredefinedACLs.lookup(row.name))
        let result = acl.evaluate(SampleContext(head: row.head, connection: row.connection))
        #expect((result == .pass) == row.expected)
    }
}

struct PatternFileTests {
    @Test func patternsAreReadFromFileSkippingCommentsAndBlanks() throws {
        let path = NSTemporaryDirectory() + "lbcore-patterns-\(getpid()).lst"
        try "# static prefixes\n/static\n\n   /assets  \n# /api\n/img\r\n".write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }

        #expect(Fixture.acl("path_beg", ["-f", path], []) == .pass)
        #expect(Fixture.acl("path_beg", ["-f", path], [], head: Fixture.request("GET", "/assets/x.css")) == .pass)
        #expect(Fixture.acl("path_beg", ["-f", path], [], head: Fixture.request("GET", "/img/a")) == .pass)
        #expect(Fixture.acl("path_beg", ["-f", path], [], head: Fixture.request("GET", "/api/v1")) == .fail)
        #expect(Fixture.acl("path_beg", ["-f", path], [], head: Fixture.request("GET", "/")) == .fail)
        // Inline patterns and file patterns combine; -i applies to both.
        #expect(Fixture.acl("path_beg", ["-i", "-f", path], ["/API"], head: Fixture.request("GET", "/api/v1")) == .pass)
        #expect(Fixture.acl("path_beg", ["-i", "-f", path], [], head: Fixture.request("GET", "/ASSETS/x")) == .pass)
    }

    @Test func networksFromFile() throws {
        let path = NSTemporaryDirectory() + "lbcore-networks-\(getpid()).lst"
        try "10.0.0.0/8\n192.168.1.0/24\n".write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(Fixture.acl("src", ["-f", path], []) == .pass)
        #expect(Fixture.acl("src", ["-f", path], [], connection: Fixture.connection(source: "172.16.0.1")) == .fail)
    }

    @Test func missingFileIsAnErrorAtTheACLLine() {
        var environment = CompileEnvironment()
        let criterion = ACLCriterion(fetch: "path_beg", flags: ["-f", "/nonexistent/file.lst"], location: Fixture.location(9))
        #expect(ACLCompiler.compile(criterion, environment: &environment) == nil)
        #expect(environment.diagnostics.first?.location.line == 9)
        #expect(environment.diagnostics.first?.severity == .error)
    }
}
