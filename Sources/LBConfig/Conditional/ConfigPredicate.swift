/// A predicate of a configuration condition, with how many arguments it takes.
public enum ConfigPredicate: String, Sendable, Hashable, CaseIterable {
    /// `defined(NAME)`: the environment variable exists, whatever its value (even empty).
    case defined
    /// `feature(NAME)`: lb has the feature `haproxy -vv` would list as `+NAME` (see `HAProxyDialect`).
    case feature
    case streq
    case strneq
    /// `version_atleast(V)`: the HAProxy dialect lb speaks is V or newer.
    case versionAtLeast = "version_atleast"
    /// `version_before(V)`: the HAProxy dialect lb speaks is older than V.
    case versionBefore = "version_before"
    /// The TLS library's OpenSSL API level (BoringSSL's: 1.1.1) against V.
    case opensslVersionAtLeast = "openssl_version_atleast"
    case opensslVersionBefore = "openssl_version_before"
    /// `ssllib_name_startswith(PREFIX)`: whether the TLS library's name ("BoringSSL") starts with PREFIX.
    case ssllibNameStartsWith = "ssllib_name_startswith"

    var arity: Int {
        switch self {
        case .streq, .strneq: 2
        default: 1
        }
    }

    /// A check of the arguments that does not depend on the process, done when the condition is parsed.
    func validate(_ arguments: [String]) -> String? {
        switch self {
        case .versionAtLeast, .versionBefore, .opensslVersionAtLeast, .opensslVersionBefore:
            // HAProxy answers an unreadable version as if it were older than its own; lb refuses it, since a
            // typo would otherwise silently pick a branch.
            if HAProxyVersion(arguments[0]) == nil {
                return "'\(arguments[0])' is not a version (expected for example 2.4, 2.6.12 or 2.5-dev0)"
            }
            return nil
        default:
            return nil
        }
    }

    func evaluate(_ arguments: [String], environment: [String: String]) throws(ConfigCondition.EvaluationError) -> Bool {
        switch self {
        case .defined:
            return environment[arguments[0]] != nil
        case .feature:
            return HAProxyDialect.hasFeature(arguments[0])
        case .streq:
            return arguments[0] == arguments[1]
        case .strneq:
            return arguments[0] != arguments[1]
        case .versionAtLeast, .versionBefore:
            guard let version = HAProxyVersion(arguments[0]) else {
                throw ConfigCondition.EvaluationError(description: "'\(arguments[0])' is not a version")
            }
            return self == .versionAtLeast ? HAProxyDialect.version >= version : HAProxyDialect.version < version
        case .opensslVersionAtLeast, .opensslVersionBefore:
            guard let version = HAProxyVersion(arguments[0]) else {
                throw ConfigCondition.EvaluationError(description: "'\(arguments[0])' is not a version")
            }
            let library = HAProxyDialect.tlsLibraryVersion
            return self == .opensslVersionAtLeast ? library >= version : library < version
        case .ssllibNameStartsWith:
            return HAProxyDialect.tlsLibraryName.hasPrefix(arguments[0])
        }
    }
}
