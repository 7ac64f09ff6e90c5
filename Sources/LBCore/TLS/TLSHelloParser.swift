/// Reads the first handshake message of a TLS stream (a ClientHello from a client, a ServerHello from a
/// server) from its records, as they arrive, without decrypting anything: the parts of a handshake that
/// travel in the clear. Used to log the cipher and whether a session was resumed, and (TCP mode) to read
/// the SNI before choosing a server.
public struct TLSHelloParser: Sendable {
    public enum Kind: UInt8, Sendable {
        case clientHello = 1
        case serverHello = 2
    }

    public enum Outcome: Sendable, Hashable {
        /// More bytes are needed.
        case incomplete
        case hello(TLSHello)
        /// The stream does not start with the expected message; `offset` is where it went wrong.
        case invalid(reason: String, offset: Int)
    }

    /// A hello longer than this is not waited for.
    public static let maxMessageLength = 16_384 + 4

    public let kind: Kind
    private var message: [UInt8] = []
    /// Bytes of the stream seen so far (the record headers included).
    private var consumed = 0
    /// Bytes left in the handshake record being read.
    private var recordLeft = 0
    private var header: [UInt8] = []

    public init(_ kind: Kind) { self.kind = kind }

    /// Feeds the next bytes of the stream.
    public mutating func feed(_ bytes: some Collection<UInt8>) -> Outcome {
        var iterator = bytes.makeIterator()
        while let byte = iterator.next() {
            consumed += 1
            if recordLeft == 0 {
                header.append(byte)
                guard header.count == 5 else { continue }
                guard header[0] == 22 else {
                    return .invalid(reason: "not a TLS handshake record (content type \(header[0]))", offset: consumed - 5)
                }
                recordLeft = Int(header[3]) << 8 | Int(header[4])
                header.removeAll(keepingCapacity: true)
                guard recordLeft > 0 else { return .invalid(reason: "empty handshake record", offset: consumed - 2) }
                continue
            }
            message.append(byte)
            recordLeft -= 1
            if let outcome = complete() { return outcome }
        }
        return .incomplete
    }

    /// The message once all of it arrived.
    private func complete() -> Outcome? {
        guard message.count >= 4 else { return nil }
        guard message[0] == kind.rawValue else {
            return .invalid(reason: "expected a \(kind == .clientHello ? "ClientHello" : "ServerHello"), got handshake type \(message[0])",
                            offset: 5)
        }
        let length = Int(message[1]) << 16 | Int(message[2]) << 8 | Int(message[3])
        guard length + 4 <= Self.maxMessageLength else { return .invalid(reason: "hello of \(length) bytes", offset: 6) }
        guard message.count >= length + 4 else { return nil }
        var reader = Reader(bytes: message[4..<(4 + length)])
        guard let hello = kind == .clientHello ? Self.clientHello(&reader) : Self.serverHello(&reader) else {
            return .invalid(reason: "malformed hello", offset: 9 + reader.offset)
        }
        return .hello(hello)
    }

    private static func clientHello(_ reader: inout Reader) -> TLSHello? {
        var hello = TLSHello()
        guard let version = reader.u16(), reader.skip(32), let session = reader.vector8(),
              let suites = reader.vector16(), suites.count % 2 == 0, let compression = reader.vector8(), !compression.isEmpty
        else { return nil }
        hello.legacyVersion = version
        hello.sessionID = Array(session)
        hello.cipherSuites = stride(from: suites.startIndex, to: suites.endIndex, by: 2).map { UInt16(suites[$0]) << 8 | UInt16(suites[$0 + 1]) }
        guard reader.remaining > 0 else { return hello }
        return extensions(&reader, into: hello, client: true)
    }

    private static func serverHello(_ reader: inout Reader) -> TLSHello? {
        var hello = TLSHello()
        guard let version = reader.u16(), reader.skip(32), let session = reader.vector8(), let suite = reader.u16(),
              reader.skip(1) else { return nil }
        hello.legacyVersion = version
        hello.sessionID = Array(session)
        hello.cipherSuites = [suite]
        guard reader.remaining > 0 else { return hello }
        return extensions(&reader, into: hello, client: false)
    }

    private static func extensions(_ reader: inout Reader, into hello: TLSHello, client: Bool) -> TLSHello? {
        var hello = hello
        guard var block = reader.vector16().map({ Reader(bytes: $0) }) else { return nil }
        while block.remaining > 0 {
            guard let type = block.u16(), let body = block.vector16() else { return nil }
            var data = Reader(bytes: body)
            switch type {
            case 0x0000 where client:
                // server_name: a list of (type, name); the host name is type 0.
                guard var list = data.vector16().map({ Reader(bytes: $0) }) else { return nil }
                while list.remaining > 0 {
                    guard let nameType = list.u8(), let name = list.vector16() else { return nil }
                    if nameType == 0 { hello.serverName = String(decoding: name, as: UTF8.self) }
                }
            case 0x0010:
                guard var list = data.vector16().map({ Reader(bytes: $0) }) else { return nil }
                while list.remaining > 0 {
                    guard let name = list.vector8() else { return nil }
                    hello.alpn.append(String(decoding: name, as: UTF8.self))
                }
            case 0x002b:
                if client {
                    guard let list = data.vector8(), list.count % 2 == 0 else { return nil }
                    hello.supportedVersion = stride(from: list.startIndex, to: list.endIndex, by: 2)
                        .map { UInt16(list[$0]) << 8 | UInt16(list[$0 + 1]) }
                        .filter { $0 & 0x0f0f != 0x0a0a }  // GREASE values carry no meaning
                        .max()
                } else {
                    hello.supportedVersion = data.u16()
                }
            case 0x0029:
                hello.hasPreSharedKey = true
            case 0x000d where client:
                guard let list = data.vector16(), list.count % 2 == 0 else { return nil }
                hello.signatureAlgorithms = stride(from: list.startIndex, to: list.endIndex, by: 2)
                    .map { UInt16(list[$0]) << 8 | UInt16(list[$0 + 1]) }
            default:
                break
            }
        }
        return hello
    }

    /// Big-endian reads over a slice, failing (nil) instead of running past its end.
    struct Reader {
        let bytes: ArraySlice<UInt8>
        private(set) var offset = 0

        init(bytes: ArraySlice<UInt8>) { self.bytes = bytes }

        var remaining: Int { bytes.count - offset }

        mutating func u8() -> UInt8? {
            guard remaining >= 1 else { return nil }
            defer { offset += 1 }
            return bytes[bytes.startIndex + offset]
        }

        mutating func u16() -> UInt16? {
            guard remaining >= 2 else { return nil }
            let start = bytes.startIndex + offset
            offset += 2
            return UInt16(bytes[start]) << 8 | UInt16(bytes[start + 1])
        }

        mutating func skip(_ count: Int) -> Bool {
            guard remaining >= count else { return false }
            offset += count
            return true
        }

        mutating func take(_ count: Int) -> ArraySlice<UInt8>? {
            guard remaining >= count else { return nil }
            let start = bytes.startIndex + offset
            offset += count
            return bytes[start..<(start + count)]
        }

        mutating func vector8() -> ArraySlice<UInt8>? {
            guard let length = u8() else { return nil }
            return take(Int(length))
        }

        mutating func vector16() -> ArraySlice<UInt8>? {
            guard let length = u16() else { return nil }
            return take(Int(length))
        }
    }
}
