import Foundation
import Testing
@testable import LBCore

/// Basic credentials are decoded as strictly as haproxy decodes them (RFC 4648 base64, exact padding,
/// nothing after it): anything else is no credentials at all.
struct BasicAuthTests {
    @Test(arguments: [
        ("YWRtaW46YWRtaW4=", "admin:admin"),
        ("YTpi", "a:b"),
        ("YTpiYw==", "a:bc"),
        ("Pz8+", "??>"),
        ("Pz8/", "???"),
    ])
    func canonicalBase64Decodes(encoded: String, decoded: String) {
        #expect(BasicAuth.decodeBase64(Substring(encoded)) == Array(decoded.utf8))
    }

    @Test(arguments: [
        "YWRtaW46YWRtaW4=====",  // extra padding
        "YWRtaW46YWRtaW4==",  // one = too many
        "YWRtaW46YWRtaW4",  // padding missing
        "YTpiYw=",  // padding short
        "YTpiYw",
        "YWRtaW46YWRtaW4=QUJD",  // data after the padding
        "YTpi====",  // a whole group of padding
        "YT==YTpi",
        "Y===",
        "====",
        "YWRtaW46YWRtaW5=",  // unused low bits set
        "YTpiYx==",
        "Pz8-",  // base64url alphabet
        "Pz8_",
        "YTpi YTpi",  // space inside
        "YTpi!",
        "",
    ])
    func anythingElseIsNoCredentials(encoded: String) {
        #expect(BasicAuth.decodeBase64(Substring(encoded)) == nil)
        #expect(BasicAuth.credentials("Basic " + encoded) == nil)
        #expect(!BasicAuth.accepts("Basic " + encoded, credentials: [("admin", "admin"), ("a", "b"), ("a", "bc")]))
    }

    @Test func exactValuesMatch() {
        let credentials = [(user: "admin", password: "admin")]
        #expect(BasicAuth.accepts("Basic YWRtaW46YWRtaW4=", credentials: credentials))
        #expect(BasicAuth.accepts("basic   YWRtaW46YWRtaW4=  ", credentials: credentials))
        #expect(!BasicAuth.accepts("Basic YWRtaW46YWRtaW4=====", credentials: credentials))
        #expect(BasicAuth.credentials("Basic YTpiYw==").map { [$0.user, $0.password] } == [Array("a".utf8), Array("bc".utf8)])
    }

    /// Every byte string up to 3 bytes round-trips through Foundation's encoder; no input crashes.
    @Test func roundTripsAndSurvivesAnyInput() {
        for length in 0...3 {
            for seed in 0..<200 {
                let bytes = (0..<length).map { UInt8(truncatingIfNeeded: seed &* 37 &+ $0 &* 101) }
                let encoded = Data(bytes).base64EncodedString()
                if !bytes.isEmpty { #expect(BasicAuth.decodeBase64(Substring(encoded)) == bytes) }
            }
        }
        var generator = SystemRandomNumberGenerator()
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=-_ !".utf8)
        for _ in 0..<2000 {
            let text = String(decoding: (0..<Int.random(in: 0...12, using: &generator)).map { _ in alphabet.randomElement(using: &generator)! }, as: UTF8.self)
            if let decoded = BasicAuth.decodeBase64(Substring(text)) {
                #expect(Data(decoded).base64EncodedString() == text, "\(text)")
            }
        }
    }
}
