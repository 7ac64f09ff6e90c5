import Foundation
import Testing
@testable import LBLog

/// JSON output must parse for *any* bytes in headers and URIs.
@Suite struct JSONValidityTests {
    @Test func randomBytesAlwaysYieldValidJSON() throws {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<2000 {
            let length = Int.random(in: 0...24, using: &generator)
            let bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }
            var output: [UInt8] = []
            output.append(0x5B)
            output.appendJSONString(bytes)
            output.append(0x5D)
            let parsed = try JSONSerialization.jsonObject(with: Data(output)) as? [String]
            #expect(parsed?.count == 1)
            if bytes.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) {
                #expect(parsed?.first == String(decoding: bytes, as: UTF8.self))
            }
        }
    }

    @Test(arguments: [
        ([0x61, 0xC3, 0xA9] as [UInt8], "aé"),
        ([0xFF, 0x41], "\u{FF}A"),
        ([0xC3], "\u{C3}"),
        ([0xED, 0xA0, 0x80], "\u{ED}\u{A0}\u{80}"),
        ([0xF0, 0x9F, 0x98, 0x80], "😀"),
        ([0x0A, 0x00, 0x22, 0x5C], "\n\u{0}\"\\"),
    ])
    func invalidUTF8BytesBecomeCodePoints(bytes: [UInt8], decoded: String) throws {
        var output: [UInt8] = []
        output.appendJSONString(bytes)
        let value = try JSONSerialization.jsonObject(with: Data(output), options: .fragmentsAllowed) as? String
        #expect(value == decoded)
    }

    /// DEL and C1 controls are escaped too: a terminal showing the line raw would obey them.
    @Test func delAndC1ControlsAreEscapedWithTheSameMeaning() throws {
        var output: [UInt8] = []
        output.appendJSONString(Array("a\u{7F}\u{9B}2K\u{85}\u{A0}é".utf8))
        #expect(String(decoding: output, as: UTF8.self) == #""a\u007F\u009B2K\u0085"# + "\u{A0}é\"")
        let value = try JSONSerialization.jsonObject(with: Data(output), options: .fragmentsAllowed) as? String
        #expect(value == "a\u{7F}\u{9B}2K\u{85}\u{A0}é")
    }

    @Test func recordFormatIsTypedAndValid() throws {
        var record = sampleRecord(port: 54800, time: (2, 40, 29, 39), headers: ["bin\u{1}\u{FFFD}", ""])
        record.status = -1
        record.uri = "/x\u{7}"
        let line = JSONRecordFormat.string(record)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        #expect(object["client_port"] as? Int == 54800)
        #expect(object["status"] is NSNull)
        #expect(object["server_address"] is NSNull)
        #expect(object["time_request"] as? Int == 0)
        #expect(object["termination_state"] as? String == "--NI")
        #expect(object["captured_request_headers"] as? [String] == ["bin\u{1}\u{FFFD}", ""])
        #expect(object["captured_response_headers"] is NSNull)
        #expect(object["uri"] as? String == "/x\u{7}")
        #expect(object["request_date_milliseconds"] as? Int64 == record.requestDateMilliseconds)
    }
}
