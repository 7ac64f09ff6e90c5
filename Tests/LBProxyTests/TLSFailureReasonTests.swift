import Testing
@testable import LBProxy

struct TLSFailureReasonTests {
    struct Described: Error, CustomStringConvertible {
        let description: String
    }

    @Test func boringSSLReasonsReadAsWords() {
        let plainHTTP = Described(description: "handshakeFailed(NIOSSL.BoringSSLError.sslError([Error: 268435612 error:1000009c:"
            + "SSL routines:OPENSSL_internal:HTTP_REQUEST at /src/ssl/s3_both.cc:485]))")
        #expect(TLSFailureReason.describe(plainHTTP) == "http request")
        let noCertificate = Described(description: "error:100000c0:SSL routines:OPENSSL_internal:PEER_DID_NOT_RETURN_A_CERTIFICATE at x")
        #expect(TLSFailureReason.describe(noCertificate) == "peer did not return a certificate")
        #expect(TLSFailureReason.describe(Described(description: "uncleanShutdown")) == "uncleanShutdown")
    }
}
