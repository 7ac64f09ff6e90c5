/// A record's wire bytes (`LogRecordWire`) read in place: its numbers, and where each text lies, found in
/// one pass. The writer formats the httplog line from it without rebuilding a `LogRecord` (which would
/// make a string of every text only to copy its bytes out again).
struct WireRecordView {
    let numbers: LogRecordNumbers
    private let bytes: UnsafeRawBufferPointer
    /// Per `LogTextField`: where its length (or count, for the lists) is, in `bytes`.
    private var starts: (Int32, Int32, Int32, Int32, Int32, Int32, Int32, Int32, Int32, Int32,
                         Int32, Int32, Int32, Int32, Int32, Int32, Int32, Int32, Int32)
        = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)

    init(_ bytes: UnsafeRawBufferPointer) {
        self.bytes = bytes
        numbers = bytes.loadUnaligned(as: LogRecordNumbers.self)
        var offset = MemoryLayout<LogRecordNumbers>.size
        withUnsafeMutableBytes(of: &starts) { starts in
            precondition(starts.count >= (LogTextField.responseHeaders.rawValue + 1) * 4, "a slot per text field")
            let starts = starts.bindMemory(to: Int32.self)
            for field in 0...LogTextField.responseHeaders.rawValue {
                starts[field] = Int32(offset)
                let length = bytes.loadUnaligned(fromByteOffset: offset, as: UInt32.self)
                offset += 4
                guard length != LogRecordWire.absent else { continue }
                if field < LogTextField.requestHeaders.rawValue {
                    offset += Int(length)
                } else {
                    for _ in 0..<length { offset += 4 + Int(bytes.loadUnaligned(fromByteOffset: offset, as: UInt32.self)) }
                }
            }
        }
    }

    private func start(_ field: LogTextField) -> Int {
        withUnsafeBytes(of: starts) { Int($0.load(fromByteOffset: field.rawValue * 4, as: Int32.self)) }
    }

    /// The bytes of a text field, nil when absent.
    func text(_ field: LogTextField) -> UnsafeBufferPointer<UInt8>? {
        text(at: start(field))
    }

    private func text(at offset: Int) -> UnsafeBufferPointer<UInt8>? {
        let length = bytes.loadUnaligned(fromByteOffset: offset, as: UInt32.self)
        guard length != LogRecordWire.absent else { return nil }
        guard let base = bytes.baseAddress else { return UnsafeBufferPointer(start: nil, count: 0) }
        return UnsafeBufferPointer(start: (base + offset + 4).assumingMemoryBound(to: UInt8.self), count: Int(length))
    }

    /// Calls `body` with each text of a list field in order; false when the list is absent.
    func forEachText(in field: LogTextField, _ body: (UnsafeBufferPointer<UInt8>) -> Void) -> Bool {
        var offset = start(field)
        let count = bytes.loadUnaligned(fromByteOffset: offset, as: UInt32.self)
        guard count != LogRecordWire.absent else { return false }
        offset += 4
        for _ in 0..<count {
            let length = Int(bytes.loadUnaligned(fromByteOffset: offset, as: UInt32.self))
            body(text(at: offset) ?? UnsafeBufferPointer(start: nil, count: 0))
            offset += 4 + length
        }
        return true
    }
}
