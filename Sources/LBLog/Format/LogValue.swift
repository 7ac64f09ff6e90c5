/// The value of one log-format item for one record, before it is written as text or JSON. Holds
/// references into the record only (no copies, no allocation).
enum LogValue {
    /// A number; `plus` prints a leading `+` (retries after a redispatch); `nullIfNegative` makes a
    /// negative value `null` in JSON (a status that was never produced).
    case number(Int64, plus: Bool = false, nullIfNegative: Bool = false)
    case text(Substring, HAProxyEscaping?)
    /// No value: `-` in text (`""` when quoted), `null` in JSON.
    case absent
    /// Prints nothing at all, not even a separator (a capture block with no capture declared).
    case nothing
    case date(milliseconds: Int64, utcOffset: Int, style: DateStyle)
    case headers([String], clf: Bool)
    /// The request line; nil is a request that could not be parsed (`<BADREQ>`).
    case request(String?)

    enum DateStyle {
        /// `dd/Mmm/yyyy:HH:MM:SS.mmm`
        case haproxy
        /// `dd/Mmm/yyyy:HH:MM:SS +zzzz`
        case clf
    }
}

/// Request-line parts: the record's own fields when the data plane set them, else cut from the line.
struct RequestParts {
    var method: Substring?
    var uri: Substring?
    var version: Substring?

    init(_ record: LogRecord) {
        if let line = record.requestLine {
            let words = line.split(separator: " ", maxSplits: 2, omittingEmptySubsequences: true)
            method = words.count > 0 ? words[0] : nil
            uri = words.count > 1 ? words[1] : nil
            version = words.count > 2 ? words[2] : nil
        }
        if let value = record.method { method = value[...] }
        if let value = record.uri { uri = value[...] }
        if let value = record.httpVersion { version = value[...] }
    }

    /// The URI before `?`.
    var path: Substring? {
        guard let uri else { return nil }
        return uri.firstIndex(of: "?").map { uri[..<$0] } ?? uri
    }
    /// `?query`, or an empty string when the URI has none.
    var query: Substring? {
        guard let uri else { return nil }
        return uri.firstIndex(of: "?").map { uri[$0...] } ?? uri[uri.endIndex...]
    }
    /// The path without scheme and authority of an absolute URI.
    var pathOnly: Substring? {
        guard let path else { return nil }
        guard !path.hasPrefix("/"), let colon = path.firstIndex(of: ":"),
              path[colon...].hasPrefix("://") else { return path }
        let afterAuthority = path[path.index(colon, offsetBy: 3)...]
        return afterAuthority.firstIndex(of: "/").map { afterAuthority[$0...] } ?? afterAuthority[afterAuthority.endIndex...]
    }
}

extension LogRecord {
    /// `%Tq` = Th + Ti + TR, -1 when any term is -1.
    var timeRequestTotal: Int {
        timeHandshake < 0 || timeIdle < 0 || timeRequest < 0 ? -1 : timeHandshake + timeIdle + timeRequest
    }

    /// `%Td` = Ta - (TR + Tw + Tc + Tr), the -1 terms skipped.
    var timeData: Int {
        timeActive - [timeRequest, timeQueue, timeConnect, timeResponse].reduce(0) { $0 + max($1, 0) }
    }

    /// `%Tu` = Tt without the idle time.
    var timeTotalActive: Int { timeIdle > 0 ? timeTotal - timeIdle : timeTotal }

    /// The two-character termination state of TCP logs.
    var terminationStateShort: Substring { terminationState.prefix(2) }

