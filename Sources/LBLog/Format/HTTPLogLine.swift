/// HAProxy's httplog line (``BuiltinLogFormats/httplog``) written field by field: the same bytes that
/// ``LogFormat/httplog`` renders by interpreting the format string, without the interpreter's per-item
/// values and their reference counting. This is the line of nearly every request lb logs, so it is worth
/// a writer of its own (about 4 times faster: `bench/logline.sh`). The log writer thread writes it from a
/// record's wire bytes (`WireRecordView`); a differential test keeps both sources and the interpreter in
/// agreement.
///
/// `%ci:%cp [%tr] %ft %b/%s %TR/%Tw/%Tc/%Tr/%Ta %ST %B %CC %CS %tsc %ac/%fc/%bc/%sc/%rc %sq/%bq %hr %hs %{+Q}r`
enum HTTPLogLine {
    static func render<Source: HTTPLogSource>(_ record: Source, context: inout LogRenderContext, into output: inout [UInt8]) {
        record.appendText(.clientAddress, to: &output)
        output.append(UInt8(ascii: ":"))
        output.appendDecimal(record.clientPort)
        output.appendASCII(" [")
        let (seconds, fraction) = splitMilliseconds(record.requestDateMilliseconds)
        context.dateCache.appendHAProxyDate(epochSeconds: seconds, utcOffsetSeconds: record.utcOffsetSeconds, into: &output)
        output.append(UInt8(ascii: "."))
        output.appendPadded(fraction, width: 3)
        output.appendASCII("] ")
        record.appendText(.frontend, to: &output)
        if record.frontendIsTLS { output.append(UInt8(ascii: "~")) }
        output.append(UInt8(ascii: " "))
        record.appendText(.backend, to: &output)
        output.append(UInt8(ascii: "/"))
        record.appendText(.server, to: &output)
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
        if !record.appendEscaped(.requestCookie, .header, to: &output) { output.append(UInt8(ascii: "-")) }
        output.append(UInt8(ascii: " "))
        if !record.appendEscaped(.responseCookie, .header, to: &output) { output.append(UInt8(ascii: "-")) }
        output.append(UInt8(ascii: " "))
        record.appendText(.terminationState, to: &output)
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
        if record.appendEscapedList(.requestHeaders, to: &output) { output.append(UInt8(ascii: " ")) }
        if record.appendEscapedList(.responseHeaders, to: &output) { output.append(UInt8(ascii: " ")) }
        output.append(UInt8(ascii: "\""))
        if !record.appendEscaped(.requestLine, .request, to: &output) { output.appendASCII("<BADREQ>") }
        output.append(UInt8(ascii: "\""))
    }
}

/// What the httplog line reads of a record: a `LogRecord`, or a record's wire bytes read in place
/// (`WireRecordView`, on the log writer). Texts are appended by field.
protocol HTTPLogSource {
    var clientPort: Int { get }
    var requestDateMilliseconds: Int64 { get }
    var utcOffsetSeconds: Int { get }
    var frontendIsTLS: Bool { get }
    var timeRequest: Int { get }
    var timeQueue: Int { get }
    var timeConnect: Int { get }
    var timeResponse: Int { get }
    var timeActive: Int { get }
    var logASAP: Bool { get }
    var status: Int { get }
    var bytesToClient: Int64 { get }
    var activeConnections: Int { get }
    var frontendConnections: Int { get }
    var backendConnections: Int { get }
    var serverConnections: Int { get }
    var retries: Int { get }
    var redispatched: Bool { get }
    var serverQueue: Int { get }
    var backendQueue: Int { get }
    /// The field's UTF-8 bytes as they are (nothing for an absent one).
    func appendText(_ field: LogTextField, to output: inout [UInt8])
    /// The field escaped as HAProxy escapes it; false (nothing written) when it is absent.
    func appendEscaped(_ field: LogTextField, _ escaping: HAProxyEscaping, to output: inout [UInt8]) -> Bool
    /// A captured-header list as `{a|b}`, each value escaped; false (nothing written) when none is declared.
    func appendEscapedList(_ field: LogTextField, to output: inout [UInt8]) -> Bool
}

