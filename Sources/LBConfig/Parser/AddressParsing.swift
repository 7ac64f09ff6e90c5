/// Socket addresses on `bind` and `server` lines, with HAProxy's forms: `host:port`, `:port` and `*:port`
/// (every address), `[v6]:port`, unbracketed IPv6 where the last colon starts the port (`:::80`),
/// `ipv4@`/`ipv6@`/`tcp@` prefixes, and port ranges on `bind` (`:8000-8002`).
enum AddressParsing {
    struct Failure: Error, Equatable {
        var message: String
        var hint: String?
    }

    /// Families lb cannot listen on or connect to yet, by prefix, with what to write instead.
    private static let unsupportedPrefixes = [
        "unix@", "abns@", "abnsz@", "sockpair@", "udp@", "udp4@", "udp6@", "quic4@", "quic6@",
        "uxst@", "uxdg@", "rhttp@", "mptcp@", "mptcp4@", "mptcp6@",
    ]

    private enum Family { case any, v4, v6 }

    /// The descriptor of an `fd@N` address (a listening socket the process inherited, from systemd or a
    /// parent), nil when `text` is another kind of address. 0 to 2 are the standard streams, never a
    /// listener.
    static func inheritedDescriptor(_ text: String) -> Result<Int32, Failure>? {
        guard text.hasPrefix("fd@") else { return nil }
        let number = text.dropFirst(3)
        guard let descriptor = Int32(number), descriptor >= 0 else {
            return .failure(Failure(message: "invalid file descriptor in '\(text)'",
                                    hint: "write fd@N with N the number of an inherited listening socket, for example fd@3"))
        }
        guard descriptor > 2 else {
            return .failure(Failure(message: "'\(text)' is a standard stream, not a listening socket",
                                    hint: "inherited sockets start at descriptor 3 (systemd passes 3, 4, ...)"))
        }
        return .success(descriptor)
    }

    /// Splits off an `ipv4@`/`ipv6@`/`tcp@` prefix; fails on families lb does not support.
    private static func family(of text: String) -> Result<(Family, Substring), Failure> {
        if text.hasPrefix("/") {
            return .failure(Failure(message: "UNIX socket addresses are not supported: '\(text)'",
                                    hint: "use an IP address and port"))
        }
        for prefix in unsupportedPrefixes where text.hasPrefix(prefix) {
            return .failure(Failure(message: "address family '\(prefix)' is not supported: '\(text)'",
                                    hint: "use an IPv4 or IPv6 address and port"))
        }
        for (prefix, family) in [("ipv4@", Family.v4), ("tcp4@", .v4), ("ipv6@", .v6), ("tcp6@", .v6), ("tcp@", .any)]
        where text.hasPrefix(prefix) {
            return .success((family, text.dropFirst(prefix.count)))
        }
        if let at = text.firstIndex(of: "@") {
            return .failure(Failure(message: "unknown address prefix '\(text[...at])' in '\(text)'"))
        }
        return .success((.any, Substring(text)))
    }

