import LBConfig
import LBCore
import NIOCore

/// Serializes a request head for the server: hop-by-hop fields removed, `X-Forwarded-For` added as
/// configured, and a `Connection` field that matches the connection mode.
enum UpstreamRequestWriter {
    /// Fields that describe one hop and never travel past the proxy (RFC 9110 §7.6.1).
    static func isHopByHop(_ name: String) -> Bool {
        switch name.utf8.count {
        case 2: return name.equalsIgnoringASCIICase("te")
        case 7: return name.equalsIgnoringASCIICase("upgrade")
        case 10: return name.equalsIgnoringASCIICase("connection") || name.equalsIgnoringASCIICase("keep-alive")
        case 16: return name.equalsIgnoringASCIICase("proxy-connection")
        default: return false
        }
    }

    static func write(
        _ request: ParsedRequest, head: HTTPRequestHead, mode: HTTPConnectionMode,
        frontendForwardFor: ForwardForSettings?, backendForwardFor: ForwardForSettings?,
        client: ConnectionInfo, into buffer: inout ByteBuffer
    ) {
        buffer.writeString(head.method)
        buffer.writeStaticString(" ")
        buffer.writeString(head.uri)
        buffer.writeStaticString(head.version == .http1_0 ? " HTTP/1.0\r\n" : " HTTP/1.1\r\n")
        for field in head.headers {
            if isHopByHop(field.name) {
                if request.wantsUpgrade, field.name.equalsIgnoringASCIICase("upgrade") {
                    // kept: the server must see what the client wants to switch to
                } else {
                    continue
                }
            }
            if !request.connectionOptions.isEmpty, request.connectionOptions.contains(field.name.lowercased()) { continue }
            buffer.writeString(field.name)
            buffer.writeStaticString(": ")
            buffer.writeString(field.value)
            buffer.writeStaticString("\r\n")
        }
        // Either side's `option forwardfor` turns the header on; either side's `except` network turns it
        // off for matching clients; the backend's header name wins (HAProxy's rules).
        if let forwardFor = backendForwardFor ?? frontendForwardFor, let source = client.source {
            let excepted = (frontendForwardFor?.except?.contains(source) ?? false)
                || (backendForwardFor?.except?.contains(source) ?? false)
            let present = forwardFor.ifNone && head.headers.contains(forwardFor.header)
            if !excepted && !present {
                buffer.writeString(forwardFor.header)
                buffer.writeStaticString(": ")
                buffer.writeString(source.description)
                buffer.writeStaticString("\r\n")
            }
        }
        if request.wantsUpgrade {
            buffer.writeStaticString("Connection: upgrade\r\n\r\n")
        } else if mode == .keepAlive {
            buffer.writeStaticString(head.version == .http1_0 ? "Connection: keep-alive\r\n\r\n" : "\r\n")
        } else {
            buffer.writeStaticString("Connection: close\r\n\r\n")
        }
    }
}
