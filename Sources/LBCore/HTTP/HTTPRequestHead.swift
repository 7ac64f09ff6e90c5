import LBConfig

/// HTTP version of a message.
public struct HTTPVersion: Sendable, Hashable, CustomStringConvertible {
    public var major: Int
    public var minor: Int
    public init(major: Int, minor: Int) {
        self.major = major
        self.minor = minor
    }
    public static let http1_0 = HTTPVersion(major: 1, minor: 0)
    public static let http1_1 = HTTPVersion(major: 1, minor: 1)
    /// `HTTP/1.1`; the common versions without formatting, as every logged request asks for it.
    public var description: String {
        switch (major, minor) {
        case (1, 1): "HTTP/1.1"
        case (1, 0): "HTTP/1.0"
        default: "HTTP/\(major).\(minor)"
        }
    }
}

/// Header fields in wire order. Names keep their case; lookups ignore ASCII case.
public struct HTTPHeaderFields: Sendable, Hashable, Sequence {
    public struct Field: Sendable, Hashable {
        public var name: String
        public var value: String
        public init(name: String, value: String) {
            self.name = name
            self.value = value
        }
    }
    public var fields: [Field]

    public init(_ fields: [Field] = []) { self.fields = fields }

    public var count: Int { fields.count }
    public func makeIterator() -> IndexingIterator<[Field]> { fields.makeIterator() }

    /// Every value of `name`, in order (each line's full value, not split at commas).
    public func values(_ name: String) -> [String] {
        fields.compactMap { $0.name.equalsIgnoringASCIICase(name) ? $0.value : nil }
    }
    public func first(_ name: String) -> String? {
        fields.first { $0.name.equalsIgnoringASCIICase(name) }?.value
    }
    public func contains(_ name: String) -> Bool { fields.contains { $0.name.equalsIgnoringASCIICase(name) } }
    public mutating func add(_ name: String, _ value: String) { fields.append(Field(name: name, value: value)) }
    public mutating func remove(_ name: String) { fields.removeAll { $0.name.equalsIgnoringASCIICase(name) } }
    /// Removes every `name` field and appends one with `value`.
    public mutating func set(_ name: String, _ value: String) {
        remove(name)
        add(name, value)
    }
}

/// The head of a request as the proxy parsed it: what ACLs, rules and balancing read and rewrite.
public struct HTTPRequestHead: Sendable, Hashable {
    public var method: String
    /// The request target as received (origin form `/path?query`, or absolute form).
    public var uri: String
    public var version: HTTPVersion
    public var headers: HTTPHeaderFields

    public init(method: String, uri: String, version: HTTPVersion, headers: HTTPHeaderFields = HTTPHeaderFields()) {
        self.method = method
        self.uri = uri
        self.version = version
        self.headers = headers
    }
}

/// The addresses of the client connection a request arrived on.
public struct ConnectionInfo: Sendable, Hashable {
    public var source: IPAddress?
    public var sourcePort: Int
    public var destination: IPAddress?
    public var destinationPort: Int
    public var isTLS: Bool
    /// What the TLS handshake established, once it completed.
    public var tls: TLSSessionFacts?
    /// What `tcp-request inspect-delay` saw of the first bytes (TCP mode).
    public var content: InspectedContent?
    public init(source: IPAddress?, sourcePort: Int, destination: IPAddress?, destinationPort: Int, isTLS: Bool = false,
                tls: TLSSessionFacts? = nil) {
        self.source = source
        self.sourcePort = sourcePort
        self.destination = destination
        self.destinationPort = destinationPort
        self.isTLS = isTLS || tls != nil
        self.tls = tls
    }
}

extension StringProtocol {
    /// ASCII case-insensitive equality without allocating.
    @inlinable
    public func equalsIgnoringASCIICase(_ other: some StringProtocol) -> Bool {
        let lhs = self.utf8, rhs = other.utf8
        guard lhs.count == rhs.count else { return false }
        // Native strings (all of lb's header names) compare over their contiguous bytes.
        if let result = lhs.withContiguousStorageIfAvailable({ left in
            rhs.withContiguousStorageIfAvailable { right in Self.foldedEqual(left, right) }
        }), let result {
            return result
        }
        for (a, b) in zip(lhs, rhs) where a != b {
            let la = a >= 65 && a <= 90 ? a | 0x20 : a
            let lb = b >= 65 && b <= 90 ? b | 0x20 : b
            if la != lb { return false }
        }
        return true
    }

    @inlinable
    static func foldedEqual(_ left: UnsafeBufferPointer<UInt8>, _ right: UnsafeBufferPointer<UInt8>) -> Bool {
        for index in 0..<left.count {
            let a = left[index], b = right[index]
            if a == b { continue }
            if a | 0x20 != b | 0x20 || !(97...122).contains(a | 0x20) { return false }
        }
        return true
    }
}
