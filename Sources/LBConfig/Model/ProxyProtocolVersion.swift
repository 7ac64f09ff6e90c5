/// The PROXY protocol version a `server` line asks lb to write first on each connection to it:
/// `send-proxy` (version 1, one text line) or `send-proxy-v2` (version 2, binary).
public enum ProxyProtocolVersion: Sendable, Hashable {
    case v1
    case v2
}
