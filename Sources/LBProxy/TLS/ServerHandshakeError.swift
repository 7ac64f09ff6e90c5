import NIOCore
import NIOSSL

/// Why a TLS handshake with a server failed, worded as HAProxy's connection error codes (`SSL_HANDSHAKE`,
/// `SSL_MISMATCH_SNI`...), which its health checks report as the check's info.
enum ServerHandshakeError: Error, CustomStringConvertible {
    /// The TLS layer refused the handshake (bad certificate chain, no common protocol or cipher...).
    case failed(any Error)
    /// The server closed the connection before the handshake completed.
    case closed
    /// The handshake did not complete in time.
    case timedOut
    /// The certificate is valid but for another name than the SNI sent (`sni: true`) or `verifyhost`.
    case nameMismatch(sni: Bool)

    var description: String {
        switch self {
        case .failed: "SSL handshake failure"
        case .closed: "Connection closed during SSL handshake"
        case .timedOut: "Timeout during SSL handshake"
        case .nameMismatch(let sni):
            sni ? "Server presented an SSL certificate different from the expected one"
                : "Server presented an SSL certificate different from the configured one"
        }
    }
}
