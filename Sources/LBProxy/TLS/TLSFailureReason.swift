/// A failed handshake's reason, readable in one line: BoringSSL's reason code ("HTTP_REQUEST",
/// "PEER_DID_NOT_RETURN_A_CERTIFICATE") written as words, the way OpenSSL's own messages (and so
/// HAProxy's logs) read, rather than the error's full description with its source file and line.
enum TLSFailureReason {
    static func describe(_ error: Error) -> String {
        let text = String(describing: error)
        guard let marker = text.range(of: "OPENSSL_internal:") else { return text }
        let code = text[marker.upperBound...].prefix { $0.isLetter || $0.isNumber || $0 == "_" }
        guard !code.isEmpty else { return text }
        return code.lowercased().replacingOccurrences(of: "_", with: " ")
    }
}
