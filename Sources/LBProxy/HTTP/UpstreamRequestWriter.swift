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
        let forwarded = forwardedFor(head: head, frontend: frontendForwardFor, backend: backendForwardFor, client: client)
        // Every piece below is one of these strings or a literal of at most 26 bytes, at most two
        // literals per line.
        var bound = head.method.utf8.count + head.uri.utf8.count + 64
        for field in head.headers { bound += field.name.utf8.count + field.value.utf8.count + 4 }
        if let forwarded { bound += forwarded.name.utf8.count + forwarded.value.utf8.count + 4 }
        buffer.writeHead(maximumLength: bound) { out in
            out.append(head.method)
            out.append(" ")
            out.append(head.uri)
            out.append(head.version == .http1_0 ? " HTTP/1.0\r\n" : " HTTP/1.1\r\n")
            for field in head.headers {
                if isHopByHop(field.name) {
                    if request.wantsUpgrade, field.name.equalsIgnoringASCIICase("upgrade") {
                        // kept: the server must see what the client wants to switch to
                    } else {
                        continue
                    }
                }
                if !request.connectionOptions.isEmpty, request.connectionOptions.contains(field.name.lowercased()) { continue }
                out.append(field.name)
                out.append(": ")
                out.append(field.value)
                out.append("\r\n")
            }
            if let forwarded {
                out.append(forwarded.name)
                out.append(": ")
                out.append(forwarded.value)
                out.append("\r\n")
            }
            if request.wantsUpgrade {
                out.append("Connection: upgrade\r\n\r\n")
            } else if mode == .keepAlive {
                out.append(head.version == .http1_0 ? "Connection: keep-alive\r\n\r\n" : "\r\n")
            } else {
                out.append("Connection: close\r\n\r\n")
            }
        }
    }

    /// The `X-Forwarded-For` field (or the configured name) to add, if any. Either side's
    /// `option forwardfor` turns the header on; either side's `except` network turns it off for
    /// matching clients; the backend's header name wins (HAProxy's rules).
    private static func forwardedFor(
        head: HTTPRequestHead, frontend: ForwardForSettings?, backend: ForwardForSettings?, client: ConnectionInfo
    ) -> (name: String, value: String)? {
        guard let forwardFor = backend ?? frontend, let source = client.source else { return nil }
        let excepted = (frontend?.except?.contains(source) ?? false) || (backend?.except?.contains(source) ?? false)
        let present = forwardFor.ifNone && head.headers.contains(forwardFor.header)
        guard !excepted, !present else { return nil }
        return (forwardFor.header, source.description)
    }
}
