import LBConfig
import Testing
@testable import LBCore

/// The RDP connection request's cookie, as `req.rdp_cookie`, `balance rdp-cookie` and `persist
/// rdp-cookie` read it.
struct RDPConnectionRequestTests {
    static func request(_ cookie: String) -> [UInt8] {
        let line = Array("Cookie: \(cookie)\r\n".utf8)
        let body: [UInt8] = [UInt8(6 + line.count), 0xE0, 0, 0, 0, 0, 0] + line + [1, 0, 8, 0, 3, 0, 0, 0]
        return [3, 0, UInt8((4 + body.count) >> 8), UInt8((4 + body.count) & 0xFF)] + body
    }

    @Test func cookiesByNameWithoutCase() {
        let bytes = Self.request("mstshash=alice")
        #expect(RDPConnectionRequest.cookie(in: bytes, name: "mstshash") == "alice")
        #expect(RDPConnectionRequest.cookie(in: bytes, name: "MSTSHash") == "alice")
        #expect(RDPConnectionRequest.cookie(in: bytes, name: "msts") == nil)
        #expect(RDPConnectionRequest.cookie(in: bytes, name: nil) == "mstshash=alice")
        #expect(RDPConnectionRequest.cookie(in: Array("GET / HTTP/1.1\r\n".utf8), name: nil) == nil)
    }

    @Test func aRequestStillArrivingIsWaitedFor() {
        let bytes = Self.request("mstshash=alice")
        for end in [1, 3, 4, 20, bytes.count - 1] {
            #expect(RDPConnectionRequest.isIncomplete(bytes.prefix(end)), "\(end) bytes")
        }
        #expect(!RDPConnectionRequest.isIncomplete(bytes))
        #expect(RDPConnectionRequest.isComplete(bytes) && !RDPConnectionRequest.isComplete(bytes.dropLast()))
        #expect(!RDPConnectionRequest.isIncomplete(Array("\u{16}\u{3}\u{1}".utf8)))
        #expect(!RDPConnectionRequest.isIncomplete([3, 1]))
    }

    @Test func aBrokerCookieDecodesToAnAddressAndPort() throws {
        // 10.0.0.1:3389, as a session broker writes it.
        let named = try #require(RDPConnectionRequest.serverAddress(fromMSTS: "16777226.15629.0000"))
        #expect(named.address == IPAddress("10.0.0.1") && named.port == 3389)
        #expect(RDPConnectionRequest.serverAddress(fromMSTS: "alice") == nil)
    }

    @Test func thePayloadFetchCountsBytes() throws {
        let content = InspectedContent(length: 5, clientHello: nil, bytes: Array("QUIT\n".utf8))
        #expect(ContentFetchField.payload(offset: 0, length: 4).value(content)?.text == "QUIT")
        #expect(ContentFetchField.payload(offset: 2, length: 0).value(content)?.text == "IT\n")
        #expect(ContentFetchField.payload(offset: 2, length: 4).value(content) == nil, "not enough bytes")
        #expect(ContentFetchField.rdpCookieCount(name: nil).value(content)?.text == "0")
    }
}
