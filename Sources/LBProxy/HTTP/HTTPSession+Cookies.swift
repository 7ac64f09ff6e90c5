import LBCore
import NIOCore

extension HTTPSession {
    /// The response-side work of cookie persistence: which server `Set-Cookie` fields to keep, rewrite
    /// or drop, and which fields to add; records the 4th termination-state character.
    func cookieEdits(
        _ cookies: CookiePersistence, response: ParsedResponse, in buffer: ByteBuffer, server: Int, exchange: HTTPExchange
    ) -> (edit: ClientResponseWriter.FieldEdit, extra: [String]) {
        var serverSetItsOwn = false
        var action = CookiePersistence.ServerCookieAction.none
        // First pass: does the server set our cookie itself?
        buffer.withUnsafeReadableBytes { bytes in
            let base = bytes.baseAddress!.assumingMemoryBound(to: UInt8.self)
            for field in response.raw.fields where HeadScanner.nameEquals(base, field.nameStart, field.nameLength, "set-cookie") {
                let value = Substring(String(decoding: UnsafeBufferPointer(start: base + field.valueStart, count: field.valueLength), as: UTF8.self))
                if cookies.isOurCookie(value) { serverSetItsOwn = true }
            }
        }
        let settings = cookies.settings
        let edit: ClientResponseWriter.FieldEdit = { name, value in
            guard name.equalsIgnoringASCIICase("set-cookie") else { return .keep }
            switch settings.mode {
            case .insert:
                // lb's cookie replaces the server's own of the same name, unless `preserve`.
                if cookies.isOurCookie(value) && !settings.preserve { return .drop }
                return .keep
            case .rewrite, .prefix:
                if let rewritten = cookies.rewriteServerCookie(value, server: server) { return .replace(rewritten) }
                return .keep
            }
        }
        var extra: [String] = []
        if settings.mode == .insert {
            let clientCookie = CookiePersistence.ClientCookie(rawValue: exchange.persistence.cookieFlags.0) ?? .none
            if let inserted = cookies.insertion(
                server: server, clientCookie: clientCookie, clientServer: exchange.persistence.server,
                method: exchange.request.head.method, serverSetItsOwn: serverSetItsOwn,
                lastSeen: exchange.persistence.cookieDates.last, firstSeen: exchange.persistence.cookieDates.first,
                now: cookies.carriesDates ? runtime.clock.unixSeconds(at: monotonicNow()) : 0
            ) {
                extra.append("set-cookie: \(inserted.value)")
                if settings.nocache { extra.append("cache-control: private") }
                action = inserted.action
            } else if serverSetItsOwn && settings.preserve {
                action = .passed
            } else if serverSetItsOwn {
                action = .deleted
            }
        } else if serverSetItsOwn {
            action = .rewritten
        }
        exchange.persistence.cookieFlags.1 = action.rawValue
        return (edit, extra)
    }
}
