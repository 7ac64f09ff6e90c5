import LBLog

/// One `--filter` clause: `field op value`, e.g. `backend=api`, `status>=500`, `path^=/api`, `term=sH`,
/// `Ta>1000`. Text operators: `=` `!=` `^=` (prefix) `$=` (suffix) `~=` (contains); numbers: `=` `!=`
/// `<` `<=` `>` `>=`. `term=sH` matches termination states starting with `sH`.
public struct FilterClause: Sendable, Equatable, CustomStringConvertible {
    public enum Field: String, Sendable, CaseIterable {
        case frontend, backend, server, status, method, path, url, client, term, ta = "Ta", tr = "Tr",
             tc = "Tc", tw = "Tw", treq = "TR", bytes, retries

        var isNumeric: Bool {
            switch self {
            case .status, .ta, .tr, .tc, .tw, .treq, .bytes, .retries: return true
            default: return false
            }
        }
    }

    public enum Operator: String, Sendable, CaseIterable {
        case notEqual = "!=", greaterOrEqual = ">=", lessOrEqual = "<=", prefix = "^=", suffix = "$=",
             contains = "~=", equal = "=", greater = ">", less = "<"
    }

    public var field: Field
    public var op: Operator
    public var text: String
    let bytes: [UInt8]
    let number: Int64

    public var description: String { "\(field.rawValue)\(op.rawValue)\(text)" }

    public static func == (a: FilterClause, b: FilterClause) -> Bool {
        a.field == b.field && a.op == b.op && a.text == b.text
    }

    public init(field: Field, op: Operator, value: String) throws {
        self.field = field
        self.op = op
        self.text = value
        bytes = Array(value.utf8)
        if field.isNumeric {
            var digits = value
            if digits.hasSuffix("ms") { digits.removeLast(2) }
            if field == .status, value.count == 3, value.hasSuffix("xx"), let c = Int64(value.prefix(1)) {
                // status=5xx: a class.
                number = c + 1000
            } else {
                guard let n = Int64(digits) else { throw ReportOptionError.badFilter("\(field.rawValue)\(op.rawValue)\(value): '\(value)' is not a number") }
                number = n
            }
            guard [.equal, .notEqual, .greater, .greaterOrEqual, .less, .lessOrEqual].contains(op) else {
                throw ReportOptionError.badFilter("\(field.rawValue)\(op.rawValue)\(value): \(op.rawValue) does not apply to numbers")
            }
        } else {
            number = 0
            guard [.equal, .notEqual, .prefix, .suffix, .contains].contains(op) else {
                throw ReportOptionError.badFilter("\(field.rawValue)\(op.rawValue)\(value): \(op.rawValue) does not apply to text")
            }
        }
    }

    /// Parses `field op value`.
    public static func parse(_ text: String) throws -> FilterClause {
        let chars = Array(text)
        guard let opStart = chars.firstIndex(where: { "=!<>^$~".contains($0) }) else {
            throw ReportOptionError.badFilter("\(text): expected field, operator and value, e.g. status>=500")
        }
        let name = String(chars[..<opStart]).trimmingSpaces
        let rest = String(chars[opStart...])
        guard let op = Operator.allCases.first(where: { rest.hasPrefix($0.rawValue) }) else {
            throw ReportOptionError.badFilter("\(text): unknown operator")
        }
        let value = String(rest.dropFirst(op.rawValue.count)).trimmingSpaces
        let field: Field
        switch name {
        case "fe", "frontend": field = .frontend
        case "be", "backend": field = .backend
        case "srv", "server": field = .server
        case "status", "code", "ST": field = .status
        case "method", "meth": field = .method
        case "path": field = .path
        case "url", "uri": field = .url
        case "client", "ip", "src": field = .client
        case "term", "termination", "ts", "tsc": field = .term
        case "bytes", "B": field = .bytes
        case "retries": field = .retries
        default:
            guard let timer = TimerKind.named(name) else {
                let known = "frontend backend server status method path url client term Ta Tr Tc Tw TR bytes retries"
                throw ReportOptionError.badFilter("\(text): unknown field '\(name)' (known: \(known))")
            }
            switch timer {
            case .ta: field = .ta
            case .tr: field = .tr
            case .tc: field = .tc
            case .tw: field = .tw
            case .treq: field = .treq
            }
        }
        return try FilterClause(field: field, op: op, value: value)
    }

    @inline(__always)
    func matches(_ e: LogEntry) -> Bool {
        switch field {
        case .frontend: return matchText(e.frontend)
        case .backend: return matchText(e.backend)
        case .server:
            // `be/srv` names a server fully; a bare name matches it in any backend.
            if bytes.contains(UInt8(ascii: "/")) {
                var joined = Array(e.backend.buffer)
                joined.append(UInt8(ascii: "/"))
                joined.append(contentsOf: e.server.buffer)
                return joined.withUnsafeBufferPointer { matchText(ByteSlice(base: $0.baseAddress, count: $0.count)) }
            }
            return matchText(e.server)
        case .method: return matchText(e.method)
        case .path: return matchText(e.path)
        case .url: return matchText(e.uri)
        case .client: return matchText(e.clientAddress)
        case .term:
            var term = [UInt8]()
            for i in 0..<Int(e.terminationLength) { term.append(UInt8(truncatingIfNeeded: e.terminationState >> (24 - 8 * UInt32(i)))) }
            let prefixMatch = term.starts(with: bytes)
            switch op {
            case .equal: return prefixMatch
            case .notEqual: return !prefixMatch
            default: return term.withUnsafeBufferPointer { matchText(ByteSlice(base: $0.baseAddress, count: $0.count)) }
            }
        case .status:
            if number >= 1000 {
                // A class such as 5xx: equality is membership; orderings use the class bounds.
                let low = (number - 1000) * 100
                let status = Int64(e.status)
                switch op {
                case .equal: return status >= low && status <= low + 99
                case .notEqual: return !(status >= low && status <= low + 99)
                case .greater, .lessOrEqual: return compare(status, low + 99)
                default: return compare(status, low)
                }
            }
            return compare(Int64(e.status), number)
        case .ta: return compare(Int64(e.timeActive), number)
        case .tr: return compare(Int64(e.timeResponse), number)
        case .tc: return compare(Int64(e.timeConnect), number)
        case .tw: return compare(Int64(e.timeQueue), number)
        case .treq: return compare(Int64(e.timeRequest), number)
        case .bytes: return compare(e.bytesRead, number)
        case .retries: return compare(Int64(e.retries), number)
        }
    }

    @inline(__always)
    func compare(_ value: Int64, _ target: Int64) -> Bool {
        switch op {
        case .equal: return value == target
        case .notEqual: return value != target
        case .greater: return value > target
        case .greaterOrEqual: return value >= target
        case .less: return value < target
        case .lessOrEqual: return value <= target
        default: return false
        }
    }

    @inline(__always)
    func matchText(_ s: ByteSlice) -> Bool {
        switch op {
        case .equal: return s.equals(bytes)
        case .notEqual: return !s.equals(bytes)
        case .prefix: return s.hasPrefix(bytes)
        case .suffix: return s.hasSuffix(bytes)
        case .contains: return s.contains(bytes)
        default: return false
        }
    }
}

extension String {
    var trimmingSpaces: String {
        var s = Substring(self)
        while s.first == " " { s.removeFirst() }
        while s.last == " " { s.removeLast() }
        return String(s)
    }
}
