/// A `LogRecord` as plain bytes: how a record crosses from the event loop to the log writer. The event
/// loop copies the numbers in one block and each text's bytes after its length; the writer rebuilds the
/// record and formats it. Nothing in the bytes is reference counted, so the hand-over costs the event
/// loop neither retains and releases nor an allocation, and the formatting runs on the writer's thread.
///
/// Layout: `Numbers` as laid out in memory, then the texts in `Text` order, each a 32-bit length
/// (`absent` for nil) and its UTF-8 bytes; then the two header lists and the samples, each a 32-bit count
/// (`absent` for nil) followed by that many texts.
enum LogRecordWire {
    /// Every number of a record, in one trivially copyable block.
    struct Numbers {
        var clientPort: Int64 = 0
        var frontendPort: Int64 = 0
        var acceptDateMilliseconds: Int64 = 0
        var requestDateMilliseconds: Int64 = 0
        var utcOffsetSeconds: Int64 = 0
        /// `Int64.min` when the record has no server port.
        var serverPort: Int64 = .min
        var timeRequest: Int64 = 0
        var timeQueue: Int64 = 0
        var timeConnect: Int64 = 0
        var timeResponse: Int64 = 0
        var timeActive: Int64 = 0
        var timeHandshake: Int64 = 0
        var timeIdle: Int64 = 0
        var timeTotal: Int64 = 0
        var status: Int64 = 0
        var bytesToClient: Int64 = 0
        var bytesFromClient: Int64 = 0
        var activeConnections: Int64 = 0
        var frontendConnections: Int64 = 0
        var backendConnections: Int64 = 0
        var serverConnections: Int64 = 0
        var retries: Int64 = 0
        var serverQueue: Int64 = 0
        var backendQueue: Int64 = 0
        /// `Int64.min` when the record carries no request counter.
        var requestCounter: Int64 = .min
        var flags: UInt64 = 0

        static let frontendIsTLS: UInt64 = 1
        static let redispatched: UInt64 = 2
        static let isHTTP: UInt64 = 4
        static let logASAP: UInt64 = 8
    }

    static let absent = UInt32.max

    /// Appends `record` (and the values of the logger's `%[...]` expressions) to `output`.
    static func encode(_ record: LogRecord, samples: [String?], into output: inout [UInt8]) {
        var numbers = Numbers()
        numbers.clientPort = Int64(record.clientPort)
        numbers.frontendPort = Int64(record.frontendPort)
        numbers.acceptDateMilliseconds = record.acceptDateMilliseconds
        numbers.requestDateMilliseconds = record.requestDateMilliseconds
        numbers.utcOffsetSeconds = Int64(record.utcOffsetSeconds)
        numbers.serverPort = record.serverPort.map(Int64.init) ?? .min
        numbers.timeRequest = Int64(record.timeRequest)
        numbers.timeQueue = Int64(record.timeQueue)
        numbers.timeConnect = Int64(record.timeConnect)
        numbers.timeResponse = Int64(record.timeResponse)
        numbers.timeActive = Int64(record.timeActive)
        numbers.timeHandshake = Int64(record.timeHandshake)
        numbers.timeIdle = Int64(record.timeIdle)
        numbers.timeTotal = Int64(record.timeTotal)
        numbers.status = Int64(record.status)
        numbers.bytesToClient = record.bytesToClient
        numbers.bytesFromClient = record.bytesFromClient
        numbers.activeConnections = Int64(record.activeConnections)
        numbers.frontendConnections = Int64(record.frontendConnections)
        numbers.backendConnections = Int64(record.backendConnections)
        numbers.serverConnections = Int64(record.serverConnections)
        numbers.retries = Int64(record.retries)
        numbers.serverQueue = Int64(record.serverQueue)
        numbers.backendQueue = Int64(record.backendQueue)
        numbers.requestCounter = record.requestCounter ?? .min
        numbers.flags = (record.frontendIsTLS ? Numbers.frontendIsTLS : 0) | (record.redispatched ? Numbers.redispatched : 0)
            | (record.isHTTP ? Numbers.isHTTP : 0) | (record.logASAP ? Numbers.logASAP : 0)
        withUnsafeBytes(of: &numbers) { output.append(contentsOf: $0) }
        output.appendWireText(record.clientAddress)
        output.appendWireText(record.frontendAddress)
        output.appendWireText(record.frontend)
        output.appendWireText(record.backend)
        output.appendWireText(record.server)
        output.appendWireText(record.serverAddress)
        output.appendWireText(record.capturedRequestCookie)
        output.appendWireText(record.capturedResponseCookie)
        output.appendWireText(record.terminationState)
        output.appendWireText(record.requestLine)
        output.appendWireText(record.method)
        output.appendWireText(record.uri)
        output.appendWireText(record.httpVersion)
        output.appendWireText(record.uniqueID)
        output.appendWireTexts(record.capturedRequestHeaders)
        output.appendWireTexts(record.capturedResponseHeaders)
        output.appendWireCount(samples.count)
        for sample in samples { output.appendWireText(sample) }
    }

