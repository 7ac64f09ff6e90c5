/// HAProxy's httplog line (``BuiltinLogFormats/httplog``) written field by field: the same bytes that
/// ``LogFormat/httplog`` renders by interpreting the format string, without the interpreter's per-item
/// values and their reference counting. This is the line of nearly every request lb logs, written on the
/// event loop, so it is worth a writer of its own (about 4 times faster: `bench/logline.sh`); a
/// differential test keeps the two in agreement.
///
/// `%ci:%cp [%tr] %ft %b/%s %TR/%Tw/%Tc/%Tr/%Ta %ST %B %CC %CS %tsc %ac/%fc/%bc/%sc/%rc %sq/%bq %hr %hs %{+Q}r`
enum HTTPLogLine {
    static func render(_ record: LogRecord, context: inout LogRenderContext, into output: inout [UInt8]) {
        output.appendUTF8(record.clientAddress[...])
        output.append(UInt8(ascii: ":"))
        output.appendDecimal(record.clientPort)
        output.appendASCII(" [")
        let (seconds, fraction) = splitMilliseconds(record.requestDateMilliseconds)
        context.dateCache.appendHAProxyDate(epochSeconds: seconds, utcOffsetSeconds: record.utcOffsetSeconds, into: &output)
        output.append(UInt8(ascii: "."))
        output.appendPadded(fraction, width: 3)
        output.appendASCII("] ")
        output.appendUTF8(record.frontend[...])
        if record.frontendIsTLS { output.append(UInt8(ascii: "~")) }
        output.append(UInt8(ascii: " "))
        output.appendUTF8(record.backend[...])
        output.append(UInt8(ascii: "/"))
        output.appendUTF8(record.server[...])
        output.append(UInt8(ascii: " "))
        output.appendDecimal(record.timeRequest)
        output.append(UInt8(ascii: "/"))
        output.appendDecimal(record.timeQueue)
        output.append(UInt8(ascii: "/"))
        output.appendDecimal(record.timeConnect)
        output.append(UInt8(ascii: "/"))
        output.appendDecimal(record.timeResponse)
        output.append(UInt8(ascii: "/"))
        // With `option logasap` the active time and the bytes are the values so far: `+` says so.
        if record.logASAP { output.append(UInt8(ascii: "+")) }
        output.appendDecimal(record.timeActive)
        output.append(UInt8(ascii: " "))
        output.appendDecimal(record.status)
        output.append(UInt8(ascii: " "))
        if record.logASAP { output.append(UInt8(ascii: "+")) }
        output.appendDecimal(record.bytesToClient)
        output.append(UInt8(ascii: " "))
        appendCookie(record.capturedRequestCookie, into: &output)
        output.append(UInt8(ascii: " "))
        appendCookie(record.capturedResponseCookie, into: &output)
        output.append(UInt8(ascii: " "))
        output.appendUTF8(record.terminationState[...])
        output.append(UInt8(ascii: " "))
        output.appendDecimal(record.activeConnections)
        output.append(UInt8(ascii: "/"))
        output.appendDecimal(record.frontendConnections)
        output.append(UInt8(ascii: "/"))
        output.appendDecimal(record.backendConnections)
        output.append(UInt8(ascii: "/"))
        output.appendDecimal(record.serverConnections)
        output.append(UInt8(ascii: "/"))
        // A redispatched request's retry count starts with `+`.
        if record.redispatched { output.append(UInt8(ascii: "+")) }
        output.appendDecimal(record.retries)
        output.append(UInt8(ascii: " "))
        output.appendDecimal(record.serverQueue)
        output.append(UInt8(ascii: "/"))
        output.appendDecimal(record.backendQueue)
        output.append(UInt8(ascii: " "))
        // Captured headers print only when declared: absent, they leave no field and no extra space.
        if let headers = record.capturedRequestHeaders {
            appendHeaders(headers, into: &output)
            output.append(UInt8(ascii: " "))
        }
        if let headers = record.capturedResponseHeaders {
            appendHeaders(headers, into: &output)
            output.append(UInt8(ascii: " "))
        }
        output.append(UInt8(ascii: "\""))
        if let line = record.requestLine {
            output.appendEscaped(line, .request)
        } else {
            output.appendASCII("<BADREQ>")
        }
        output.append(UInt8(ascii: "\""))
    }

    private static func appendCookie(_ cookie: String?, into output: inout [UInt8]) {
        if let cookie { output.appendEscaped(cookie, .header) } else { output.append(UInt8(ascii: "-")) }
    }

    private static func appendHeaders(_ headers: [String], into output: inout [UInt8]) {
        output.append(UInt8(ascii: "{"))
        for (index, header) in headers.enumerated() {
            if index > 0 { output.append(UInt8(ascii: "|")) }
            output.appendEscaped(header, .header)
        }
        output.append(UInt8(ascii: "}"))
    }
}
