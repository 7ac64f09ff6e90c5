/// The texts of a record, in wire order (`LogRecordWire`).
public enum LogTextField: Int, Comparable, Sendable {
    case clientAddress, frontendAddress, frontend, backend, server, serverAddress, requestCookie, responseCookie
    case terminationState, requestLine, method, uri, httpVersion, uniqueID
    /// The TLS session's version, cipher and server name (SNI); absent on a plain connection.
    case sslVersion, sslCipher, sslServerName
    /// Lists of texts: the captured request and response headers.
    case requestHeaders, responseHeaders

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// Writes a record as wire bytes: its numbers, then its texts straight from the caller's own strings,
/// so that the data plane can log a request without building a `LogRecord` (no copies, nothing retained).
/// Fields are written in `LogTextField` order; a field skipped is absent (nil), and a field written out of
/// order stops the process, since the writer would read every later field in the wrong place. It cannot
/// be copied: it writes into memory that moves when a record needs more, which a copy would not follow.
public struct LogRecordTexts: ~Copyable {
    private var bytes: WireBuffer
    private var next = 0
    /// Where the length of the text being written in pieces (`begin`) goes.
    private var openLengthAt = -1

    /// Starts a record in `buffer` (emptied first).
    init(numbers: LogRecordNumbers, into buffer: WireBuffer) {
        bytes = buffer
        bytes.count = 0
        bytes.append(raw: numbers)
    }

    private mutating func start(_ field: LogTextField) {
        precondition(field.rawValue >= next && openLengthAt < 0, "log record field \(field) written out of order")
        while next < field.rawValue {
            bytes.appendCount(nil)
            next += 1
        }
        next += 1
    }

    public mutating func write(_ field: LogTextField, _ text: String?) {
        start(field)
        bytes.appendText(text)
    }

    public mutating func write(_ field: LogTextField, _ text: StaticString) {
        start(field)
        text.withUTF8Buffer { text in
            bytes.appendCount(text.count)
            bytes.append(UnsafeRawBufferPointer(text))
        }
    }

    public mutating func write(_ field: LogTextField, list: [String]?) {
        start(field)
        bytes.appendTexts(list)
    }

    /// Starts a text written in pieces (`append`), ended by `end()`: the request line from its parts.
    public mutating func begin(_ field: LogTextField) {
        start(field)
        openLengthAt = bytes.count
        bytes.appendCount(0)
    }

    public mutating func append(_ text: String) { bytes.appendBytes(of: text, counted: false) }

    /// One ASCII byte (a text stays valid UTF-8, which the writer relies on when it rebuilds strings).
    public mutating func append(_ byte: UInt8) {
        precondition(byte < 0x80, "log record texts are UTF-8: append a String for anything but ASCII")
        bytes.append(raw: byte)
    }

    public mutating func end() {
        precondition(openLengthAt >= 0, "end() without begin()")
        let length = UInt32(bytes.count - openLengthAt - 4)
        (bytes.base + openLengthAt).storeBytes(of: length, as: UInt32.self)
        openLengthAt = -1
    }

    /// Marks the fields not written as absent, appends the samples and gives the buffer back (its memory
    /// may have moved if the record needed more).
    consuming func finish(samples: [String?]) -> WireBuffer {
        if next <= LogTextField.responseHeaders.rawValue { start(.responseHeaders); bytes.appendCount(nil) }
        bytes.appendCount(samples.count)
        for sample in samples { bytes.appendText(sample) }
        return bytes
    }
}
