/// The condition of a `.if` or `.elif` line (and of `lb -cc`), parsed: numbers, predicates such as
/// `defined(VAR)` or `version_atleast(2.4)`, `!`, `&&` (binding tighter) and `||`, and parentheses.
public indirect enum ConfigCondition: Sendable, Hashable {
    /// A number: zero is false, any other is true.
    case constant(Bool)
    case predicate(ConfigPredicate, [String])
    case not(ConfigCondition)
    /// True when every term is; evaluated left to right, stopping at the first false one.
    case all([ConfigCondition])
    /// True when one term is; evaluated left to right, stopping at the first true one.
    case any([ConfigCondition])

    /// Why a condition could not be evaluated (a predicate lb cannot answer).
    public struct EvaluationError: Error, Sendable, Hashable, CustomStringConvertible {
        public let description: String
    }

    /// The condition's value for this process. `environment` answers `defined()`; the features and the
    /// version are lb's own (`HAProxyDialect`). Terms after the one that decides are not evaluated, as in
    /// HAProxy.
    public func evaluate(environment: [String: String]) throws(EvaluationError) -> Bool {
        switch self {
        case .constant(let value):
            return value
        case .not(let inner):
            return try !inner.evaluate(environment: environment)
        case .all(let terms):
            for term in terms {
                if try !term.evaluate(environment: environment) { return false }
            }
            return true
        case .any(let terms):
            for term in terms {
                if try term.evaluate(environment: environment) { return true }
            }
            return false
        case .predicate(let predicate, let arguments):
            return try predicate.evaluate(arguments, environment: environment)
        }
    }
}
