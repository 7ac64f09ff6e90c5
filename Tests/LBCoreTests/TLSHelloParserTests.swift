import Testing
@testable import LBCore

/// The hellos read off the wire: built here byte by byte, as RFC 8446 §4.1 lays them out.
struct TLSHelloParserTests {
    static func u16(_ value: Int) -> [UInt8] { [UInt8(value >> 8), UInt8(value & 0xff)] }
    static func vector16(_ bytes: [UInt8]) -> [UInt8] { u16(bytes.count) + bytes }
    static func vector8(_ bytes: [UInt8]) -> [UInt8] { [UInt8(bytes.count)] + bytes }
    static func extensionBlock(_ type: Int, _ body: [UInt8]) -> [UInt8] { u16(type) + vector16(body) }

    /// Wraps a handshake message in one or more records of at most `recordSize` bytes.
    static func records(type: UInt8, _ body: [UInt8], recordSize: Int = 16_384) -> [UInt8] {
        let message = [type, 0, UInt8(body.count >> 8), UInt8(body.count & 0xff)] + body
        var out: [UInt8] = []
        for start in stride(from: 0, to: message.count, by: recordSize) {
            let chunk = Array(message[start..<min(start + recordSize, message.count)])
            out += [22, 3, 1] + u16(chunk.count) + chunk
        }
        return out
    }

    static func clientHello(sni: String, sessionID: [UInt8] = [], versions: [Int] = [0x0a0a, 0x0304, 0x0303]) -> [UInt8] {
        let serverName = vector16([0] + vector16(Array(sni.utf8)))
        let alpn = vector16(vector8(Array("h2".utf8)) + vector8(Array("http/1.1".utf8)))
        let supported = vector8(versions.flatMap(u16))
        let extensions = extensionBlock(0x0000, serverName) + extensionBlock(0x0010, alpn) + extensionBlock(0x002b, supported)
        let body = u16(0x0303) + [UInt8](repeating: 7, count: 32) + vector8(sessionID) + vector16(u16(0x1301) + u16(0xc02f))
            + vector8([0]) + vector16(extensions)
        return records(type: 1, body)
    }

    static func serverHello(suite: Int, version: Int?, sessionID: [UInt8] = [], psk: Bool = false) -> [UInt8] {
        var extensions: [UInt8] = []
        if let version { extensions += extensionBlock(0x002b, u16(version)) }
        if psk { extensions += extensionBlock(0x0029, u16(0)) }
        let body = u16(0x0303) + [UInt8](repeating: 9, count: 32) + vector8(sessionID) + u16(suite) + [0] + vector16(extensions)
        return records(type: 2, body)
    }

    @Test func aClientHelloGivesItsNameProtocolsAndVersion() {
        var parser = TLSHelloParser(.clientHello)
        guard case .hello(let hello) = parser.feed(Self.clientHello(sni: "www.example.com", sessionID: [1, 2, 3])) else {
            Issue.record("no hello")
            return
        }
        #expect(hello.serverName == "www.example.com")
        #expect(hello.alpn == ["h2", "http/1.1"])
        // GREASE (0x0a0a) is ignored: the highest real version offered is TLS 1.3.
        #expect(hello.version == 0x0304)
        #expect(hello.sessionID == [1, 2, 3])
        #expect(hello.cipherSuites == [0x1301, 0xc02f])
    }

    @Test func aHelloSplitAcrossRecordsAndReadsArrivesWhole() {
        let bytes = Self.clientHello(sni: "split.example", versions: [0x0303])
        var parser = TLSHelloParser(.clientHello)
        var outcome = TLSHelloParser.Outcome.incomplete
        // Re-framed in 50-byte records, fed 7 bytes at a time.
        let body = Array(bytes[9...])
        let reframed = Self.records(type: 1, body, recordSize: 50)
        for start in stride(from: 0, to: reframed.count, by: 7) {
            outcome = parser.feed(reframed[start..<min(start + 7, reframed.count)])
            if case .hello = outcome { break }
            #expect(outcome == .incomplete)
        }
        guard case .hello(let hello) = outcome else {
            Issue.record("no hello: \(outcome)")
            return
        }
        #expect(hello.serverName == "split.example")
        #expect(hello.version == 0x0303)
    }

    @Test func aServerHelloGivesTheCipherAndResumption() {
        var tls13 = TLSHelloParser(.serverHello)
        guard case .hello(let resumed) = tls13.feed(Self.serverHello(suite: 0x1302, version: 0x0304, psk: true)) else {
            Issue.record("no hello")
            return
        }
        #expect(resumed.version == 0x0304 && resumed.hasPreSharedKey)
        #expect(TLSCipherNames.name(resumed.cipherSuites[0]) == "TLS_AES_256_GCM_SHA384")
        var tls12 = TLSHelloParser(.serverHello)
        guard case .hello(let full) = tls12.feed(Self.serverHello(suite: 0xc02f, version: nil, sessionID: [5])) else {
            Issue.record("no hello")
            return
        }
        #expect(full.version == 0x0303 && !full.hasPreSharedKey && full.sessionID == [5])
        #expect(TLSCipherNames.name(full.cipherSuites[0]) == "ECDHE-RSA-AES128-GCM-SHA256")
        #expect(TLSCipherNames.name(0xbeef) == "0xBEEF")
    }

    @Test func plainTextIsNotAHello() {
        var parser = TLSHelloParser(.clientHello)
        #expect(parser.feed(Array("GET / HTTP/1.1\r\n\r\n".utf8)) == .invalid(reason: "not a TLS handshake record (content type 71)", offset: 0))
    }

    @Test func sha1MatchesTheStandardVectors() {
        #expect(SHA1.hex(SHA1.digest(Array("abc".utf8))) == "A9993E364706816ABA3E25717850C26C9CD0D89D")
        #expect(SHA1.hex(SHA1.digest([])) == "DA39A3EE5E6B4B0D3255BFEF95601890AFD80709")
        #expect(SHA1.hex(SHA1.digest(Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8)))
                == "84983E441C3BD26EBAAE4AA1F95129E5E54670F1")
    }
}