    func value(of alias: LogFormatAlias, context: inout LogRenderContext) -> LogValue {
        switch alias {
        case .clientIP: return .text(clientAddress[...], nil)
        case .clientPort: return .number(Int64(clientPort))
        case .frontendIP: return .text(frontendAddress[...], nil)
        case .frontendPort: return .number(Int64(frontendPort))
        case .frontend: return .text(frontend[...], nil)
        case .frontendTransport: return frontendIsTLS ? .text((frontend + "~")[...], nil) : .text(frontend[...], nil)
        case .frontendConnections: return .number(Int64(frontendConnections))
        case .backend: return .text(backend[...], nil)
        case .backendSourceIP, .backendSourcePort: return .absent
        case .backendConnections: return .number(Int64(backendConnections))
        case .server: return .text(server[...], nil)
        case .serverIP: return serverAddress.map { .text($0[...], nil) } ?? .absent
        case .serverPort: return serverPort.map { .number(Int64($0)) } ?? .absent
        case .serverConnections: return .number(Int64(serverConnections))
        case .activeConnections: return .number(Int64(activeConnections))
        case .retries: return .number(Int64(retries), plus: redispatched)
        case .serverQueue: return .number(Int64(serverQueue))
        case .backendQueue: return .number(Int64(backendQueue))
        case .acceptDate: return .date(milliseconds: acceptDateMilliseconds, utcOffset: utcOffsetSeconds, style: .haproxy)
        case .requestDate: return .date(milliseconds: requestDateMilliseconds, utcOffset: utcOffsetSeconds, style: .haproxy)
        case .requestDateCLFUTC: return .date(milliseconds: requestDateMilliseconds, utcOffset: 0, style: .clf)
        case .requestDateCLFLocal: return .date(milliseconds: requestDateMilliseconds, utcOffset: utcOffsetSeconds, style: .clf)
        case .acceptDateCLFUTC: return .date(milliseconds: acceptDateMilliseconds, utcOffset: 0, style: .clf)
        case .acceptDateCLFLocal: return .date(milliseconds: acceptDateMilliseconds, utcOffset: utcOffsetSeconds, style: .clf)
        case .acceptUnixSeconds: return .number(splitMilliseconds(acceptDateMilliseconds).seconds)
        case .acceptMilliseconds: return .number(Int64(splitMilliseconds(acceptDateMilliseconds).milliseconds))
        case .timeHandshake: return .number(Int64(timeHandshake))
        case .timeIdle: return .number(Int64(timeIdle))
        case .timeRequest: return .number(Int64(timeRequest))
        case .timeRequestTotal: return .number(Int64(timeRequestTotal))
        case .timeQueue: return .number(Int64(timeQueue))
        case .timeConnect: return .number(Int64(timeConnect))
        case .timeResponse: return .number(Int64(timeResponse))
        case .timeData: return .number(Int64(timeData))
        case .timeActive: return .number(Int64(timeActive), plus: logASAP)
        case .timeTotal: return .number(Int64(timeTotal), plus: logASAP)
        case .timeTotalActive: return .number(Int64(timeTotalActive), plus: logASAP)
        case .status: return .number(Int64(status), nullIfNegative: true)
        case .bytesToClient: return .number(bytesToClient, plus: logASAP)
        case .bytesFromClient: return .number(bytesFromClient)
        case .requestCookie: return capturedRequestCookie.map { .text($0[...], .header) } ?? .absent
        case .responseCookie: return capturedResponseCookie.map { .text($0[...], .header) } ?? .absent
        case .terminationState: return .text(terminationStateShort, nil)
        case .terminationStateCookies: return .text(terminationState[...], nil)
        case .requestLine: return .request(requestLine)
        case .method: return RequestParts(self).method.map { .text($0, .request) } ?? .absent
        case .uri: return RequestParts(self).uri.map { .text($0, .request) } ?? .absent
        case .path: return RequestParts(self).path.map { .text($0, .request) } ?? .absent
        case .pathOnly: return RequestParts(self).pathOnly.map { .text($0, .request) } ?? .absent
        case .query: return RequestParts(self).query.map { .text($0, .request) } ?? .absent
        case .version: return RequestParts(self).version.map { .text($0, .request) } ?? .absent
        case .requestHeaders: return capturedRequestHeaders.map { .headers($0, clf: false) } ?? .nothing
        case .responseHeaders: return capturedResponseHeaders.map { .headers($0, clf: false) } ?? .nothing
        case .requestHeadersCLF: return capturedRequestHeaders.map { .headers($0, clf: true) } ?? .nothing
        case .responseHeadersCLF: return capturedResponseHeaders.map { .headers($0, clf: true) } ?? .nothing
        case .uniqueID: return uniqueID.map { .text($0[...], .request) } ?? .absent
        case .hostname: return .text(context.hostname[...], nil)
        case .pid: return .number(Int64(context.pid))
        case .requestCounter: return .number(requestCounter ?? context.requestCounter)
        case .logCounter: return .number(context.logCounter)
        case .sslVersion: return sslVersion.map { .text($0[...], nil) } ?? .absent
        case .sslCipher: return sslCipher.map { .text($0[...], nil) } ?? .absent
        }
    }
}
