/// lb's JSON lines format (`option httplog json`): every field of the record, one compact object per line,
/// same meaning as httplog. Keys are `LogRecord`'s property names in snake_case (`client_address`,
/// `time_request`, `termination_state`, ...), which lblog's reader maps back field by field. Numbers are
/// JSON numbers; timers keep HAProxy's `-1` (phase never completed); values that do not exist are `null`
/// (no status, no server address, no capture declared for a direction, `<BADREQ>` request line). Dates are
/// epoch milliseconds with the local `utc_offset_seconds`. Strings are valid JSON for any bytes. The
/// `ssl_*` keys (version, cipher, SNI, resumption) are written for TLS connections only; one is shorter
/// than its property: `ssl_sni` (`sslServerName`), the name every TLS tool uses.
public enum JSONRecordFormat {
    public static func render(_ record: LogRecord, into output: inout [UInt8]) {
        output.appendASCII("{\"is_http\":")
        output.appendASCII(record.isHTTP ? "true" : "false")
        number("accept_date_milliseconds", record.acceptDateMilliseconds, &output)
        number("request_date_milliseconds", record.requestDateMilliseconds, &output)
        number("utc_offset_seconds", Int64(record.utcOffsetSeconds), &output)
        string("client_address", record.clientAddress, &output)
        number("client_port", Int64(record.clientPort), &output)
        string("frontend_address", record.frontendAddress, &output)
        number("frontend_port", Int64(record.frontendPort), &output)
        string("frontend", record.frontend, &output)
        output.appendASCII(record.frontendIsTLS ? ",\"frontend_is_tls\":true" : ",\"frontend_is_tls\":false")
        string("backend", record.backend, &output)
        string("server", record.server, &output)
        string("server_address", record.serverAddress, &output)
        number("server_port", record.serverPort.map(Int64.init), &output)
        number("time_handshake", Int64(record.timeHandshake), &output)
        number("time_idle", Int64(record.timeIdle), &output)
        number("time_request", Int64(record.timeRequest), &output)
        number("time_queue", Int64(record.timeQueue), &output)
        number("time_connect", Int64(record.timeConnect), &output)
        number("time_response", Int64(record.timeResponse), &output)
        number("time_active", Int64(record.timeActive), &output)
        number("time_total", Int64(record.timeTotal), &output)
        number("status", record.status < 0 ? nil : Int64(record.status), &output)
        number("bytes_to_client", record.bytesToClient, &output)
        number("bytes_from_client", record.bytesFromClient, &output)
        string("captured_request_cookie", record.capturedRequestCookie, &output)
        string("captured_response_cookie", record.capturedResponseCookie, &output)
        string("termination_state", record.terminationState, &output)
        number("active_connections", Int64(record.activeConnections), &output)
        number("frontend_connections", Int64(record.frontendConnections), &output)
        number("backend_connections", Int64(record.backendConnections), &output)
        number("server_connections", Int64(record.serverConnections), &output)
        number("retries", Int64(record.retries), &output)
        output.appendASCII(record.redispatched ? ",\"redispatched\":true" : ",\"redispatched\":false")
        number("server_queue", Int64(record.serverQueue), &output)
        number("backend_queue", Int64(record.backendQueue), &output)
        strings("captured_request_headers", record.capturedRequestHeaders, &output)
        strings("captured_response_headers", record.capturedResponseHeaders, &output)
        let parts = RequestParts(record)
        string("request_line", record.requestLine, &output)
        string("method", parts.method.map(String.init), &output)
        string("uri", parts.uri.map(String.init), &output)
        string("http_version", parts.version.map(String.init), &output)
        string("unique_id", record.uniqueID, &output)
        // The client connection's TLS session, on TLS connections only: a plain record stays as short as
        // it was, since a socket target's `len` must hold every key of a record whose values were cut.
        if let version = record.sslVersion {
            string("ssl_version", version, &output)
            string("ssl_cipher", record.sslCipher, &output)
            string("ssl_sni", record.sslServerName, &output)
            output.appendASCII(record.sslResumed ? ",\"ssl_resumed\":true" : ",\"ssl_resumed\":false")
        }
        // With `option logasap` the times and bytes above are the values when the record was sent.
        output.appendASCII(record.logASAP ? ",\"log_asap\":true" : ",\"log_asap\":false")
        output.append(0x7D)
    }

    public static func string(_ record: LogRecord) -> String {
        var output: [UInt8] = []
        render(record, into: &output)
        return String(decoding: output, as: UTF8.self)
    }

    private static func key(_ name: StaticString, _ output: inout [UInt8]) {
        output.appendASCII(",\"")
        output.appendASCII(name)
        output.appendASCII("\":")
    }

    private static func string(_ name: StaticString, _ value: String?, _ output: inout [UInt8]) {
        key(name, &output)
        if let value { output.appendJSONString(value) } else { output.appendASCII("null") }
    }

    private static func number(_ name: StaticString, _ value: Int64?, _ output: inout [UInt8]) {
        key(name, &output)
        if let value { output.appendDecimal(value) } else { output.appendASCII("null") }
    }

    private static func strings(_ name: StaticString, _ values: [String]?, _ output: inout [UInt8]) {
        key(name, &output)
        guard let values else { output.appendASCII("null"); return }
        output.append(0x5B)
        for (position, value) in values.enumerated() {
            if position > 0 { output.append(0x2C) }
            output.appendJSONString(value)
        }
        output.append(0x5D)
    }
}
