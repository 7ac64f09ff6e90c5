/// The exporter's query parameters, with HAProxy's meaning: `scope=` (repeatable; `*` for all; no
/// parameter at all means every scope), `no-maint` (leave out servers in maintenance) and
/// `metrics=name,-name` (keep only the listed metrics, or drop the ones prefixed with `-`).
public struct PrometheusQuery: Sendable, Equatable {
    public enum Scope: String, Sendable, CaseIterable {
        case global, frontend, backend, server, listener, sticktable, resolver
    }

    public var scopes: Set<Scope>
    public var noMaint: Bool
    /// Metric names to keep; nil keeps all.
    public var included: Set<String>?
    public var excluded: Set<String>

    public init(scopes: Set<Scope> = Set(Scope.allCases), noMaint: Bool = false, included: Set<String>? = nil,
                excluded: Set<String> = []) {
        self.scopes = scopes
        self.noMaint = noMaint
        self.included = included
        self.excluded = excluded
    }

    public struct Invalid: Error, Equatable, CustomStringConvertible {
        public let description: String
    }

    /// Parses the part of a URI after `?`. A `scope` without a value, or an unknown scope, is invalid
    /// (HAProxy answers 400 for both).
    public static func parse(_ query: Substring) throws(Invalid) -> PrometheusQuery {
        var result = PrometheusQuery()
        var scopes: Set<Scope>? = nil
        for parameter in query.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = parameter.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = parts[0]
            let value = parts.count > 1 ? percentDecoded(parts[1]) : nil
            switch name {
            case "scope":
                guard let value else { throw Invalid(description: "scope parameter without a value") }
                var selected = scopes ?? []
                if value == "*" {
                    selected = Set(Scope.allCases)
                } else if !value.isEmpty {
                    guard let scope = Scope(rawValue: value) else { throw Invalid(description: "unknown scope '\(value)'") }
                    selected.insert(scope)
                }
                scopes = selected
            case "no-maint":
                result.noMaint = true
            case "metrics":
                guard let value else { throw Invalid(description: "metrics parameter without a value") }
                for item in value.split(separator: ",") {
                    if item.first == "-" {
                        result.excluded.insert(String(item.dropFirst()))
                    } else {
                        result.included = (result.included ?? []).union([String(item)])
                    }
                }
            default:
                continue
            }
        }
        if let scopes { result.scopes = scopes }
        return result
    }

    public func wants(_ metric: String) -> Bool {
        if excluded.contains(metric) { return false }
        if let included { return included.contains(metric) }
        return true
    }

    /// Percent-decoding with `+` as space (query strings and form bodies).
    public static func decode(_ text: Substring) -> String { percentDecoded(text) }

    static func percentDecoded(_ text: Substring) -> String {
        var bytes: [UInt8] = []
        var iterator = Array(text.utf8)[...]
        while let byte = iterator.popFirst() {
            if byte == UInt8(ascii: "%"), iterator.count >= 2,
               let high = hexValue(iterator[iterator.startIndex]), let low = hexValue(iterator[iterator.startIndex + 1]) {
                bytes.append(high << 4 | low)
                iterator = iterator.dropFirst(2)
            } else {
                bytes.append(byte == UInt8(ascii: "+") ? UInt8(ascii: " ") : byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - 48
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - 87
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - 55
        default: nil
        }
    }
}
