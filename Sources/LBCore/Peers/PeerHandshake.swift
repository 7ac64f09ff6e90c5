/// The text part of a peers session: the connecting side sends three lines (protocol and version, the
/// name it expects the other side to have, its own name with its pid and relative pid), the accepting
/// side answers one status line.
public enum PeerHandshake {
    public static let protocolName = "HAProxyS"
    public static let majorVersion = 2
    public static let minorVersion = 1

    public enum Status: Int, Sendable, Error {
        case success = 200
        case tryAgain = 300
        case protocolError = 501
        case badVersion = 502
        /// The name the connecting side expects is not this side's.
        case localNameMismatch = 503
        /// The connecting side is not a peer of the section.
        case unknownPeer = 504

        public var line: [UInt8] { Array("\(rawValue)\n".utf8) }
    }

    public static func hello(remote: String, local: String, pid: Int32) -> [UInt8] {
        Array("\(protocolName) \(majorVersion).\(minorVersion)\n\(remote)\n\(local) \(pid) 1\n".utf8)
    }

    /// Checks the three hello lines on the accepting side; the connecting peer's name when it may go on.
    public static func check(_ lines: [String], localName: String, peers: Set<String>) -> Result<String, Status> {
        guard lines.count == 3 else { return .failure(.protocolError) }
        let prefix = protocolName + " "
        guard lines[0].hasPrefix(prefix) else { return .failure(.protocolError) }
        let version = lines[0].dropFirst(prefix.count).split(separator: ".", omittingEmptySubsequences: false)
        guard version.count == 2, let major = Int(version[0]), let minor = Int(version[1]),
              major == majorVersion, minor <= minorVersion
        else { return .failure(.badVersion) }
        guard lines[1] == localName else { return .failure(.localNameMismatch) }
        guard let space = lines[2].firstIndex(of: " ") else { return .failure(.protocolError) }
        let name = String(lines[2][..<space])
        guard peers.contains(name) else { return .failure(.unknownPeer) }
        return .success(name)
    }

    /// The status line's code; nil when it is not a number.
    public static func status(_ line: String) -> Int? { Int(line) }
}

/// Cuts handshake bytes into lines ending in LF (a CR before it is dropped), keeping what follows the
/// last line for the binary messages.
public struct PeerLineReader {
    private var pending: [UInt8] = []
    public static let maximumLine = 1024

    public init() {}

    public enum Failure: Error { case lineTooLong }

    public mutating func append(_ bytes: some Sequence<UInt8>) { pending.append(contentsOf: bytes) }

    public mutating func nextLine() throws(Failure) -> String? {
        guard let newline = pending.firstIndex(of: UInt8(ascii: "\n")) else {
            if pending.count > Self.maximumLine { throw .lineTooLong }
            return nil
        }
        var line = pending[..<newline]
        if line.last == UInt8(ascii: "\r") { line = line.dropLast() }
        let text = String(decoding: line, as: UTF8.self)
        pending.removeFirst(newline + 1)
        return text
    }

    /// The bytes after the lines read so far.
    public mutating func takeRest() -> [UInt8] {
        defer { pending = [] }
        return pending
    }
}
