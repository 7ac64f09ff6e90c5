/// A `LogRecord` as plain bytes: how a record crosses from the event loop to the log writer. The event
/// loop copies the numbers in one block and each text's bytes after its length; the writer rebuilds the
/// record and formats it. Nothing in the bytes is reference counted, so the hand-over costs the event
/// loop neither retains and releases nor an allocation, and the formatting runs on the writer's thread.
///
/// Layout: `LogRecordNumbers` as laid out in memory, then the texts in `LogTextField` order, each a
/// 32-bit length (`absent` for nil) and its UTF-8 bytes; then the two header lists and the samples, each
/// a 32-bit count (`absent` for nil) followed by that many texts.
enum LogRecordWire {
    static let absent = UInt32.max

    /// Writes `record` (and the values of the logger's `%[...]` expressions) into `output`, emptied first.
    static func encode(_ record: LogRecord, samples: [String?], into output: inout WireBuffer) {
        var texts = LogRecordTexts(numbers: LogRecordNumbers(record), into: output)
        texts.write(.clientAddress, record.clientAddress)
        texts.write(.frontendAddress, record.frontendAddress)
        texts.write(.frontend, record.frontend)
        texts.write(.backend, record.backend)
        texts.write(.server, record.server)
        texts.write(.serverAddress, record.serverAddress)
        texts.write(.requestCookie, record.capturedRequestCookie)
        texts.write(.responseCookie, record.capturedResponseCookie)
        texts.write(.terminationState, record.terminationState)
        texts.write(.requestLine, record.requestLine)
        texts.write(.method, record.method)
        texts.write(.uri, record.uri)
        texts.write(.httpVersion, record.httpVersion)
        texts.write(.uniqueID, record.uniqueID)
        texts.write(.sslVersion, record.sslVersion)
        texts.write(.sslCipher, record.sslCipher)
        texts.write(.sslServerName, record.sslServerName)
        texts.write(.requestHeaders, list: record.capturedRequestHeaders)
        texts.write(.responseHeaders, list: record.capturedResponseHeaders)
        output = texts.finish(samples: samples)
    }

    /// The record and samples `encode` (or a `LogRecordTexts`) wrote at the start of `bytes`.
    static func decode(_ bytes: UnsafeRawBufferPointer) -> (record: LogRecord, samples: [String?]) {
        var reader = WireReader(bytes: bytes)
        var record = LogRecord()
        reader.numbers().apply(to: &record)
        record.clientAddress = reader.text() ?? "-"
        record.frontendAddress = reader.text() ?? "-"
        record.frontend = reader.text() ?? "-"
        record.backend = reader.text() ?? "-"
        record.server = reader.text() ?? "<NOSRV>"
        record.serverAddress = reader.text()
        record.capturedRequestCookie = reader.text()
        record.capturedResponseCookie = reader.text()
        record.terminationState = reader.text() ?? "----"
        record.requestLine = reader.text()
        record.method = reader.text()
        record.uri = reader.text()
        record.httpVersion = reader.text()
        record.uniqueID = reader.text()
        record.sslVersion = reader.text()
        record.sslCipher = reader.text()
        record.sslServerName = reader.text()
        record.capturedRequestHeaders = reader.texts()
        record.capturedResponseHeaders = reader.texts()
        let sampleCount = Int(reader.count())
        var samples: [String?] = []
        for _ in 0..<sampleCount { samples.append(reader.text()) }
        return (record, samples)
    }
}

/// Reads what `LogRecordTexts` wrote, in the same order.
struct WireReader {
    let bytes: UnsafeRawBufferPointer
    var offset = 0

    init(bytes: UnsafeRawBufferPointer) { self.bytes = bytes }

    mutating func numbers() -> LogRecordNumbers {
        defer { offset += MemoryLayout<LogRecordNumbers>.size }
        return bytes.loadUnaligned(fromByteOffset: offset, as: LogRecordNumbers.self)
    }

    mutating func count() -> UInt32 {
        defer { offset += 4 }
        return bytes.loadUnaligned(fromByteOffset: offset, as: UInt32.self)
    }

    mutating func text() -> String? {
        let length = count()
        guard length != LogRecordWire.absent else { return nil }
        defer { offset += Int(length) }
        return String(decoding: UnsafeRawBufferPointer(rebasing: bytes[offset..<(offset + Int(length))]), as: UTF8.self)
    }

    mutating func texts() -> [String]? {
        let count = count()
        guard count != LogRecordWire.absent else { return nil }
        return (0..<Int(count)).map { _ in text() ?? "" }
    }
}

extension LogRecord {
    /// The record that `numbers` and the texts `texts` writes describe (see `LogRecordTexts`).
    public init(numbers: LogRecordNumbers, texts: (inout LogRecordTexts) -> Void) {
        var writer = LogRecordTexts(numbers: numbers, into: WireBuffer(capacity: 1024))
        texts(&writer)
        let buffer = writer.finish(samples: [])
        defer { buffer.deallocate() }
        self = LogRecordWire.decode(buffer.bytes).record
    }
}
