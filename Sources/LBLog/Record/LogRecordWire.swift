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

    /// Appends `record` (and the values of the logger's `%[...]` expressions) to `output`.
    static func encode(_ record: LogRecord, samples: [String?], into output: inout [UInt8]) {
        var storage: [UInt8] = []
        swap(&storage, &output)  // moved in and back, so appending never copies the caller's buffer
        var texts = LogRecordTexts(numbers: LogRecordNumbers(record), into: storage)
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
        record.capturedRequestHeaders = reader.texts()
        record.capturedResponseHeaders = reader.texts()
        let sampleCount = Int(reader.count())
        var samples: [String?] = []
        for _ in 0..<sampleCount { samples.append(reader.text()) }
        return (record, samples)
    }
}

extension [UInt8] {
    @inline(__always)
    mutating func appendWireCount(_ count: Int?) {
        var length = count.map { UInt32(truncatingIfNeeded: $0) } ?? LogRecordWire.absent
        Swift.withUnsafeBytes(of: &length) { append(contentsOf: $0) }
    }

    /// A text as its 32-bit length and UTF-8 bytes, or the absent marker for nil.
    @inline(__always)
    mutating func appendWireText(_ text: String?) {
        guard var text else {
            appendWireCount(nil)
            return
        }
        text.withUTF8 { bytes in
            appendWireCount(bytes.count)
            append(contentsOf: bytes)
        }
    }

    mutating func appendWireTexts(_ texts: [String]?) {
        appendWireCount(texts?.count)
        for text in texts ?? [] { appendWireText(text) }
    }
}

/// Reads what the `appendWire...` functions wrote, in the same order.
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
        var writer = LogRecordTexts(numbers: numbers, into: [])
        texts(&writer)
        self = writer.finish(samples: []).withUnsafeBytes { LogRecordWire.decode($0).record }
    }
}
