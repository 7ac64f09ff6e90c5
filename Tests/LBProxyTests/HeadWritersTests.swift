import LBConfig
import LBCore
import NIOCore
import Testing
@testable import LBProxy

/// The heads lb writes to servers and clients, byte for byte, from parsed heads (no sockets).
@Suite struct HeadWritersTests {
    static let requests = RequestHeadParser(maxHeadSize: 65536, maxHeaders: 101)
    static let responses = ResponseHeadParser(maxHeadSize: 65536, maxHeaders: 101)
    static let client = ConnectionInfo(source: IPAddress("192.0.2.7"), sourcePort: 40000,
                                       destination: IPAddress("127.0.0.1"), destinationPort: 80)

    static func request(_ text: String) throws -> ParsedRequest {
        try #require(try requests.parse(ByteBuffer(string: text)))
    }

    static func upstreamHead(
        _ text: String, mode: HTTPConnectionMode = .keepAlive, forwardFor: ForwardForSettings? = nil
    ) throws -> String {
        let parsed = try request(text)
        var buffer = ByteBuffer()
        UpstreamRequestWriter.write(parsed, head: parsed.head, mode: mode, frontendForwardFor: forwardFor,
                                    backendForwardFor: nil, client: client, into: &buffer)
        return String(buffer: buffer)
    }

    @Test func aBrowserRequestReachesTheServerWithItsFieldsInOrderAndHopByHopOnesGone() throws {
        let fields = [
            "Host: www.example.com",
            "User-Agent: Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0",
            "Accept: text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
            "Accept-Language: en-US,en;q=0.5",
            "Cookie: session=0123456789abcdef0123456789abcdef; theme=dark",
        ]
        let sent = "GET /a/long/path?with=query&and=more HTTP/1.1\r\n" + fields.joined(separator: "\r\n")
            + "\r\nConnection: keep-alive, X-Trace\r\nKeep-Alive: timeout=5\r\nX-Trace: 1\r\nTE: trailers\r\n\r\n"
        #expect(try Self.upstreamHead(sent) == "GET /a/long/path?with=query&and=more HTTP/1.1\r\n"
            + fields.joined(separator: "\r\n") + "\r\n\r\n")
        #expect(try Self.upstreamHead(sent, mode: .close, forwardFor: ForwardForSettings()) ==
            "GET /a/long/path?with=query&and=more HTTP/1.1\r\n" + fields.joined(separator: "\r\n")
            + "\r\nX-Forwarded-For: 192.0.2.7\r\nConnection: close\r\n\r\n")
    }

    @Test func anHTTP10RequestAsksTheServerToKeepTheConnection() throws {
        #expect(try Self.upstreamHead("GET / HTTP/1.0\r\nHost: x\r\n\r\n") ==
            "GET / HTTP/1.0\r\nHost: x\r\nConnection: keep-alive\r\n\r\n")
    }

    /// A field is copied whole however long it is, multi-byte UTF-8 included.
    @Test func longFieldsAndUTF8AreCopiedWhole() throws {
        let long = String(repeating: "v", count: 20000)
        var sent = ByteBuffer(string: "PUT /up HTTP/1.1\r\nHost: x\r\nX-Long: \(long)\r\nX-Accent: caf")
        sent.writeBytes([0xC3, 0xA9])
        sent.writeString("\r\n\r\n")
        let parsed = try #require(try Self.requests.parse(sent))
        var buffer = ByteBuffer()
        UpstreamRequestWriter.write(parsed, head: parsed.head, mode: .keepAlive, frontendForwardFor: nil,
                                    backendForwardFor: nil, client: Self.client, into: &buffer)
        #expect(String(buffer: buffer) == "PUT /up HTTP/1.1\r\nHost: x\r\nX-Long: \(long)\r\nX-Accent: caf\u{E9}\r\n\r\n")
    }

    static func clientHead(
        _ text: String, connection: StaticString?, edit: ClientResponseWriter.FieldEdit? = nil, extra: [String] = []
    ) throws -> String {
        let source = ByteBuffer(string: text)
        let parsed = try #require(try responses.parse(source))
        var buffer = ByteBuffer()
        ClientResponseWriter.write(parsed, from: source, passUpgrade: false, connection: connection, edit: edit,
                                   extraFields: extra, into: &buffer)
        return String(buffer: buffer)
    }

    /// Lines that end in a bare LF come out longer (CRLF) than they went in.
    @Test func aServerHeadWithBareLineFeedsIsWrittenWithCRLF() throws {
        let fields = (0..<40).map { "X-Field-\($0): \(String(repeating: "a", count: $0))" }
        let sent = "HTTP/1.1 200 OK\n" + fields.joined(separator: "\n") + "\nConnection: keep-alive\nContent-Length: 0\n\n"
        #expect(try Self.clientHead(sent, connection: "close") ==
            "HTTP/1.1 200 OK\r\n" + fields.joined(separator: "\r\n") + "\r\nContent-Length: 0\r\nconnection: close\r\n\r\n")
    }

    @Test func fieldsTheServerNamesInConnectionStayWithLb() throws {
        let sent = "HTTP/1.1 200 OK\r\nConnection: X-Private, keep-alive\r\nx-private: secret\r\nKeep-Alive: timeout=5\r\n"
            + "X-Public: yes\r\nContent-Length: 0\r\n\r\n"
        #expect(try Self.clientHead(sent, connection: "keep-alive") ==
            "HTTP/1.1 200 OK\r\nX-Public: yes\r\nContent-Length: 0\r\nconnection: keep-alive\r\n\r\n")
    }

    @Test func anEditCanReplaceAValueWithALongerOneAndDropAnother() throws {
        let replacement = String(repeating: "c", count: 5000)
        let sent = "HTTP/1.1 200 OK\r\nSet-Cookie: a=1\r\nX-Drop: y\r\nContent-Length: 0\r\n\r\n"
        let written = try Self.clientHead(sent, connection: nil, edit: { name, _ in
            name == "Set-Cookie" ? .replace(replacement) : name == "X-Drop" ? .drop : .keep
        }, extra: ["Set-Cookie: SRV=s1; path=/"])
        #expect(written == "HTTP/1.1 200 OK\r\nSet-Cookie: \(replacement)\r\nContent-Length: 0\r\nSet-Cookie: SRV=s1; path=/\r\n\r\n")
    }

    @Test func ruleFieldsReplaceTheServersOwn() throws {
        let source = ByteBuffer(string: "HTTP/1.1 404 Not Found\r\nServer: nginx\r\nContent-Length: 0\r\n\r\n")
        let parsed = try #require(try Self.responses.parse(source))
        var fields = HTTPHeaderFields()
        fields.add("Content-Length", "0")
        fields.add("X-Added", String(repeating: "z", count: 300))
        var buffer = ByteBuffer()
        ClientResponseWriter.write(parsed, from: source, fields: fields, connection: "keep-alive", into: &buffer)
        #expect(String(buffer: buffer) == "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nX-Added: \(String(repeating: "z", count: 300))\r\n"
            + "connection: keep-alive\r\n\r\n")
    }
}
