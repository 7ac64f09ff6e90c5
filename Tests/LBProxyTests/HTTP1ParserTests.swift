import NIOCore
import Testing
@testable import LBProxy

/// The HTTP/1 request parser and body tracker on bytes alone (no sockets): what they refuse, and when.
@Suite struct HTTP1ParserTests {
    static let parser = RequestHeadParser(maxHeadSize: 16384, maxHeaders: 101)

    static func parse(_ bytes: [UInt8]) -> Result<ParsedRequest?, HTTPParseError> {
        do throws(HTTPParseError) {
            return .success(try parser.parse(ByteBuffer(bytes: bytes)))
        } catch {
            return .failure(error)
        }
    }

    static func isRefused(_ bytes: [UInt8]) -> Bool {
        if case .failure = parse(bytes) { return true }
        return false
    }

    static func isWaiting(_ bytes: [UInt8]) -> Bool {
        if case .success(nil) = parse(bytes) { return true }
        return false
    }

    @Test func targetBytesOf0x80AndAboveAreRefused() throws {
        for target: [UInt8] in [[0x2F, 0x80], [0x2F, 0xC3, 0xA9], [0x2F, 0x61, 0xFF, 0x62], [0x2F, 0x3F, 0x71, 0x3D, 0xE2, 0x82, 0xAC]] {
            let request = Array("GET ".utf8) + target + Array(" HTTP/1.1\r\nHost: x\r\n\r\n".utf8)
            guard case .failure(let error) = Self.parse(request) else {
                Issue.record("accepted target \(target)")
                continue
            }
            #expect(error.reason == .badStartLine)
            #expect(error.offset == 4 + target.firstIndex { $0 >= 0x80 }!)
        }
        let encoded = try #require(try Self.parse(Array("GET /caf%C3%A9?q=%E2%82%AC HTTP/1.1\r\nHost: x\r\n\r\n".utf8)).get())
        #expect(encoded.head.uri == "/caf%C3%A9?q=%E2%82%AC")
        #expect(encoded.head.method == "GET")
    }

    static let impossibleStarts: [(String, [UInt8])] = [
        ("binary", [0x00, 0x01, 0x02, 0xFF, 0xFE]),
        ("TLS ClientHello", [0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01, 0xFC, 0x03, 0x03]),
        ("space before the method", Array(" GET / HTTP/1.1".utf8)),
        ("control in the method", Array("GE\u{7}T".utf8)),
        ("non-token in the method", Array("GET(".utf8)),
        ("two spaces", Array("GET  /".utf8)),
        ("control in the target", Array("GET /a\u{1}b".utf8)),
        ("0x80 in the target", Array("GET /a".utf8) + [0x80]),
        ("tab after the target", Array("GET /a\tHTTP/1.1".utf8)),
        ("lowercase h", Array("GET / http".utf8)),
        ("not HTTP", Array("GET / FTP/1.1".utf8)),
        ("letter for the major version", Array("GET / HTTP/x".utf8)),
        ("comma for the dot", Array("GET / HTTP/1,".utf8)),
        ("version too long", Array("GET / HTTP/1.10".utf8)),
        ("bare CR inside the line", Array("GET / HTTP/1.1\rX".utf8)),
        ("complete line without version", Array("GET /\r\nHost: x\r\n".utf8)),
    ]

    /// Bytes that no request line can start with, or hold where they are, refuse the head before any
    /// line end arrives.
    @Test(arguments: impossibleStarts)
    func partialHeadsAreRefusedAtTheFirstImpossibleByte(name: String, bytes: [UInt8]) {
        #expect(Self.isRefused(bytes), "\(name)")
    }

    @Test(arguments: [
        "", "\r\n", "\r\n\r\nG", "G", "GET", "GET ", "GET /", "GET /a?b=c", "GET / ", "GET / H", "GET / HTt", "GET / HTTP/",
        "GET / HTTP/1", "GET / HTTP/1.", "GET / HTTP/1.1", "GET / HTTP/1.1\r", "GET / HTTP/1.1\r\n", "GET / HTTP/1.1\r\nHost: x\r\n",
        "OPTIONS * HTTP/1.0\r\n", "M-SEARCH * HTTP/1.1\r\n\r", "GET / HTTP/2.0",
    ])
    func prefixesOfAValidRequestWait(prefix: String) {
        #expect(Self.isWaiting(Array(prefix.utf8)), "\(prefix.debugDescription)")
    }

