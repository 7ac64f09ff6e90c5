import NIOCore

/// Follows a message body as it streams through, without copying it, to know where the message ends:
/// counts down a Content-Length, or walks the chunked framing (sizes, data, trailers). The bytes are
/// forwarded unchanged; only their count matters.
///
/// Every line of the chunked framing (size line, the end of each chunk's data, trailer lines, the last
/// empty line) must end in CRLF: a bare LF is refused (400 for a request, 502 for a response whose head
/// has not left yet), where haproxy would re-frame it with CRLF. lb forwards the framing as it came, and
/// a server that does not take a bare LF as a line end (it reads the LF as part of a chunk extension, or
/// the data as one byte longer) ends the body somewhere else than lb did: what lb took for the next
/// request would then be part of this body to the server, or the other way round (request smuggling).
struct BodyTracker {
    private enum State: Equatable {
        case remaining(UInt64)
        case chunkSize(value: UInt64, digits: Int)
        /// After the size: extensions or whitespace up to the line end.
        case chunkExtension(value: UInt64, length: Int)
        case chunkSizeLF(value: UInt64)
        case chunkData(UInt64)
        case chunkDataCR
        case chunkDataLF
        case trailerLineStart
        case trailerLine(length: Int)
        case trailerLF(emptyLine: Bool)
        case untilClose
        case complete
    }

    private var state: State
    /// Bytes of body seen so far (framing included).
    private(set) var bytesSeen: UInt64 = 0
    /// Longest chunk-size or trailer line accepted.
    static let maxLineLength = 4096

    init(_ framing: BodyFraming) {
        switch framing {
        case .none: state = .complete
        case .contentLength(let length): state = length == 0 ? .complete : .remaining(length)
        case .chunked: state = .chunkSize(value: 0, digits: 0)
        case .untilClose: state = .untilClose
        }
    }

    var isComplete: Bool { state == .complete }
    var isUntilClose: Bool { state == .untilClose }

    /// Consumes as much of `buffer`'s readable bytes as belong to this body and returns that count.
    mutating func advance(over buffer: ByteBuffer) throws(HTTPParseError) -> Int {
        let result: Result<Int, HTTPParseError> = buffer.withUnsafeReadableBytes { bytes in
            do throws(HTTPParseError) { return .success(try advance(bytes)) } catch { return .failure(error) }
        }
        let consumed = try result.get()
        bytesSeen &+= UInt64(consumed)
        return consumed
    }

    private mutating func advance(_ bytes: UnsafeRawBufferPointer) throws(HTTPParseError) -> Int {
        var index = 0
        let count = bytes.count
        while index < count {
            switch state {
            case .complete:
                return index
            case .untilClose:
                return count
            case .remaining(let left):
                let take = Int(min(UInt64(count - index), left))
                index += take
                state = left == UInt64(take) ? .complete : .remaining(left - UInt64(take))
            case .chunkData(let left):
                let take = Int(min(UInt64(count - index), left))
                index += take
                state = left == UInt64(take) ? .chunkDataCR : .chunkData(left - UInt64(take))
            case .chunkSize(let value, let digits):
                let byte = bytes[index]
                if let digit = Self.hexValue(byte) {
                    guard digits < 15 else { throw HTTPParseError(reason: .badChunk, offset: index) }
                    state = .chunkSize(value: value << 4 | UInt64(digit), digits: digits + 1)
                } else if digits > 0, byte == UInt8(ascii: ";") || byte == 0x20 || byte == 0x09 {
                    state = .chunkExtension(value: value, length: 1)
                } else if digits > 0, byte == 0x0d {
                    state = .chunkSizeLF(value: value)
                } else {
                    throw HTTPParseError(reason: .badChunk, offset: index)
                }
                index += 1
            case .chunkExtension(let value, let length):
                let byte = bytes[index]
                if byte == 0x0d {
                    state = .chunkSizeLF(value: value)
                } else if byte < 0x20 && byte != 0x09 || length >= Self.maxLineLength {
                    throw HTTPParseError(reason: .badChunk, offset: index)
                } else {
                    state = .chunkExtension(value: value, length: length + 1)
                }
                index += 1
            case .chunkSizeLF(let value):
                guard bytes[index] == 0x0a else { throw HTTPParseError(reason: .badChunk, offset: index) }
                state = value == 0 ? .trailerLineStart : .chunkData(value)
                index += 1
            case .chunkDataCR:
                guard bytes[index] == 0x0d else { throw HTTPParseError(reason: .badChunk, offset: index) }
                state = .chunkDataLF
                index += 1
            case .chunkDataLF:
                guard bytes[index] == 0x0a else { throw HTTPParseError(reason: .badChunk, offset: index) }
                state = .chunkSize(value: 0, digits: 0)
                index += 1
            case .trailerLineStart:
                let byte = bytes[index]
                if byte == 0x0d {
                    state = .trailerLF(emptyLine: true)
                } else if byte == 0x0a {
                    throw HTTPParseError(reason: .badChunk, offset: index)
                } else {
                    state = .trailerLine(length: 1)
                }
                index += 1
            case .trailerLine(let length):
                let byte = bytes[index]
                if byte == 0x0d {
                    state = .trailerLF(emptyLine: false)
                } else if byte == 0x0a || length >= Self.maxLineLength {
                    throw HTTPParseError(reason: .badChunk, offset: index)
                } else {
                    state = .trailerLine(length: length + 1)
                }
                index += 1
            case .trailerLF(let emptyLine):
                guard bytes[index] == 0x0a else { throw HTTPParseError(reason: .badChunk, offset: index) }
                state = emptyLine ? .complete : .trailerLineStart
                index += 1
            }
        }
        return index
    }

    @inline(__always)
    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case 0x30...0x39: byte - 0x30
        case 0x41...0x46: byte - 0x41 + 10
        case 0x61...0x66: byte - 0x61 + 10
        default: nil
        }
    }
}