extension LogRecord: HTTPLogSource {
    private func text(_ field: LogTextField) -> String? {
        switch field {
        case .clientAddress: clientAddress
        case .frontendAddress: frontendAddress
        case .frontend: frontend
        case .backend: backend
        case .server: server
        case .serverAddress: serverAddress
        case .requestCookie: capturedRequestCookie
        case .responseCookie: capturedResponseCookie
        case .terminationState: terminationState
        case .requestLine: requestLine
        case .method: method
        case .uri: uri
        case .httpVersion: httpVersion
        case .uniqueID: uniqueID
        case .sslVersion: sslVersion
        case .sslCipher: sslCipher
        case .sslServerName: sslServerName
        case .requestHeaders, .responseHeaders: nil
        }
    }

    func appendText(_ field: LogTextField, to output: inout [UInt8]) {
        if let text = text(field) { output.appendUTF8(text[...]) }
    }

    func appendEscaped(_ field: LogTextField, _ escaping: HAProxyEscaping, to output: inout [UInt8]) -> Bool {
        guard let text = text(field) else { return false }
        output.appendEscaped(text, escaping)
        return true
    }

    func appendEscapedList(_ field: LogTextField, to output: inout [UInt8]) -> Bool {
        guard let list = field == .requestHeaders ? capturedRequestHeaders : field == .responseHeaders ? capturedResponseHeaders : nil else {
            return false
        }
        output.append(UInt8(ascii: "{"))
        for (index, header) in list.enumerated() {
            if index > 0 { output.append(UInt8(ascii: "|")) }
            output.appendEscaped(header, .header)
        }
        output.append(UInt8(ascii: "}"))
        return true
    }
}

extension WireRecordView: HTTPLogSource {
    var clientPort: Int { Int(numbers.clientPort) }
    var requestDateMilliseconds: Int64 { numbers.requestDateMilliseconds }
    var utcOffsetSeconds: Int { Int(numbers.utcOffsetSeconds) }
    var frontendIsTLS: Bool { numbers.flags & LogRecordNumbers.frontendIsTLS != 0 }
    var timeRequest: Int { Int(numbers.timeRequest) }
    var timeQueue: Int { Int(numbers.timeQueue) }
    var timeConnect: Int { Int(numbers.timeConnect) }
    var timeResponse: Int { Int(numbers.timeResponse) }
    var timeActive: Int { Int(numbers.timeActive) }
    var logASAP: Bool { numbers.flags & LogRecordNumbers.logASAP != 0 }
    var status: Int { Int(numbers.status) }
    var bytesToClient: Int64 { numbers.bytesToClient }
    var activeConnections: Int { Int(numbers.activeConnections) }
    var frontendConnections: Int { Int(numbers.frontendConnections) }
    var backendConnections: Int { Int(numbers.backendConnections) }
    var serverConnections: Int { Int(numbers.serverConnections) }
    var retries: Int { Int(numbers.retries) }
    var redispatched: Bool { numbers.flags & LogRecordNumbers.redispatched != 0 }
    var serverQueue: Int { Int(numbers.serverQueue) }
    var backendQueue: Int { Int(numbers.backendQueue) }

    /// An absent field prints what a `LogRecord` rebuilt from these bytes holds (`LogRecordWire.decode`).
    func appendText(_ field: LogTextField, to output: inout [UInt8]) {
        if let text = text(field) {
            output.append(contentsOf: text)
            return
        }
        switch field {
        case .clientAddress, .frontendAddress, .frontend, .backend: output.append(UInt8(ascii: "-"))
        case .server: output.appendASCII("<NOSRV>")
        case .terminationState: output.appendASCII("----")
        default: break
        }
    }

    func appendEscaped(_ field: LogTextField, _ escaping: HAProxyEscaping, to output: inout [UInt8]) -> Bool {
        guard let text = text(field) else { return false }
        output.appendEscaped(buffer: text, escaping, backslash: false)
        return true
    }

    func appendEscapedList(_ field: LogTextField, to output: inout [UInt8]) -> Bool {
        var first = true
        let present = forEachText(in: field) { header in
            output.append(UInt8(ascii: first ? "{" : "|"))
            first = false
            output.appendEscaped(buffer: header, .header, backslash: false)
        }
        guard present else { return false }
        if first { output.append(UInt8(ascii: "{")) }
        output.append(UInt8(ascii: "}"))
        return true
    }
}
