import Testing
@testable import LBLog

/// The TLS facts of a record: `%sslv`, `%sslc`, `%Th` and `%ft`'s `~` in log-format, the `ssl_*` keys of
/// JSON lines, `option httpslog`'s line, and the wire the data plane hands records over on.
@Suite struct TLSLogFieldsTests {
    static func tlsRecord() -> LogRecord {
        var record = sampleRecord(port: 41000, time: (2, 40, 29, 39), headers: nil)
        record.frontendIsTLS = true
        record.sslVersion = "TLSv1.3"
        record.sslCipher = "TLS_AES_128_GCM_SHA256"
        record.sslServerName = "a.example"
        record.sslResumed = true
        record.timeHandshake = 7
        return record
    }

    @Test func logFormatPrintsVersionCipherAndHandshakeTime() throws {
        let format = try LogFormat("%ft %f %sslv %sslc %Th %{+Q}sslv")
        #expect(format.string(Self.tlsRecord()) == #"fe_main~ fe_main TLSv1.3 TLS_AES_128_GCM_SHA256 7 "TLSv1.3""#)
        // A plain connection has no TLS facts: `-` (quoted: empty), and no handshake time.
        #expect(format.string(sampleRecord(port: 1, time: (0, 0, 0, 0))) == #"fe_main fe_main - - 0 """#)
    }

    @Test func httpslogFollowsTheRequestLineWithTheTLSFacts() throws {
        let samples = ["0", "0000000000000000", "0", "0", "1", "a.example"]
        let line = LogFormat.httpslog.string(Self.tlsRecord(), samples: samples)
        #expect(line.hasPrefix("127.0.0.1:41000 [25/Nov/2026:02:40:29.039] fe_main~ be_app/web1 0/0/0/0/0 200 185 - - --NI "))
        #expect(line.hasSuffix(#" "GET /index.html HTTP/1.1" 0/0000000000000000/0/0/1 a.example/TLSv1.3/TLS_AES_128_GCM_SHA256"#))
        // A plain connection: only the connection error has a value.
        let plain = LogFormat.httpslog.string(sampleRecord(port: 1, time: (0, 0, 0, 0), headers: nil), samples: ["0", nil, nil, nil, nil, nil])
        #expect(plain.hasSuffix(#" "GET /index.html HTTP/1.1" 0/-/-/-/- -/-/-"#))
    }

    /// lblog reads httpslog lines as httplog ones (the tail after the request line is not a field it
    /// reports), and the `~` of a TLS frontend back as the frontend's name plus the TLS flag.
    @Test func readerReadsHttpslogLines() throws {
        let samples = ["0", "0000000000000000", "0", "0", "0", "a.example"]
        let line = "Nov 25 02:40:29 lbhost lb[1]: " + LogFormat.httpslog.string(Self.tlsRecord(), samples: samples)
        let back = try #require(FormatRoundTripTests.parsed(line), "unparsed: \(line)")
        #expect(back.frontend == "fe_main")
        #expect(back.frontendIsTLS)
        #expect(back.status == 200)
        #expect(back.requestLine == "GET /index.html HTTP/1.1")
        #expect(back.terminationState == "--NI")
    }

    @Test func jsonLinesCarryTheSSLKeys() {
        let tls = JSONRecordFormat.string(Self.tlsRecord())
        #expect(tls.contains(#""frontend":"fe_main","frontend_is_tls":true"#))
        #expect(tls.contains(#""time_handshake":7"#))
        #expect(tls.contains(#""ssl_version":"TLSv1.3","ssl_cipher":"TLS_AES_128_GCM_SHA256","ssl_sni":"a.example","ssl_resumed":true"#))
        // A plain connection's record has no `ssl_*` key (and is no longer than it was before TLS).
        let plain = JSONRecordFormat.string(sampleRecord(port: 1, time: (0, 0, 0, 0)))
        #expect(!plain.contains("\"ssl_") && plain.contains(#""frontend_is_tls":false"#))
    }

    /// The data plane's hand-over: the TLS texts and flags survive the wire, and the httplog line written
    /// straight from the wire bytes marks the frontend as the interpreted format does.
    @Test func wireKeepsTheTLSFactsAndTheFastLineMarksTheFrontend() {
        let record = Self.tlsRecord()
        var buffer = WireBuffer(capacity: 256)
        defer { buffer.deallocate() }
        LogRecordWire.encode(record, samples: [], into: &buffer)
        #expect(LogRecordWire.decode(buffer.bytes).record == record)
        var context = LogRenderContext()
        var fast: [UInt8] = []
        HTTPLogLine.render(WireRecordView(buffer.bytes), context: &context, into: &fast)
        #expect(String(decoding: fast, as: UTF8.self) == LogFormat.httplog.string(record))
        #expect(String(decoding: fast, as: UTF8.self).contains(" fe_main~ be_app/web1 "))
    }
}