    /// The record and samples `encode` wrote at the start of `bytes`.
    static func decode(_ bytes: UnsafeRawBufferPointer) -> (record: LogRecord, samples: [String?]) {
        var reader = WireReader(bytes: bytes)
        let numbers = reader.numbers()
        var record = LogRecord()
        record.clientPort = Int(numbers.clientPort)
        record.frontendPort = Int(numbers.frontendPort)
        record.acceptDateMilliseconds = numbers.acceptDateMilliseconds
        record.requestDateMilliseconds = numbers.requestDateMilliseconds
        record.utcOffsetSeconds = Int(numbers.utcOffsetSeconds)
        record.serverPort = numbers.serverPort == .min ? nil : Int(numbers.serverPort)
        record.timeRequest = Int(numbers.timeRequest)
        record.timeQueue = Int(numbers.timeQueue)
        record.timeConnect = Int(numbers.timeConnect)
        record.timeResponse = Int(numbers.timeResponse)
        record.timeActive = Int(numbers.timeActive)
        record.timeHandshake = Int(numbers.timeHandshake)
        record.timeIdle = Int(numbers.timeIdle)
        record.timeTotal = Int(numbers.timeTotal)
        record.status = Int(numbers.status)
        record.bytesToClient = numbers.bytesToClient
        record.bytesFromClient = numbers.bytesFromClient
        record.activeConnections = Int(numbers.activeConnections)
        record.frontendConnections = Int(numbers.frontendConnections)
        record.backendConnections = Int(numbers.backendConnections)
        record.serverConnections = Int(numbers.serverConnections)
        record.retries = Int(numbers.retries)
        record.serverQueue = Int(numbers.serverQueue)
        record.backendQueue = Int(numbers.backendQueue)
        record.requestCounter = numbers.requestCounter == .min ? nil : numbers.requestCounter
        record.frontendIsTLS = numbers.flags & Numbers.frontendIsTLS != 0
        record.redispatched = numbers.flags & Numbers.redispatched != 0
        record.isHTTP = numbers.flags & Numbers.isHTTP != 0
        record.logASAP = numbers.flags & Numbers.logASAP != 0
        record.clientAddress = reader.text() ?? ""
        record.frontendAddress = reader.text() ?? ""
        record.frontend = reader.text() ?? ""
        record.backend = reader.text() ?? ""
        record.server = reader.text() ?? ""
        record.serverAddress = reader.text()
        record.capturedRequestCookie = reader.text()
        record.capturedResponseCookie = reader.text()
        record.terminationState = reader.text() ?? ""
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

    mutating func numbers() -> LogRecordWire.Numbers {
        defer { offset += MemoryLayout<LogRecordWire.Numbers>.size }
        return bytes.loadUnaligned(fromByteOffset: offset, as: LogRecordWire.Numbers.self)
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