    /// A control byte or DEL anywhere in a value is refused at its own offset; a tab is allowed.
    @Test func aControlInAValueIsRefusedWhereItIs() throws {
        let prefix = Array("GET / HTTP/1.1\r\nHost: x\r\nX-Value: ".utf8)
        let value = Array("abcdefghijklmnopqrstuvwxyz0123456789".utf8)
        for byte: UInt8 in [0x00, 0x01, 0x0b, 0x1f, 0x7f] {
            for position in value.indices {
                var bad = value
                bad[position] = byte
                guard case .failure(let error) = Self.parse(prefix + bad + Array("\r\n\r\n".utf8)) else {
                    Issue.record("accepted byte \(byte) at \(position)")
                    continue
                }
                #expect(error.reason == .badHeaderValue && error.offset == prefix.count + position, "byte \(byte) at \(position)")
            }
        }
        for position in 1..<value.count - 1 {
            var tabbed = value
            tabbed[position] = 0x09
            let parsed = try #require(try Self.parse(prefix + tabbed + [0xC3, 0xA9] + Array("\r\n\r\n".utf8)).get())
            #expect(parsed.head.headers.first("X-Value") == String(decoding: tabbed + [0xC3, 0xA9], as: UTF8.self))
        }
    }

    @Test func everyPrefixOfValidRequestsWaits() throws {
        for request in ["GET /index.html?x=1 HTTP/1.1\r\nHost: a\r\n\r\n", "\r\nPOST /p HTTP/1.0\nContent-Length: 0\n\n"] {
            let bytes = Array(request.utf8)
            for end in 0..<bytes.count { #expect(Self.isWaiting(Array(bytes[..<end])), "\(request.prefix(end).debugDescription)") }
            #expect(try Self.parse(bytes).get()?.headLength == bytes.count)
        }
    }

    // MARK: Chunked framing

    enum Outcome: Equatable {
        case complete(consumed: Int)
        case waiting
        case refused
    }

    /// Feeds `body` to a chunked tracker in pieces of `step` bytes.
    static func track(_ body: String, step: Int = .max) -> Outcome {
        var tracker = BodyTracker(.chunked)
        let bytes = Array(body.utf8)
        var offset = 0
        while offset < bytes.count && !tracker.isComplete {
            let piece = ByteBuffer(bytes: bytes[offset..<min(bytes.count, offset + step)])
            do throws(HTTPParseError) {
                let used = try tracker.advance(over: piece)
                offset += used
                if used < piece.readableBytes { break }
            } catch {
                return .refused
            }
        }
        return tracker.isComplete ? .complete(consumed: offset) : .waiting
    }

    @Test(arguments: [
        ("bare LF after the size", "5\nhello\r\n0\r\n\r\n"),
        ("bare LF after an extension", "5;a=b\nhello\r\n0\r\n\r\n"),
        ("bare LF after the data", "5\r\nhello\n0\r\n\r\n"),
        ("bare LF after the last size", "5\r\nhello\r\n0\n\r\n"),
        ("bare LF ending the trailers", "0\r\n\n"),
        ("bare LF after a trailer", "0\r\nX-T: 1\n\r\n"),
        ("CR without LF after the data", "5\r\nhello\rX0\r\n\r\n"),
    ])
    func bareLFInChunkFramingIsRefused(name: String, body: String) {
        for step in [1, 2, 7, Int.max] {
            #expect(Self.track(body, step: step) == .refused, "\(name), pieces of \(step)")
        }
    }

    @Test func crlfChunkFramingCompletes() {
        let body = "5\r\nhello\r\n6;ext=1\r\n world\r\n0\r\nX-Trailer: t\r\n\r\n"
        for step in [1, 2, 3, 5, 8, Int.max] {
            #expect(Self.track(body + "GET / HTTP/1.1\r\n", step: step) == .complete(consumed: body.utf8.count), "pieces of \(step)")
        }
        #expect(Self.track("0\r\n\r\n") == .complete(consumed: 5))
        #expect(Self.track("5\r\nhel") == .waiting)
    }
}
