import Testing
@testable import LBLog

@Suite struct LogFormatCompilerTests {
    static let record: LogRecord = {
        var record = sampleRecord(port: 54800, time: (2, 40, 29, 39), request: "GET /p/a?x=1&y=2 HTTP/1.1")
        record.frontendAddress = "10.0.0.1"
        record.frontendPort = 80
        record.serverAddress = "10.0.0.9"
        record.serverPort = 8080
        record.bytesFromClient = 77
        record.uniqueID = "ID-1"
        record.timeHandshake = 0
        record.timeIdle = 5
        record.timeTotal = 12
        return record
    }()

    @Test(arguments: [
        ("%Ts %ms", "1795574429 39"),
        ("%T", "25/Nov/2026:02:40:29 +0000"),
        ("%U %ID %H %pid", "77 ID-1 lbhost 8293"),
        ("%si:%sp %fi:%fp", "10.0.0.9:8080 10.0.0.1:80"),
        ("%HM|%HU|%HP|%HQ|%HV", "GET|/p/a?x=1&y=2|/p/a|?x=1&y=2|HTTP/1.1"),
        ("%{+Q}HM %{+Q}r", #""GET" "GET /p/a?x=1&y=2 HTTP/1.1""#),
        ("%{+X}ST %{+X}B", "C8 B9"),
        ("%Tq %Tt %Tu %Td", "5 12 7 0"),
        ("100%% %ci", "100% 127.0.0.1"),
        ("a   b", "a b"),
        ("%CC %{+Q}CC", #"- """#),
        ("x %hs y", "x y"),
        ("%bi %sslv", "- -"),
    ] as [(String, String)])
    func aliases(format: String, expected: String) throws {
        let compiled = try LogFormat(format)
        #expect(compiled.string(Self.record, context: LogRenderContext(hostname: "lbhost", pid: 8293)) == expected)
    }

    @Test func escapeFlagForStructuredData() throws {
        var record = Self.record
        record.requestLine = #"GET /a"b\c]d HTTP/1.1"#
        #expect(try LogFormat("%{+E}r").string(record) == #"GET /a\"b\\c\]d HTTP/1.1"#)
    }

    @Test func samplesArePassedInByTheCaller() throws {
        let format = try LogFormat("%[src] x %{+Q}[req.hdr(host),lower] %[missing]")
        #expect(format.sampleExpressions == ["src", "req.hdr(host),lower", "missing"])
        #expect(format.string(Self.record, samples: ["1.2.3.4", "example.com", nil]) == #"1.2.3.4 x "example.com" -"#)
    }

    @Test(arguments: ["%", "%zz", "%{+Q", "%{+W}r", "%[src", "%(x:float)ST", "%{+Q}"])
    func rejects(format: String) {
        #expect(throws: LogFormatError.self) { try LogFormat(format) }
    }

    @Test func builtinsCompileToTheirSource() {
        #expect(LogFormat.httplog.source == BuiltinLogFormats.httplog)
        #expect(!LogFormat.httplog.isJSON)
    }
}

@Suite struct LogFormatJSONTests {
    @Test func haproxy3NamedItems() throws {
        let format = try LogFormat("%{+json}o %(client_ip)ci %(status:sint)ST %(request)r %ft literal %(cookie)CC %(port:str)cp")
        #expect(format.isJSON)
        let record = sampleRecord(port: 54800, time: (2, 40, 29, 39))
        #expect(format.string(record) ==
            #"{"client_ip": "127.0.0.1", "status": 200, "request": "GET /index.html HTTP/1.1", "cookie": null, "port": "54800"}"#)
    }

    @Test func badRequestAndAbsentStatus() throws {
        let format = try LogFormat("%{+json}o %(r)r %(st)ST %(hr)hr")
        var record = sampleRecord(port: 1, time: (0, 0, 0, 0), headers: ["a\"b"], request: nil)
        record.status = -1
        #expect(format.string(record) == #"{"r": "<BADREQ>", "st": null, "hr": ["a\"b"]}"#)
    }
}
