/// The texts of a record, in wire order (`LogRecordWire`).
public enum LogTextField: Int, Comparable, Sendable {
    case clientAddress, frontendAddress, frontend, backend, server, serverAddress, requestCookie, responseCookie
    case terminationState, requestLine, method, uri, httpVersion, uniqueID
    /// Lists of texts: the captured request and response headers.
    case requestHeaders, responseHeaders

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// Writes a record as wire bytes: its numbers, then its texts straight from the caller's own strings,
/// so that the data plane can log a request without building a `LogRecord` (no copies, nothing retained).
/// Fields are written in `LogTextField` order; a field skipped is absent (nil), and a field written out of
/// order stops the process, since the writer would read every later field in the wrong place.
public struct LogRecordTexts {
    private var bytes: [UInt8]
    private var next = 0
    /// Where the length of the text being written in pieces (`begin`) goes.
    private var openLengthAt = -1

    init(numbers: LogRecordNumbers, into bytes: [UInt8]) {
        self.bytes = bytes
        var numbers = numbers
        Swift.withUnsafeBytes(of: &numbers) { self.bytes.append(contentsOf: $0) }
    }

    private mutating func start(_ field: LogTextField) {
        precondition(field.rawValue >= next && openLengthAt < 0, "log record field \(field) written out of order")
        while next < field.rawValue {
            bytes.appendWireCount(nil)
            next += 1
        }
        next += 1
    }

    public mutating func write(_ field: LogTextField, _ text: String?) {
        start(field)
        bytes.appendWireText(text)
    }

    public mutating func write(_ field: LogTextField, _ text: StaticString) {
        start(field)
        text.withUTF8Buffer { text in
            bytes.appendWireCount(text.count)
            bytes.append(contentsOf: text)
        }
    }

    public mutating func write(_ field: LogTextField, list: [String]?) {
        start(field)
        bytes.appendWireTexts(list)
    }

    /// Starts a text written in pieces (`append`), ended by `end()`: the request line from its parts.
    public mutating func begin(_ field: LogTextField) {
        start(field)
        openLengthAt = bytes.count
        bytes.appendWireCount(0)
    }

    public mutating func append(_ text: String) {
        var text = text
        text.withUTF8 { bytes.append(contentsOf: $0) }
    }

    public mutating func append(_ byte: UInt8) { bytes.append(byte) }

    public mutating func end() {
        precondition(openLengthAt >= 0, "end() without begin()")
        let length = UInt32(bytes.count - openLengthAt - 4)
        bytes.withUnsafeMutableBytes { $0.storeBytes(of: length, toByteOffset: openLengthAt, as: UInt32.self) }
        openLengthAt = -1
    }

    /// Marks the fields not written as absent, appends the samples and gives the bytes back.
    mutating func finish(samples: [String?]) -> [UInt8] {
        if next <= LogTextField.responseHeaders.rawValue { start(.responseHeaders); bytes.appendWireCount(nil) }
        bytes.appendWireCount(samples.count)
        for sample in samples { bytes.appendWireText(sample) }
        defer { bytes = [] }
        return bytes
    }
}