    /// `[host]:port`, `[host]`, `host:port` (last colon), `host`. Nil when a bracket is not closed.
    private static func splitHostPort(_ text: Substring) -> (host: Substring, port: Substring?, bracketed: Bool)? {
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]") else { return nil }
            let host = text[text.index(after: text.startIndex)..<close]
            let rest = text[text.index(after: close)...]
            if rest.isEmpty { return (host, nil, true) }
            guard rest.hasPrefix(":") else { return nil }
            return (host, rest.dropFirst(), true)
        }
        if let colon = text.lastIndex(of: ":") {
            return (text[..<colon], text[text.index(after: colon)...], false)
        }
        return (text, nil, false)
    }

    /// A DNS-style name. Text made only of digits and dots is an IPv4 attempt, never a hostname.
    static func isHostname(_ text: some StringProtocol) -> Bool {
        !text.isEmpty && text.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "." || $0 == "_") }
            && !text.allSatisfy { $0.isASCIIDigit || $0 == "." }
    }

    private static func port(_ text: Substring) -> Int? {
        guard !text.isEmpty, text.count <= 5, text.allSatisfy(\.isASCIIDigit), let value = Int(text),
              (1...65535).contains(value) else { return nil }
        return value
    }

    /// Checks a host against the family; returns the host to store.
    private static func host(_ raw: Substring, family: Family, original: String) -> Result<String, Failure> {
        let isV4 = IPAddress.parseV4(raw) != nil
        let isV6 = raw.contains(":") && IPAddress.parseV6(raw) != nil
        switch family {
        case .v4 where isV4 || (!raw.contains(":") && isHostname(raw)): return .success(String(raw))
        case .v6 where isV6 || (!raw.contains(":") && !isV4 && isHostname(raw)): return .success(String(raw))
        case .any where isV4 || isV6 || (!raw.contains(":") && isHostname(raw)): return .success(String(raw))
        default:
            var hint: String?
            if IPAddress.parseV6(Substring(original)) != nil {
                hint = "write an IPv6 address with its port in brackets, for example [\(original)]:80"
            } else if family != .any {
                hint = "the '\(family == .v4 ? "ipv4@" : "ipv6@")' prefix requires an address of that family"
            }
            return .failure(Failure(message: "invalid address '\(original)'", hint: hint))
        }
    }

    /// One address of a `bind` line; a port range yields several. A nil host means every address.
    static func bind(_ text: String) -> Result<[(host: String?, port: Int)], Failure> {
        let split: (Family, Substring)
        switch family(of: text) {
        case .failure(let failure): return .failure(failure)
        case .success(let value): split = value
        }
        let (family, rest) = split
        guard let (rawHost, rawPort, bracketed) = splitHostPort(rest) else {
            return .failure(Failure(message: "invalid address '\(text)'", hint: "expected [IPv6]:port"))
        }
        guard let rawPort, !rawPort.isEmpty else {
            return .failure(Failure(message: "missing port in bind address '\(text)'",
                                    hint: "write ADDRESS:PORT, for example *:80 or 127.0.0.1:8080"))
        }
        var ports: [Int]
        if let dash = rawPort.firstIndex(of: "-") {
            guard let low = port(rawPort[..<dash]), let high = port(rawPort[rawPort.index(after: dash)...]), low <= high else {
                return .failure(Failure(message: "invalid port range '\(rawPort)' in '\(text)'",
                                        hint: "a range is LOW-HIGH with 1 <= LOW <= HIGH <= 65535"))
            }
            ports = Array(low...high)
        } else {
            guard let single = port(rawPort) else {
                return .failure(Failure(message: "invalid port '\(rawPort)' in '\(text)'", hint: "a port is 1 to 65535"))
            }
            ports = [single]
        }
        var host: String?
        if (rawHost.isEmpty || rawHost == "*") && !bracketed {
            switch family {
            case .v4: host = "0.0.0.0"
            case .v6: host = "::"
            case .any: host = nil
            }
        } else {
            switch self.host(rawHost, family: family, original: text) {
            case .failure(let failure): return .failure(failure)
            case .success(let value): host = value
            }
        }
        return .success(ports.map { (host, $0) })
    }

    /// The address of a `server` line: the host as written and an optional port.
    static func server(_ text: String) -> Result<(host: String, port: Int?), Failure> {
        let split: (Family, Substring)
        switch family(of: text) {
        case .failure(let failure): return .failure(failure)
        case .success(let value): split = value
        }
        let (family, rest) = split
        guard let (rawHost, rawPort, _) = splitHostPort(rest), !rawHost.isEmpty, rawHost != "*" else {
            return .failure(Failure(message: "invalid server address '\(text)'",
                                    hint: "expected HOST[:PORT], [IPv6]:PORT or ipv6@ADDRESS:PORT"))
        }
        var port: Int?
        if let rawPort, !rawPort.isEmpty {
            if rawPort.hasPrefix("+") || rawPort.hasPrefix("-") {
                return .failure(Failure(message: "port offsets ('\(rawPort)') are not supported in '\(text)'",
                                        hint: "write an absolute port, or no port to reuse the client's destination port"))
            }
            guard let value = self.port(rawPort) else {
                return .failure(Failure(message: "invalid port '\(rawPort)' in '\(text)'", hint: "a port is 1 to 65535"))
            }
            port = value
        }
        switch host(rawHost, family: family, original: text) {
        case .failure(let failure): return .failure(failure)
        case .success(let host): return .success((host, port))
        }
    }
}
